// What an alert or report posts to Slack: firing, report, resolved (in the firing thread), and
// the notices owners get by DM (an execution failed; Slack failed and email went instead);
// plus the chat.update that turns the first firing message into its current state. Every user-written text is escaped; every message fits Slack's limits.
import type { KnownBlock } from '@slack/types';
import { describeCondition } from '../../domain/condition.js';
import type { Alert, QueryResult } from '../../domain/types.js';
import { renderMessageTemplate } from '../../content/message-template.js';
import type { FailedStep, OutgoingMessage } from '../../delivery/port.js';
import { commandRef } from '../commands/parse-alert-command.js';
import { alertActions } from './alert-actions.js';
import { context, header, section } from './kit.js';
import { fitMessageBlocks, SLACK_LIMITS, truncate, type SlackMessage } from './limits.js';
import { bold, code, codeBlock, escapeMrkdwn, formatInZone, link } from './mrkdwn.js';
import { resultTable, rowsSummary } from './table.js';

export type AlertMessageInput = OutgoingMessage & {
  /** The data source as people know it, when it differs from its configured name. */
  dataSourceLabel?: string;
};

/** Rows shown in a message's table. */
const TABLE_ROWS = 10;

export function buildAlertMessage(msg: AlertMessageInput, options: { now?: Date } = {}): SlackMessage {
  switch (msg.kind) {
    case 'firing':
      return firing(msg, options.now);
    case 'report':
      return report(msg, options.now);
    case 'resolved':
      return resolved(msg);
    case 'error_notice':
      return errorNotice(msg);
    case 'fallback_notice':
      return fallbackNotice(msg);
  }
}

/** The first firing message, rewritten (chat.update) to show where the alert stands now. */
export function buildFiringMessageUpdate(alert: Alert, state: 'firing' | 'resolved', lastValue: string | null, at: Date): SlackMessage {
  const zone = alert.schedule.timezone;
  const condition = alert.condition ? ` — condition: ${escapeMrkdwn(describeCondition(alert.condition))}` : '';
  const value = lastValue !== null ? bold(lastValue) : '';
  const blocks: KnownBlock[] =
    state === 'firing'
      ? [
          header(`🔴 ${alert.name}`),
          section(`*Firing* since ${formatInZone(alert.firingSince ?? at, zone)}${value ? ` — last value ${value}` : ''}${condition}`),
          context([`Updated ${formatInZone(at, zone)}`]),
          alertActions(alert, ['runNow', 'snooze1h', 'snooze1d', 'pauseOrResume', 'history']),
        ]
      : [
          header(`✅ ${alert.name}`),
          section(`*Resolved* at ${formatInZone(at, zone)}${value ? ` — value now ${value}` : ''}${condition}`),
          alertActions(alert, ['runNow', 'pauseOrResume', 'history']),
        ];
  const text = state === 'firing' ? `🔴 ${alert.name} is firing` : `✅ ${alert.name} resolved at ${formatInZone(at, zone)}`;
  return { text: fallbackText(text), blocks: fitMessageBlocks(blocks) };
}

// ---------------------------------------------------------------------------------------------

function firing(msg: AlertMessageInput, now: Date | undefined): SlackMessage {
  const { alert } = msg;
  const condition = alert.condition ? describeCondition(alert.condition) : null;
  const valueLine = [msg.value !== null ? bold(msg.value) : null, condition !== null ? `condition: ${escapeMrkdwn(condition)}` : null]
    .filter((p): p is string => p !== null && p !== '')
    .join(' — ');
  const blocks: KnownBlock[] = [
    header(`🔴 ${alert.name}`),
    ...about(msg),
    ...(valueLine !== '' ? [section(valueLine)] : []),
    ...facts(msg),
    ...contentNotes(msg),
    ...screenshotLink(alert),
    ...table(msg.result),
    alertActions(alert, ['runNow', 'snooze1h', 'snooze1d', 'snoozeUntil', 'pauseOrResume', 'history'], now),
  ];
  const text = `🔴 ${alert.name}${msg.value !== null ? `: ${msg.value}` : ''}${condition !== null ? ` (${condition})` : ''}`;
  return { text: fallbackText(text), blocks: fitMessageBlocks(blocks) };
}

function report(msg: AlertMessageInput, now: Date | undefined): SlackMessage {
  const { alert } = msg;
  const blocks: KnownBlock[] = [
    header(`📊 ${alert.name}`),
    ...about(msg),
    ...facts(msg),
    ...contentNotes(msg),
    ...screenshotLink(alert),
    ...table(msg.result),
    alertActions(alert, ['runNow', 'snooze1h', 'snooze1d', 'snoozeUntil', 'pauseOrResume', 'history'], now),
  ];
  return { text: fallbackText(`📊 ${alert.name}`), blocks: fitMessageBlocks(blocks) };
}

function resolved(msg: AlertMessageInput): SlackMessage {
  const { alert } = msg;
  const condition = alert.condition ? ` — condition: ${escapeMrkdwn(describeCondition(alert.condition))}` : '';
  const value = msg.value !== null ? ` Value now ${bold(msg.value)}${condition}.` : '';
  const blocks: KnownBlock[] = [
    section(`✅ ${bold(alert.name)} resolved.${value}`),
    context([`Evaluated ${formatInZone(msg.evaluatedAt, alert.schedule.timezone)}`]),
  ];
  return { text: fallbackText(`✅ ${alert.name} resolved`), blocks: fitMessageBlocks(blocks) };
}

function errorNotice(msg: AlertMessageInput): SlackMessage {
  const { alert } = msg;
  const zone = alert.schedule.timezone;
  const error = msg.error ?? 'an unknown error';
  const ref = commandRef(alert);
  const intro = `Lookout could not run ${bold(alert.name)} (${alert.type}) for its ${formatInZone(msg.scheduledAt, zone)} run.`;
  const where = [
    ...(msg.failedStep !== null ? [`*Failed at:* ${STEP_NAMES[msg.failedStep]}`] : []),
    `*Last good run:* ${msg.lastGoodRunAt !== null ? formatInZone(msg.lastGoodRunAt, zone) : 'never'}`,
  ].join(' · ');
  const blocks: KnownBlock[] = [
    header(`⚠️ ${alert.name} failed`),
    section(`${intro}\n${codeBlock(truncate(error, SLACK_LIMITS.sectionText - intro.length - 20))}`),
    section(where),
    section(`*What to do:* ${whatToDo(msg.failedStep, ref)} To stop it meanwhile: ${code(`/alert pause ${ref}`)}.`),
    context([
      `Data source: ${bold(msg.dataSourceLabel ?? alert.dataSource)} · Evaluated ${formatInZone(msg.evaluatedAt, zone)} · ` +
        `You own this ${alert.type}; you are not told again within the grace period (at least an hour) while it keeps failing.`,
    ]),
    alertActions(alert, ['runNow', 'pauseOrResume', 'history', 'edit']),
  ];
  return { text: fallbackText(`⚠️ ${alert.name} failed: ${error}`), blocks: fitMessageBlocks(blocks) };
}

const STEP_NAMES: Record<FailedStep, string> = {
  query: 'the query',
  condition: 'the condition check',
  delivery: 'delivery',
};

/** Advice for the step that failed; all of it when the step is not known. */
function whatToDo(step: FailedStep | null, ref: string): string {
  const edit = code(`/alert edit ${ref}`);
  switch (step) {
    case 'query':
      return `fix the SQL or the data source (${edit}, then *Test query*), then *Run now* to try again.`;
    case 'condition':
      return `the condition needs the query to return one value (one row, one column; a number for > < = checks): fix the SQL (${edit}, then *Test query*), then *Run now*.`;
    case 'delivery':
      return `check that Lookout is in every channel it posts to (\`/invite @Lookout\`) and that the recipients still exist (${edit}), then *Run now* to try again.`;
    case null:
      return (
        `fix the SQL or the data source (${edit}, then *Test query*), ` +
        `check that Lookout is in every channel it posts to, then *Run now* to try again.`
      );
  }
}

/**
 * To the owners: Slack failed for one recipient and the message went by email instead.
 * `error` carries the whole story ("Slack delivery to #ops failed (…); sent by email to … instead").
 */
function fallbackNotice(msg: AlertMessageInput): SlackMessage {
  const { alert } = msg;
  const zone = alert.schedule.timezone;
  const explanation = msg.error ?? 'Slack delivery failed; sent by email instead';
  const ref = commandRef(alert);
  const blocks: KnownBlock[] = [
    header(`✉️ ${alert.name}: sent by email instead`),
    section(`${bold(alert.name)}: ${escapeMrkdwn(explanation)}`),
    section(
      `*What to do:* check that Lookout is in the channel (\`/invite @Lookout\`) and that the recipient still exists ` +
        `(${code(`/alert edit ${ref}`)}). Until then, the recipient keeps getting email when Slack fails.`,
    ),
    context([`Evaluated ${formatInZone(msg.evaluatedAt, zone)} · You own this ${alert.type}.`]),
    alertActions(alert, ['runNow', 'pauseOrResume', 'history', 'edit']),
  ];
  return { text: fallbackText(`✉️ ${alert.name}: ${explanation}`), blocks: fitMessageBlocks(blocks) };
}

/** The template when there is one, else the description; nothing when both are empty. */
function about(msg: AlertMessageInput): KnownBlock[] {
  const { alert } = msg;
  const template = alert.messageTemplate?.trim() ?? '';
  const text =
    template !== ''
      ? renderMessageTemplate(template, { alert, value: msg.value, result: msg.result }, 'mrkdwn')
      : escapeMrkdwn(alert.description.trim());
  return text.trim() === '' ? [] : [section(text)];
}

/** Content the alert asks for but could not get (a failed screenshot, say), so nobody wonders. */
function contentNotes(msg: AlertMessageInput): KnownBlock[] {
  if (msg.contentNotes.length === 0) return [];
  return [context([msg.contentNotes.map((note) => `⚠️ ${escapeMrkdwn(note)}`).join('\n')])];
}

function facts(msg: AlertMessageInput): KnownBlock[] {
  const { alert } = msg;
  return [
    context([
      `Data source: ${bold(msg.dataSourceLabel ?? alert.dataSource)} · Evaluated ${formatInZone(msg.evaluatedAt, alert.schedule.timezone)}`,
    ]),
  ];
}

/** The link people open, only when the screenshot has one of its own: `url` may be internal. */
function screenshotLink(alert: Alert): KnownBlock[] {
  const content = alert.content;
  if (content.kind !== 'screenshot' || content.linkUrl === null || content.linkUrl === '') return [];
  return [section(`🔗 ${link(content.linkUrl, 'Open the dashboard')}`)];
}

function table(result: QueryResult | null): KnownBlock[] {
  if (result === null) return [];
  const summary = (shown: number) => `_${rowsSummary(shown, result.rows.length, result.truncated)}_`;
  const rendered = resultTable(result.columns, result.rows, {
    maxRows: TABLE_ROWS,
    maxChars: SLACK_LIMITS.sectionText - summary(TABLE_ROWS).length - 40,
  });
  if (rendered === null) return [];
  return [section(`${summary(rendered.shownRows)}\n${rendered.mrkdwn}`)];
}

/** The notification text: escaped, on few lines, short. */
function fallbackText(text: string): string {
  return truncate(escapeMrkdwn(text), SLACK_LIMITS.messageText);
}
