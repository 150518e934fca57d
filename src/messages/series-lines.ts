// How messages name series and what happened to them (issue 3/6): one line per change —
// "🔴 region=eu fired (critical) — 7.2 > 5", "⬆️ region=us escalated to critical — 97 >= 95",
// "✅ region=eu resolved — not in the result" — and who is firing or waiting now. An unlabelled
// alert with levels or a pending period says the same without a series name.
import type { SeriesItem, SeriesReport } from '../domain/decide-result.js';
import { describeLabels } from '../domain/series.js';
import type { Alert, Level } from '../domain/types.js';
import type { Inline, Tone } from './document.js';

export const LEVEL_EMOJI: Record<Level, string> = { critical: '🔴', warning: '🟠' };

/** Lines a message lists at most; the rest are counted. */
export const SERIES_SHOWN = 15;

type Rules = Pick<Alert, 'warning' | 'pendingTicks' | 'labels'>;

/** The most serious level among these series: critical unless all are at warning. */
export function worstLevel(items: readonly SeriesItem[]): Level {
  return items.length > 0 && items.every((i) => i.level === 'warning') ? 'warning' : 'critical';
}

export function toneOf(level: Level): Tone {
  return level;
}

/** "region=eu", or for an unlabelled alert its level ("Critical"), or "the value". */
export function seriesName(item: Pick<SeriesItem, 'labels' | 'level'>): string {
  const labels = describeLabels(item.labels);
  if (labels !== '') return labels;
  return item.level === null ? 'the value' : item.level === 'critical' ? 'Critical' : 'Warning';
}

/** One change as a line. */
export function changeLine(item: SeriesItem, alert: Rules): Inline[] {
  const labelled = alert.labels.length > 0;
  const name = seriesName(item);
  const level = labelled && alert.warning !== null && item.level !== null ? ` (${item.level})` : '';
  const held = item.event === 'fired' && alert.pendingTicks > 1 ? `, held for ${item.held} ${item.held === 1 ? 'check' : 'checks'}` : '';
  const why = ` — ${item.reason}${held}`;
  switch (item.event) {
    case 'fired':
      return [`${LEVEL_EMOJI[item.level ?? 'critical']} `, { bold: name }, labelled ? ` fired${level}` : ' fired', why];
    case 'escalated':
      return ['⬆️ ', { bold: labelled ? name : alert.warning !== null ? 'Escalated' : name }, labelled ? ' escalated to critical' : ' to critical', why];
    case 'deescalated':
      return ['⬇️ ', { bold: labelled ? name : 'Down' }, labelled ? ' down to warning' : ' to warning', why];
    case 'repeat':
      return ['🔁 ', { bold: name }, ' still firing', why];
    case 'resolved':
      return ['✅ ', { bold: labelled ? name : 'Resolved' }, labelled ? ' resolved' : '', why];
    default:
      return [{ bold: name }, ` ${item.event}`, why];
  }
}

/** "Firing now: region=eu (critical) 7.2, region=us (warning) 85 — 2 of 5 series". */
export function firingNowLine(report: SeriesReport, alert: Rules): Inline[] | null {
  if (alert.labels.length === 0 || report.firing.length === 0) return null;
  const named = report.firing.slice(0, SERIES_SHOWN).map((i) => `${seriesName(i)}${alert.warning !== null && i.level !== null ? ` (${i.level})` : ''}${i.value !== null ? ` ${i.value}` : ''}`);
  const more = report.firing.length > SERIES_SHOWN ? `, and ${report.firing.length - SERIES_SHOWN} more` : '';
  return [{ bold: 'Firing now:' }, ` ${named.join(', ')}${more} — ${report.firing.length} of ${report.total} series`];
}

/** "Waiting: region=ap (held 2 of 3 checks)". */
export function pendingLine(report: SeriesReport, alert: Rules): Inline[] | null {
  if (report.pending.length === 0) return null;
  const named = report.pending.slice(0, SERIES_SHOWN).map((i) => `${seriesName(i)} (held ${i.held} of ${alert.pendingTicks} checks)`);
  const more = report.pending.length > SERIES_SHOWN ? `, and ${report.pending.length - SERIES_SHOWN} more` : '';
  return [{ bold: 'Waiting:' }, ` ${named.join(', ')}${more}`];
}

/** What a thread update's heading adds: "update" for series, the change itself for one value. */
export function updateWords(report: SeriesReport, alert: Rules): string {
  const [first] = report.changes;
  if (alert.labels.length > 0 || first === undefined || report.changes.length > 1) return 'update';
  return { escalated: 'critical now', deescalated: 'down to warning', repeat: 'still firing', fired: 'firing', resolved: 'resolved' }[first.event as string] ?? 'update';
}

/** The notification line: "region=eu fired (7.2 > 5)", "2 series fired (region=eu, region=us)", "escalated to critical (97 >= 95)". */
export function changesSummary(report: SeriesReport, alert: Rules): string {
  const changes = report.changes;
  const [first] = changes;
  if (first === undefined) return `${report.firing.length} of ${report.total} series firing`;
  if (changes.length === 1) {
    const verb = { fired: 'fired', escalated: 'escalated to critical', deescalated: 'down to warning', repeat: 'still firing', resolved: 'resolved' }[first.event as string] ?? first.event;
    const who = alert.labels.length > 0 ? `${seriesName(first)} ` : '';
    return `${who}${verb} (${first.reason})`;
  }
  const names = changes.slice(0, 3).map(seriesName).join(', ');
  return `${changes.length} series changed (${names}${changes.length > 3 ? ', …' : ''})`;
}
