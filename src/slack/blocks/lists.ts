// Ephemeral answers to `/alert list`, `/alert history`, `/alert help` and usage mistakes.
// Lists are packed a line per item into few sections, and cut with "and N more" before they
// reach Slack's per-message limits.
import type { KnownBlock } from '@slack/types';
import { describeSchedule } from '../../domain/schedule.js';
import type { Alert, DeliveryRecord, Execution } from '../../domain/types.js';
import { USAGE } from '../commands/parse-alert-command.js';
import { alertStatus, stateWords, when } from './alert-status.js';
import { context, header, section } from './kit.js';
import { blocksSize, fitMessageBlocks, SLACK_LIMITS, truncate, type SlackMessage } from './limits.js';
import { bold, channel, code, escapeMrkdwn, formatInZone, user } from './mrkdwn.js';

export function buildAlertList(alerts: Alert[], options: { timezone: string; now: Date }): SlackMessage {
  const { timezone, now } = options;
  if (alerts.length === 0) {
    return message('You have no alerts or reports yet.', [section(`You have no alerts or reports yet. Create one with ${code('/alert create')}.`)]);
  }
  const lines = alerts.map(
    (a) =>
      `• ${bold(a.name)} (${a.type}) — ${alertStatus(a, now, timezone)} — ${escapeMrkdwn(describeSchedule(a.schedule))}` +
      ` — next: ${a.active ? when(a.nextRunAt, timezone, 'not scheduled') : 'paused'}`,
  );
  const noun = alerts.length === 1 ? 'alert or report' : 'alerts and reports';
  return message(`${alerts.length} ${noun}`, [header(`${alerts.length} ${noun}`), ...packLines(lines, 'more — narrow it down or open Lookout\'s Home tab')]);
}

export function buildHistory(alert: Alert, executions: Execution[], timezone: string): SlackMessage {
  const title = `History of ${alert.name}`;
  if (executions.length === 0) return message(title, [header(title), section('No runs yet.')]);
  const lines = executions.map((e) => historyLine(e, timezone));
  return message(title, [header(title), ...packLines(lines, 'older runs'), context([`Times in ${escapeMrkdwn(timezone)}.`])]);
}

export function buildHelp(): SlackMessage {
  const lines = Object.values(USAGE).map((line) => {
    const [usage = '', what = ''] = line.split(' — ');
    return `${code(usage)} — ${what.replace(/`([^`]+)`/g, (_, c: string) => code(c))}`;
  });
  return message('Lookout: /alert commands', [
    header('Lookout: /alert commands'),
    section(lines.join('\n')),
    context(['Names with spaces can be quoted: `/alert pause "Daily revenue"`. Durations: 30m, 1h, 2d, 1w, 1h30m.']),
  ]);
}

export function buildUsageError(messageText: string): SlackMessage {
  return message(messageText, [section(`⚠️ ${escapeMrkdwn(messageText)}`), context([`${code('/alert help')} lists every command.`])]);
}

// ---------------------------------------------------------------------------------------------

function message(text: string, blocks: KnownBlock[]): SlackMessage {
  return { text: truncate(escapeMrkdwn(text), SLACK_LIMITS.messageText), blocks: fitMessageBlocks(blocks) };
}

/** Room kept for the header, notes and the "and N more" line. */
const PACK_MARGIN = 1500;
const PACK_MAX_BLOCKS = SLACK_LIMITS.messageBlocks - 5;

/** Lines into sections of up to 3000 characters, stopping with "…and N <what>" before the message limits. */
function packLines(lines: readonly string[], what: string): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let current: string[] = [];
  let used = 0;
  let shown = 0;
  const flush = () => {
    if (current.length > 0) blocks.push(section(current.join('\n')));
    current = [];
  };
  for (const raw of lines) {
    const line = truncate(raw, 1000);
    const currentLength = current.join('\n').length;
    if (currentLength + line.length + 1 > SLACK_LIMITS.sectionText) flush();
    const projected = used + blocksSize([section(line)]);
    if (projected > SLACK_LIMITS.messageBlocksChars - PACK_MARGIN || blocks.length >= PACK_MAX_BLOCKS) break;
    current.push(line);
    used = projected;
    shown += 1;
  }
  flush();
  if (shown < lines.length) blocks.push(context([`…and ${lines.length - shown} ${what}.`]));
  return blocks;
}

function historyLine(e: Execution, timezone: string): string {
  const parts = [`${code(formatInZone(e.scheduledAt, timezone))} ${stateWords(e.state)}`];
  if (e.trigger === 'run_now') parts.push('(run now)');
  if (e.trigger === 'takeover') parts.push('(taken over)');
  if (e.value !== null) parts.push(`— value ${bold(e.value)}`);
  if (e.reason !== null && e.reason !== '') parts.push(`— ${escapeMrkdwn(truncate(e.reason, 300))}`);
  const deliveries = deliverySummary(e.deliveries);
  if (deliveries !== '') parts.push(`— ${deliveries}`);
  return parts.join(' ');
}

/** "delivered 3/3", "delivered 2/3; failed: #ops (not_in_channel)". */
function deliverySummary(deliveries: readonly DeliveryRecord[]): string {
  if (deliveries.length === 0) return '';
  const ok = deliveries.filter((d) => d.ok).length;
  const failed = deliveries.filter((d) => !d.ok).slice(0, 3);
  const failures = failed.map((d) => `${recipientText(d.recipient)} (${escapeMrkdwn(truncate(d.unknown ? 'outcome unknown' : (d.error ?? 'failed'), 100))})`);
  const more = deliveries.length - ok > failed.length ? ', …' : '';
  return `delivered ${ok}/${deliveries.length}${failures.length > 0 ? `; failed: ${failures.join(', ')}${more}` : ''}`;
}

/** A recipientKey() back into something readable: a channel or person mention, or the address. */
function recipientText(key: string): string {
  const [kind, ...rest] = key.split(':');
  const id = rest.join(':');
  if (kind === 'channel') return channel(id);
  if (kind === 'user') return user(id);
  return escapeMrkdwn(id);
}
