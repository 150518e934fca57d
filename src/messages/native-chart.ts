// A result as Slack's own chart (the data_visualization block, 2026): Slack draws it, so no
// browser, upload or files:write is needed, it reads in every theme and on phones, and its
// numbers stay text. The block's limits (docs.slack.dev, "Data visualization block"): title
// ≤ 50 characters; line, bar and area take 1–6 uniquely named series (names ≤ 20) of 1–20
// points whose labels are the axis categories (each ≤ 20); pie takes 1–6 segments (label ≤ 20,
// value > 0); axis labels ≤ 50. Data that do not fit are answered with why, and the alert's PNG
// goes instead. @slack/types does not type the block yet, so it is typed here.
import type { Cell, QueryResult } from '../domain/types.js';

export type NativeChartType = 'line' | 'bar' | 'area' | 'pie';

export const NATIVE_CHART_LIMITS = {
  title: 50,
  series: 6,
  points: 20,
  label: 20,
  axisLabel: 50,
  segments: 6,
  perMessage: 2,
} as const;

export interface DataPoint {
  label: string;
  value: number;
}

export type NativeChartBody =
  | { type: 'pie'; segments: DataPoint[] }
  | {
      type: 'line' | 'bar' | 'area';
      series: { name: string; data: DataPoint[] }[];
      axis_config: { categories: string[]; x_label?: string; y_label?: string };
    };

export interface NativeChart {
  type: 'data_visualization';
  title: string;
  chart: NativeChartBody;
}

export type NativeChartResult = { ok: true; chart: NativeChart; summary: string } | { ok: false; reason: string; summary: string };

/** Slack's chart of the result: the first column gives the categories, numeric columns after it the series. */
export function nativeChart(title: string, type: NativeChartType, result: QueryResult): NativeChartResult {
  const { columns, rows } = result;
  const numeric = columns.map((_, i) => i).filter((i) => i > 0 && rows.length > 0 && rows.every((r) => isNumber(r[i])));
  const summary = chartSummary(type, columns, rows, numeric);
  const no = (reason: string): NativeChartResult => ({ ok: false, reason, summary });
  if (rows.length === 0) return no('the query returned no rows');
  if (numeric.length === 0) return no('no column after the first holds only numbers');
  const limit = type === 'pie' ? NATIVE_CHART_LIMITS.segments : NATIVE_CHART_LIMITS.points;
  if (rows.length > limit) return no(`${rows.length}${result.truncated ? '+' : ''} rows; Slack's chart takes at most ${limit} ${type === 'pie' ? 'slices' : 'points'}`);
  if (result.truncated) return no("the data source stopped at its row cap, so the chart would not show every row");
  const labels = rows.map((r) => short(text(r[0] ?? null), NATIVE_CHART_LIMITS.label));
  if (new Set(labels).size !== labels.length) return no(`the first column's values repeat once cut to ${NATIVE_CHART_LIMITS.label} characters`);
  const chartTitle = short(title, NATIVE_CHART_LIMITS.title);

  if (type === 'pie') {
    const values = rows.map((r) => r[numeric[0]!] as number);
    if (values.some((v) => v <= 0)) return no('a pie slice needs a value above 0');
    return { ok: true, summary, chart: { type: 'data_visualization', title: chartTitle, chart: { type, segments: labels.map((label, i) => ({ label, value: values[i]! })) } } };
  }
  if (numeric.length > NATIVE_CHART_LIMITS.series) return no(`${numeric.length} series; Slack's chart takes at most ${NATIVE_CHART_LIMITS.series}`);
  const names = numeric.map((i) => short(columns[i] ?? '', NATIVE_CHART_LIMITS.label) || `#${i}`);
  if (new Set(names).size !== names.length) return no(`column names repeat once cut to ${NATIVE_CHART_LIMITS.label} characters`);
  const x = short(columns[0] ?? '', NATIVE_CHART_LIMITS.axisLabel);
  return {
    ok: true,
    summary,
    chart: {
      type: 'data_visualization',
      title: chartTitle,
      chart: {
        type,
        series: numeric.map((col, s) => ({ name: names[s]!, data: rows.map((r, p) => ({ label: labels[p]!, value: r[col] as number })) })),
        axis_config: { categories: labels, ...(x !== '' ? { x_label: x } : {}) },
      },
    },
  };
}

/**
 * The chart in words, beside it and for notifications and screen readers: "Line chart of
 * orders and revenue by day, 7 points from Mon to Sun; Sun: orders 42, revenue 1234".
 */
export function chartSummary(type: NativeChartType | 'table', columns: readonly string[], rows: readonly Cell[][], numeric: readonly number[]): string {
  const kind = { line: 'Line chart', bar: 'Bar chart', area: 'Area chart', pie: 'Pie chart', table: 'Table' }[type];
  if (rows.length === 0 || numeric.length === 0) return `${kind} of ${columns.slice(0, 4).join(', ') || 'the result'}`;
  const series = numeric.slice(0, 4).map((i) => columns[i] ?? '').join(', ') + (numeric.length > 4 ? ', …' : '');
  const first = text(rows[0]?.[0] ?? null);
  const lastRow = rows[rows.length - 1] ?? [];
  const last = text(lastRow[0] ?? null);
  const latest = numeric.slice(0, 4).map((i) => `${columns[i] ?? ''} ${text(lastRow[i] ?? null)}`).join(', ');
  const span = rows.length === 1 ? `1 point (${first})` : `${rows.length} points from ${first} to ${last}`;
  return short(`${kind} of ${series} by ${columns[0] ?? ''}, ${span}; ${last}: ${latest}`, 300);
}

function isNumber(cell: Cell | undefined): cell is number {
  return typeof cell === 'number' && Number.isFinite(cell);
}

function text(cell: Cell): string {
  return cell === null ? 'NULL' : String(cell).replace(/[\r\n\t]+/g, ' ');
}

/** Cut to `max` characters with "…", never splitting a surrogate pair. */
function short(value: string, max: number): string {
  const chars = [...value.trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}
