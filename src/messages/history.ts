// An alert's recent runs, as `/alert history` and the History button answer (only to people
// the access rules let see them): time, state, value or reason, what its series did (alerts with
// labels, levels or waiting), and how each recipient fared.
import { describeLabels } from '../domain/series.js';
import type { Alert, DeliveryRecord, Execution, SeriesEvent, SeriesOutcome } from '../domain/types.js';
import { stateWords } from './alert-status.js';
import type { Inline, MessageDoc, Part } from './document.js';
import { formatInZone } from './time.js';

/** Characters of a reason or error shown per run; the rest is in the store. */
const REASON_CHARS = 300;
const ERROR_CHARS = 100;
const FAILURES_SHOWN = 3;
/** Series events listed per run before "+N more". */
const SERIES_SHOWN = 5;
/** What a series did that history names: a change of its state (repeats, grace and normal are the run's own words). */
const NAMED_EVENTS: readonly SeriesEvent[] = ['fired', 'escalated', 'deescalated', 'resolved', 'pending'];

export function historyDoc(alert: Pick<Alert, 'name' | 'warning'>, executions: Execution[], timezone: string): MessageDoc {
  const title = `History of ${alert.name}`;
  if (executions.length === 0) return { summary: title, parts: [{ kind: 'heading', text: title }, { kind: 'paragraph', inlines: ['No runs yet.'] }] };
  const parts: Part[] = [
    { kind: 'heading', text: title },
    { kind: 'list', items: executions.map((e) => runLine(e, timezone, alert.warning !== null)), more: 'older runs' },
    { kind: 'note', inlines: [`Times in ${timezone}.`] },
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
  if (deliveries.length > 0) line.push(' — ', ...deliveries);
  return line;
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

/** "delivered 3/3", "delivered 2/3; failed: #ops (not_in_channel)", "delivered 1/1; chart drawn by Slack". */
function deliverySummary(deliveries: readonly DeliveryRecord[]): Inline[] {
  if (deliveries.length === 0) return [];
  const ok = deliveries.filter((d) => d.ok).length;
  const failed = deliveries.filter((d) => !d.ok);
  const out: Inline[] = [`delivered ${ok}/${deliveries.length}`];
  failed.slice(0, FAILURES_SHOWN).forEach((d, i) => {
    out.push(i === 0 ? '; failed: ' : ', ', recipientOf(d.recipient), ` (${cut(d.unknown ? 'outcome unknown' : (d.error ?? 'failed'), ERROR_CHARS)})`);
  });
  if (failed.length > FAILURES_SHOWN) out.push(', …');
  // How Slack showed the picture, so a chart that fell back to a PNG can be told apart.
  const pictures = new Set(deliveries.flatMap((d) => (d.ok && d.picture !== undefined ? [d.picture] : [])));
  if (pictures.has('native')) out.push('; chart drawn by Slack');
  if (pictures.has('image')) out.push('; picture uploaded');
  return out;
}

/** A recipient key (recipientKey()) as something readable: a channel or person, or the address. */
function recipientOf(key: string): Inline {
  const [kind, ...rest] = key.split(':');
  const id = rest.join(':');
  if (kind === 'channel') return { channel: id };
  if (kind === 'user') return { user: id };
  return id;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
