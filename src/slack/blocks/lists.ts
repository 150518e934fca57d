// Ephemeral answers to `/alert list`, `/alert help` and usage mistakes (history is a message,
// src/messages/history.ts). Lists are packed a line per item into few sections, and cut with
// "and N more" before they reach Slack's per-message limits.
import type { KnownBlock } from '@slack/types';
import { describeSchedule } from '../../domain/schedule.js';
import type { Alert, Mute } from '../../domain/types.js';
import { muteLine } from '../../messages/mute-status.js';
import { inlines } from '../../messages/slack/render-slack.js';
import { USAGE } from '../commands/parse-alert-command.js';
import { alertStatus, TIMES_NOTE, when } from '../../messages/alert-status.js';
import { context, header, section } from '../../messages/slack/kit.js';
import { fitMessageBlocks, SLACK_LIMITS, truncate, type SlackMessage } from '../../messages/slack/limits.js';
import { bold, code, escapeMrkdwn } from '../../messages/slack/mrkdwn.js';
import { packLines } from '../../messages/slack/pack-lines.js';
import { managedLine } from './alerts-as-code.js';

/**
 * Each alert on a line; its times are in its own schedule timezone, as its schedule is described.
 * The admins' mute, while it lasts, comes first (its time in `zone` where Slack cannot show the reader's).
 * `alerts` may be only the first of them (PACK_MAX_LINES, more than fit) when `total` counts them all.
 */
export function buildAlertList(alerts: Alert[], options: { now: Date; mute?: Mute | null; zone?: string; total?: number }): SlackMessage {
  const { now } = options;
  const total = Math.max(options.total ?? alerts.length, alerts.length);
  const muted = options.mute ? [section(inlines(muteLine(options.mute, options.zone ?? 'UTC')))] : [];
  if (alerts.length === 0) {
    return message('You have no alerts or reports yet.', [...muted, section(`You have no alerts or reports yet. Create one with ${code('/alert create')}.`)]);
  }
  const lines = alerts.map(
    (a) =>
      `• ${bold(a.name)} (${a.type}) — ${escapeMrkdwn(alertStatus(a, now))} — ${escapeMrkdwn(describeSchedule(a.schedule))}` +
      ` — next: ${a.active ? when(a.nextRunAt, a.schedule.timezone, 'not scheduled') : 'paused'}` +
      (a.managedBy !== null ? ` — ${managedLine(a.managedBy)}` : ''),
  );
  const noun = total === 1 ? 'alert or report' : 'alerts and reports';
  return message(`${total} ${noun}`, [
    header(`${total} ${noun}`),
    ...muted,
    ...packLines(lines, 'more — narrow it down or open Lookout\'s Home tab', total),
    context([TIMES_NOTE]),
  ]);
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
