// An alert's recent runs, as `/alert history` and the History button answer (only to people
// the access rules let see them): time, state, value or reason, what its series did (alerts with
// labels, levels or waiting), and under each run, per recipient, what was sent (with a link to
// the message when the workspace's domain is known), what failed with what to do, what went by
// email instead, and what nobody knows.
import { describeLabels } from '../domain/series.js';
import type { Alert, DeliveryRecord, Execution, SeriesEvent, SeriesOutcome } from '../domain/types.js';
import { stateWords } from './alert-status.js';
import { deliveryWords, sentDetails, type DeliveryKind } from './delivery-words.js';
import type { Inline, MessageDoc, Part } from './document.js';
import { recipientInline } from './recipient-ref.js';
import { formatInZone } from './time.js';

/** Characters of a reason shown per run; the rest is in the store. */
const REASON_CHARS = 300;
/** Recipients named on a run's "sent to" line, and lines of other outcomes per run, before "+N more". */
const SENT_SHOWN = 10;
const PROBLEMS_SHOWN = 5;
/**
 * Characters of lines the document holds at most (about: marks and links count by their
 * source): runs past it are left out whole, counted in a note, so the message stays well inside
 * Slack's 12k-character limit on blocks instead of being cut mid-run.
 */
const HISTORY_CHARS = 9000;
/** Series events listed per run before "+N more". */
const SERIES_SHOWN = 5;
/** What a series did that history names: a change of its state (repeats, grace and normal are the run's own words). */
const NAMED_EVENTS: readonly SeriesEvent[] = ['fired', 'escalated', 'deescalated', 'resolved', 'pending'];

export interface HistoryOptions {
  /** The workspace's domain ("acme" of acme.slack.com), from the request: sent messages become links. */
  teamDomain?: string | null;
}

export function historyDoc(alert: Pick<Alert, 'id' | 'name' | 'warning'>, executions: Execution[], timezone: string, options: HistoryOptions = {}): MessageDoc {
  const title = `History of ${alert.name}`;
  if (executions.length === 0) return { summary: title, parts: [{ kind: 'heading', text: title }, { kind: 'paragraph', inlines: ['No runs yet.'] }] };
  const items: Inline[][] = [];
  let used = 0;
  let shown = 0;
  for (const e of executions) {
    const lines = [runLine(e, timezone, alert.warning !== null), ...recipientLines(e.deliveries, alert, options.teamDomain ?? null)];
    const size = lines.reduce((n, line) => n + inlineChars(line) + 1, 0);
    if (shown > 0 && used + size > HISTORY_CHARS) break;
    items.push(...lines);
    used += size;
    shown += 1;
  }
  const left = executions.length - shown;
  const parts: Part[] = [
    { kind: 'heading', text: title },
    { kind: 'list', items, more: 'lines of older runs' },
    { kind: 'note', inlines: [`Times in ${timezone}.`, ...(left > 0 ? [` ${left} older ${left === 1 ? 'run' : 'runs'} left out to keep this message short.`] : [])] },
  ];
  return { summary: title, parts };
}

function runLine(e: Execution, timezone: string, levelled: boolean): Inline[] {
  const line: Inline[] = [{ code: formatInZone(e.scheduledAt, timezone) }, ` ${stateWords(e.state)}`];
  if (e.trigger === 'run_now') line.push(' (run now)');
  if (e.trigger === 'takeover') line.push(' (taken over)');
  if (e.value !== null) line.push(' — value ', { bold: e.value });
  if (e.reason !== null && e.reason !== '') line.push(` — ${cut(e.reason, REASON_CHARS)}`);
  const series = seriesSummary(e.series, levelled);
  if (series !== null) line.push(' — series: ', series);
  const deliveries = deliverySummary(e.deliveries);
  if (deliveries !== null) line.push(' — ', deliveries);
  return line;
}

const ICONS: Record<Exclude<DeliveryKind, 'sent'>, string> = { noted: '⚠️', fallback: '📧', failed: '❌', unknown: '❔' };

/**
 * Under a run, one line per recipient that was not simply sent (failed with what to do, by email
 * instead, outcome unknown, sent with a note), then one line naming those it was sent to.
 */
function recipientLines(deliveries: readonly DeliveryRecord[], alert: Pick<Alert, 'id' | 'name'>, teamDomain: string | null): Inline[][] {
  const words = deliveries.map((d) => ({ record: d, words: deliveryWords(d, alert, teamDomain) }));
  const others = words.filter((w) => w.words.kind !== 'sent');
  const sent = words.filter((w) => w.words.kind === 'sent');
  const lines: Inline[][] = others.slice(0, PROBLEMS_SHOWN).map(({ words: w }) => {
    const icon = ICONS[w.kind as Exclude<DeliveryKind, 'sent'>];
    const line: Inline[] = [`↳ ${icon} `, recipientInline(w.recipient), ' ', ...w.what];
    if (w.advice !== null) line.push(' — what to do: ', ...w.advice);
    return line;
  });
  if (others.length > PROBLEMS_SHOWN) lines.push([`↳ +${others.length - PROBLEMS_SHOWN} more not simply sent`]);
  if (sent.length > 0) {
    const line: Inline[] = ['↳ ✅ sent to '];
    sent.slice(0, SENT_SHOWN).forEach(({ record, words: w }, i) => line.push(...(i === 0 ? [] : [', ']), recipientInline(w.recipient), ...sentDetails(record, teamDomain)));
    if (sent.length > SENT_SHOWN) line.push(`, +${sent.length - SENT_SHOWN} more`);
    lines.push(line);
  }
  return lines;
}

/** "region=eu fired critical (7.2), region=us resolved (3.1), +2 more"; null when no series changed. */
function seriesSummary(outcomes: readonly SeriesOutcome[], levelled: boolean): string | null {
  const named = outcomes.filter((o) => NAMED_EVENTS.includes(o.event));
  if (named.length === 0) return null;
  const words = named.slice(0, SERIES_SHOWN).map((o) => {
    const who = describeLabels(o.labels);
    const level = levelled && o.level !== null && o.event !== 'resolved' ? ` ${o.level}` : '';
    const value = o.value !== null ? ` (${cut(o.value, 40)})` : '';
    return `${who === '' ? '' : `${cut(who, 60)} `}${o.event}${level}${value}`;
  });
  const more = named.length > SERIES_SHOWN ? `, +${named.length - SERIES_SHOWN} more` : '';
  return `${words.join(', ')}${more}`;
}

/** "delivered 3/3", "delivered 1/1; chart drawn by Slack"; null without deliveries. Each recipient follows on its own line. */
function deliverySummary(deliveries: readonly DeliveryRecord[]): string | null {
  if (deliveries.length === 0) return null;
  const ok = deliveries.filter((d) => d.ok).length;
  let out = `delivered ${ok}/${deliveries.length}`;
  // How Slack showed the picture, so a chart that fell back to a PNG can be told apart.
  const pictures = new Set(deliveries.flatMap((d) => (d.ok && d.picture !== undefined ? [d.picture] : [])));
  if (pictures.has('native')) out += '; chart drawn by Slack';
  if (pictures.has('image')) out += '; picture uploaded';
  return out;
}

/** About the characters a line takes in Slack's mrkdwn. */
function inlineChars(line: readonly Inline[]): number {
  return line.reduce((n, i) => {
    if (typeof i === 'string') return n + i.length;
    if ('bold' in i) return n + i.bold.length + 2;
    if ('code' in i) return n + i.code.length + 2;
    if ('link' in i) return n + i.link.length + i.label.length + 3;
    if ('user' in i) return n + i.user.length + 3;
    if ('group' in i) return n + i.group.length + 12;
    return n + i.channel.length + 3;
  }, 0);
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
