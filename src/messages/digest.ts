// The storm digest (issue 4/6): one message that lists the alerts that fired into a channel at
// once (domain/storm.ts says when), each on one line — level, name, value — with that alert's
// buttons under it, so acting on one alert works as on its own message. Repeats and the recovery
// of each listed alert reply in the digest's thread. Slack only: email is never digested.
// slack/render-digest.ts draws it and decides how many entries fit one message.
import type { Alert, Level } from '../domain/types.js';
import type { Inline, MessageDoc, Part } from './document.js';
import type { FiringMessage } from './outgoing.js';
import { LEVEL_EMOJI, seriesName, worstLevel } from './series-lines.js';
import type { AlertButton } from './slack/alert-actions.js';
import { truncate } from './slack/limits.js';

/** One alert in a digest. */
export interface DigestEntry {
  alert: Pick<Alert, 'id' | 'name' | 'active'>;
  level: Level;
  /** The value, or for an alert with series which fire and their values; null when there is none. */
  value: string | null;
}

/**
 * The buttons under each alert: the ones its own message has that matter in a storm (the
 * snooze picker and Snooze 1d are left out for room), with the action ids of src/slack/actions.
 */
// ACKNOWLEDGE: when ACTION.acknowledge and its AlertButton land (issue 4/6, another branch), put
// 'acknowledge' first here; the digest's packing measures the buttons, so nothing else changes.
export const DIGEST_BUTTONS: readonly AlertButton[] = ['runNow', 'snooze1h', 'pauseOrResume', 'history'];

/** Characters of an alert's name and of its value a digest line shows at most. */
export const DIGEST_NAME_CHARS = 120;
export const DIGEST_VALUE_CHARS = 160;
/** Series named on a line at most; the rest are counted. */
const SERIES_NAMED = 3;

export const DIGEST_NOTE =
  'Many alerts fired into this channel at once, so Lookout lists them in one message (storm control). Each alert’s repeats and its recovery reply in this thread.';

/** What a firing message contributes to a digest. */
export function digestEntry(message: FiringMessage): DigestEntry {
  const { alert, series } = message;
  if (series === null) return { alert, level: 'critical', value: message.value };
  const level = worstLevel(series.firing);
  if (alert.labels.length === 0) return { alert, level, value: series.firing[0]?.value ?? message.value };
  const named = series.firing.slice(0, SERIES_NAMED).map((s) => `${seriesName(s)}${s.value !== null ? ` ${s.value}` : ''}`);
  const more = series.firing.length > SERIES_NAMED ? `, and ${series.firing.length - SERIES_NAMED} more` : '';
  return { alert, level, value: `${series.firing.length} of ${series.total} series: ${named.join(', ')}${more}` };
}

/** "🔴 Payments stuck — critical — value 42". */
export function digestLine(entry: DigestEntry): Inline[] {
  const value: Inline[] = entry.value === null ? [] : [' — value ', { bold: truncate(entry.value, DIGEST_VALUE_CHARS) }];
  return [`${LEVEL_EMOJI[entry.level]} `, { bold: truncate(entry.alert.name, DIGEST_NAME_CHARS) }, ` — ${entry.level}`, ...value];
}

/** "🚨 12 alerts firing". */
export function digestHeading(count: number): string {
  return `🚨 ${count} ${count === 1 ? 'alert' : 'alerts'} firing`;
}

/** The notification line: "🚨 12 alerts firing: Payments stuck, Queue depth, Disk full and 9 more". */
export function digestSummary(entries: readonly DigestEntry[]): string {
  const named = entries.slice(0, 3).map((e) => truncate(e.alert.name, DIGEST_NAME_CHARS));
  const more = entries.length > named.length ? ` and ${entries.length - named.length} more` : '';
  return `${digestHeading(entries.length)}: ${named.join(', ')}${more}`;
}

/** The digest of these entries: heading, why it is one message, then each alert's line and buttons. */
export function digestDoc(entries: readonly DigestEntry[]): MessageDoc {
  return {
    summary: digestSummary(entries),
    parts: [
      { kind: 'heading', text: digestHeading(entries.length), tone: 'critical' },
      { kind: 'note', inlines: [DIGEST_NOTE] },
      ...entries.flatMap((entry): Part[] => [
        { kind: 'paragraph', inlines: digestLine(entry) },
        { kind: 'actions', alert: entry.alert, buttons: [...DIGEST_BUTTONS] },
      ]),
    ],
  };
}
