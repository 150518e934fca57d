// "Recipients failing now", as `/alert doctor` and Home show it: each recipient whose latest
// delivery failed, with its alert, what happened, since when and what to do.
import type { Alert, DeliveryRecord } from '../domain/types.js';
import { deliveryWords } from './delivery-words.js';
import type { Inline, MessageDoc, Part } from './document.js';
import { recipientInline } from './recipient-ref.js';
import { formatInZone } from './time.js';

/** What the document needs of one failing recipient (services/failing-recipients). */
export interface FailingLine {
  alert: Pick<Alert, 'id' | 'name' | 'schedule'>;
  latest: DeliveryRecord;
  since: Date;
  runs: number;
  orEarlier: boolean;
}

export interface FailingDocOptions {
  /** Times in this zone; null: each in its alert's schedule zone (as Home shows every time). */
  timezone: string | null;
  /** Lines listed at most; the rest are counted. */
  shown: number;
  /** Where the rest are listed, when this is a short version (Home): e.g. `/alert doctor`. */
  moreIn?: Inline;
  /** Hours of deliveries read. */
  windowHours: number;
  /** Not everything of the window was read. */
  partial: boolean;
}

export const FAILING_TITLE = 'Recipients failing now';

export function failingRecipientsDoc(lines: readonly FailingLine[], options: FailingDocOptions): MessageDoc {
  const window = `the last ${options.windowHours} hours`;
  if (lines.length === 0) {
    return { summary: `${FAILING_TITLE}: none`, parts: [{ kind: 'paragraph', inlines: [{ bold: FAILING_TITLE }, `: none in ${window}.`] }] };
  }
  const shown = lines.slice(0, options.shown);
  const left = lines.length - shown.length;
  const parts: Part[] = [
    { kind: 'paragraph', inlines: [{ bold: FAILING_TITLE }, ` (their latest delivery in ${window}): ${lines.length}`] },
    { kind: 'list', items: shown.map((line) => failingLine(line, options.timezone)), more: 'failing recipients' },
  ];
  const notes: Inline[] = [];
  if (left > 0) notes.push(`+${left} more`, ...(options.moreIn !== undefined ? [': ', options.moreIn] : []), '. ');
  if (options.timezone !== null) notes.push(`Times in ${options.timezone}.`);
  if (options.partial) notes.push(' Only the latest deliveries were read: an older failure may be missing.');
  if (notes.length > 0) parts.push({ kind: 'note', inlines: notes });
  return { summary: `${FAILING_TITLE}: ${lines.length}`, parts };
}

/** "“Orders” → #ops failed: not_in_channel since `09:00` (3 runs) — what to do: `/invite @Lookout` in #ops". */
function failingLine(line: FailingLine, timezone: string | null): Inline[] {
  const words = deliveryWords(line.latest, line.alert, null);
  const zone = timezone ?? line.alert.schedule.timezone;
  const when: Inline = { code: formatInZone(line.since, zone) };
  const since: Inline[] =
    line.runs === 1 && !line.orEarlier ? [' at ', when] : [' since ', when, line.orEarlier ? ' or earlier' : '', ` (${line.runs} ${line.runs === 1 ? 'run' : 'runs'})`];
  const out: Inline[] = [{ bold: line.alert.name }, ' → ', recipientInline(words.recipient), ' ', ...words.what, ...since];
  if (words.advice !== null) out.push(' — what to do: ', ...words.advice);
  return out;
}
