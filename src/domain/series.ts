// A result split into series (issue 3/6): every distinct combination of the label columns'
// values is one series, keyed by those values. Without label columns the whole result is one
// series, keyed '' — exactly what an alert was before series existed.
import { storableText } from './stored-text.js';
import type { Cell, QueryResult } from './types.js';

/** One series of a result: its labels, and its rows without the label columns. */
export interface SeriesResult {
  key: string;
  labels: Record<string, string>;
  result: QueryResult;
}

export type SplitOutcome = { ok: true; series: SeriesResult[] } | { ok: false; reason: string };

/** The key of a series with these labels: stable, and '' for the one series of an unlabelled alert. */
export function seriesKey(labels: Record<string, string>): string {
  const names = Object.keys(labels);
  return names.length === 0 ? '' : JSON.stringify(names.map((n) => [n, labels[n]]));
}

/** "region=eu, tier=gold"; '' for the one series of an unlabelled alert. */
export function describeLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
}

/** A label cell as text: NULL reads as "NULL", so it is a series of its own rather than lost. */
export function labelText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return 'NULL';
  // Stored in the series key: no NUL (PostgreSQL refuses it in jsonb), at most LABEL_CHARS code points.
  return storableText(String(cell), LABEL_CHARS);
}

/** Characters of a label value kept; longer values are cut (and two cut alike are one series). */
export const LABEL_CHARS = 200;

/**
 * Splits `result` by the label columns, in the order series first appear. A label column the
 * result lacks, or more series than `maxSeries`, is a reason instead (the run is an ERROR).
 */
export function splitSeries(result: QueryResult, labels: readonly string[], maxSeries: number): SplitOutcome {
  if (labels.length === 0) return { ok: true, series: [{ key: '', labels: {}, result }] };
  const indexes: number[] = [];
  for (const name of labels) {
    const index = result.columns.indexOf(name);
    if (index < 0) return { ok: false, reason: `the label column "${name}" is not in the result (columns: ${result.columns.slice(0, 8).join(', ')})` };
    indexes.push(index);
  }
  const kept = result.columns.map((_, i) => i).filter((i) => !indexes.includes(i));
  const columns = kept.map((i) => result.columns[i] ?? '');
  const byKey = new Map<string, SeriesResult>();
  for (const row of result.rows) {
    const values = Object.fromEntries(labels.map((name, n) => [name, labelText(row[indexes[n] ?? -1])]));
    const key = seriesKey(values);
    let series = byKey.get(key);
    if (series === undefined) {
      if (byKey.size >= maxSeries) {
        return { ok: false, reason: `the result has more than ${maxSeries} series (distinct ${labels.join(', ')}); Lookout follows at most ${maxSeries} per alert — group fewer, or raise alerts.maxSeries` };
      }
      series = { key, labels: values, result: { columns, rows: [], truncated: result.truncated } };
      byKey.set(key, series);
    }
    series.result.rows.push(kept.map((i) => row[i] ?? null));
  }
  return { ok: true, series: [...byKey.values()] };
}

/** The rows of a result that belong to these series (by key), label columns kept: whose data a message is about. */
export function rowsOfSeries(result: QueryResult, labels: readonly string[], keys: ReadonlySet<string>): Cell[][] {
  if (labels.length === 0) return keys.has('') ? result.rows : [];
  const indexes = labels.map((name) => result.columns.indexOf(name));
  if (indexes.some((i) => i < 0)) return [];
  return result.rows.filter((row) => keys.has(seriesKey(Object.fromEntries(labels.map((name, n) => [name, labelText(row[indexes[n] ?? -1])])))));
}
