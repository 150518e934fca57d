// The modal's test-query result: what the SQL returned (a few rows as a table) or the
// database's message, and for alerts what the condition makes of it. One section, cut to fit.
import type { KnownBlock } from '@slack/types';
import type { TestQueryResult } from '../../services/alert-service.js';
import { BLOCK } from '../ids.js';
import { section } from './kit.js';
import { SLACK_LIMITS, truncate } from './limits.js';
import { bold, codeBlock, escapeMrkdwn } from './mrkdwn.js';
import { resultTable, rowsSummary } from './table.js';

/** The test query's outcome: what came back (or the database's message), and for alerts what the condition makes of it. */
export function testResultBlocks(result: TestQueryResult | null): KnownBlock[] {
  if (result === null) return [];
  if (!result.ok) {
    const head = '⚠️ *Test query failed*\n';
    return [section(head + codeBlock(truncate(result.error, SLACK_LIMITS.sectionText - head.length - 20)), BLOCK.testResult)];
  }
  const lines = [`*Test query:* ${rowsSummary(Math.min(result.rows.length, result.rowCount), result.rowCount, result.truncated)}`];
  if (result.condition !== null) lines.push(conditionLine(result.condition));
  const head = lines.join('\n');
  const table = resultTable(result.columns, result.rows, { maxRows: 5, maxChars: SLACK_LIMITS.sectionText - head.length - 1 });
  return [section(table === null ? head : `${head}\n${table.mrkdwn}`, BLOCK.testResult)];
}

function conditionLine(outcome: NonNullable<Extract<TestQueryResult, { ok: true }>['condition']>): string {
  switch (outcome.kind) {
    case 'fired':
      return `🔴 The condition holds${outcome.value !== null ? ` (value ${bold(outcome.value)})` : ''}: this would send.`;
    case 'not_fired':
      return `🟢 The condition does not hold: ${escapeMrkdwn(outcome.reason)}.`;
    case 'noop':
      return `⚪ Nothing to compare: ${escapeMrkdwn(outcome.reason)}.`;
    case 'error':
      return `⚠️ As an alert this would fail: ${escapeMrkdwn(outcome.reason)}.`;
  }
}
