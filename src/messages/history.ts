// An alert's recent runs, as `/alert history` and the History button answer (only to people
// the access rules let see them): time, state, value or reason, and how each recipient fared.
import type { Alert, DeliveryRecord, Execution } from '../domain/types.js';
import { stateWords } from './alert-status.js';
import type { Inline, MessageDoc, Part } from './document.js';
import { formatInZone } from './time.js';

/** Characters of a reason or error shown per run; the rest is in the store. */
const REASON_CHARS = 300;
const ERROR_CHARS = 100;
const FAILURES_SHOWN = 3;

export function historyDoc(alert: Pick<Alert, 'name'>, executions: Execution[], timezone: string): MessageDoc {
  const title = `History of ${alert.name}`;
  if (executions.length === 0) return { summary: title, parts: [{ kind: 'heading', text: title }, { kind: 'paragraph', inlines: ['No runs yet.'] }] };
  const parts: Part[] = [
    { kind: 'heading', text: title },
    { kind: 'list', items: executions.map((e) => runLine(e, timezone)), more: 'older runs' },
    { kind: 'note', inlines: [`Times in ${timezone}.`] },
  ];
  return { summary: title, parts };
}

function runLine(e: Execution, timezone: string): Inline[] {
  const line: Inline[] = [{ code: formatInZone(e.scheduledAt, timezone) }, ` ${stateWords(e.state)}`];
  if (e.trigger === 'run_now') line.push(' (run now)');
  if (e.trigger === 'takeover') line.push(' (taken over)');
  if (e.value !== null) line.push(' — value ', { bold: e.value });
  if (e.reason !== null && e.reason !== '') line.push(` — ${cut(e.reason, REASON_CHARS)}`);
  const deliveries = deliverySummary(e.deliveries);
  if (deliveries.length > 0) line.push(' — ', ...deliveries);
  return line;
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
