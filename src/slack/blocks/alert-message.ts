// What an alert or report posts to Slack: firing, report, resolved (in the firing thread) and
// the error notice owners get by DM; plus the chat.update that turns the first firing message
// into its current state. Every user-written text is escaped; every message fits Slack's limits.
import type { KnownBlock } from '@slack/types';
import { describeCondition } from '../../domain/condition.js';
import type { Alert, QueryResult } from '../../domain/types.js';
import type { OutgoingMessage } from '../../delivery/port.js';
import { commandRef } from '../commands/parse-alert-command.js';
import { alertActions } from './alert-actions.js';
import { context, header, section } from './kit.js';
import { fitMessageBlocks, SLACK_LIMITS, truncate, type SlackMessage } from './limits.js';
import { renderTemplate } from './message-template.js';
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
  const blocks: KnownBlock[] = [
    header(`⚠️ ${alert.name} failed`),
    section(`${intro}\n${codeBlock(truncate(error, SLACK_LIMITS.sectionText - intro.length - 20))}`),
    section(
      `*What to do:* fix the SQL or the data source (${code(`/alert edit ${ref}`)}, then *Test query*), ` +
        `check that Lookout is in every channel it posts to, then *Run now* to try again. ` +
        `To stop it meanwhile: ${code(`/alert pause ${ref}`)}.`,
    ),
    context([
      `Data source: ${bold(msg.dataSourceLabel ?? alert.dataSource)} · Evaluated ${formatInZone(msg.evaluatedAt, zone)} · ` +
        `You own this ${alert.type}; you are not told again within the grace period (at least an hour) while it keeps failing.`,
    ]),
    alertActions(alert, ['runNow', 'pauseOrResume', 'history', 'edit']),
  ];
  return { text: fallbackText(`⚠️ ${alert.name} failed: ${error}`), blocks: fitMessageBlocks(blocks) };
}

/** The template when there is one, else the description; nothing when both are empty. */
function about(msg: AlertMessageInput): KnownBlock[] {
  const { alert } = msg;
  const template = alert.messageTemplate?.trim() ?? '';
  const text = template !== '' ? renderTemplate(template, { alert, value: msg.value, result: msg.result }) : escapeMrkdwn(alert.description.trim());
  return text.trim() === '' ? [] : [section(text)];
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
