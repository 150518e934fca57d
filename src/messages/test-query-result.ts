// What Test query shows in the modal: the first rows of what the SQL returned (or the
// database's message) and, for alerts, what the condition makes of it.
import type { ConditionOutcome } from '../domain/condition.js';
import type { QueryResult } from '../domain/types.js';
import type { Inline, MessageDoc, Part } from './document.js';
import { resultTable } from './result-table.js';
import { rowsSummary } from './sentences.js';

export type TestQueryResult =
  | {
      ok: true;
      columns: string[];
      /** The first rows, for a preview. */
      rows: QueryResult['rows'];
      rowCount: number;
      truncated: boolean;
      /** For alerts: what the condition makes of the result. */
      condition: ConditionOutcome | null;
    }
  | { ok: false; error: string };

export function testQueryDoc(result: TestQueryResult): MessageDoc {
  if (!result.ok) {
    return { summary: 'Test query failed', parts: [{ kind: 'paragraph', inlines: ['⚠️ ', { bold: 'Test query failed' }] }, { kind: 'code', text: result.error }] };
  }
  const shown = Math.min(result.rows.length, result.rowCount);
  const parts: Part[] = [{ kind: 'paragraph', inlines: [{ bold: 'Test query:' }, ` ${rowsSummary(shown, result.rowCount, result.truncated)}`] }];
  if (result.condition !== null) parts.push({ kind: 'paragraph', inlines: conditionLine(result.condition) });
  const table = resultTable({ columns: result.columns, rows: result.rows, truncated: false });
  if (table !== null) parts.push({ kind: 'table', table: { ...table, total: result.rowCount, truncated: result.truncated } });
  return { summary: 'Test query', parts };
}

function conditionLine(outcome: ConditionOutcome): Inline[] {
  switch (outcome.kind) {
    case 'fired':
      return ['🔴 The condition holds', ...(outcome.value !== null ? [' (value ', { bold: outcome.value }, ')'] : []), ': this would send.'];
    case 'not_fired':
      return [`🟢 The condition does not hold: ${outcome.reason}.`];
    case 'noop':
      return [`⚪ Nothing to compare: ${outcome.reason}.`];
    case 'error':
      return [`⚠️ As an alert this would fail: ${outcome.reason}.`];
  }
}
