// Charts without a browser: ECharts draws SVG server-side and resvg rasterises it to PNG
// (DESIGN.md, measured facts). A Latin face comes first, then CJK faces as fallbacks, smallest
// first: resvg-js parses a face again for every text run it shapes, which for Noto Sans CJK
// (CFF outlines, large layout tables) costs ~8 ms a run — 130–170 ms for a chart with a dozen
// Korean labels — and for WenQuanYi Micro Hei (TrueType; Hangul, kana and Han in 5 MB) ~1 ms:
// a whole chart in ~40 ms.
import { existsSync } from 'node:fs';
import { renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { Cell, ChartType, QueryResult } from '../domain/types.js';
import { CaptureError, type ChartRenderer } from './port.js';

/** One font family and its files (regular first). */
export interface ChartFont {
  family: string;
  files: string[];
}

export interface ChartRendererOptions {
  width?: number;
  /** Height of line and bar charts; tables grow to fit their rows. */
  height?: number;
  /** Found on the usual Debian paths when not given. */
  fonts?: { latin?: ChartFont; cjk?: ChartFont[] };
}

/** Points drawn per series; later rows are left out and the subtitle says so. */
export const MAX_POINTS = 1000;
export const MAX_SERIES = 20;
export const TABLE_ROWS = 30;
export const TABLE_COLUMNS = 8;

const DEJAVU = '/usr/share/fonts/truetype/dejavu/';
const LIBERATION = '/usr/share/fonts/truetype/liberation/';
const LATIN_FONTS: ChartFont[] = [
  { family: 'DejaVu Sans', files: [`${DEJAVU}DejaVuSans.ttf`, `${DEJAVU}DejaVuSans-Bold.ttf`] },
  { family: 'Liberation Sans', files: [`${LIBERATION}LiberationSans-Regular.ttf`, `${LIBERATION}LiberationSans-Bold.ttf`] },
];
// Each that is installed is a fallback, in this order; Noto stays last for whatever the first lacks.
const CJK_FONTS: ChartFont[] = [
  { family: 'WenQuanYi Micro Hei', files: ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'] },
  { family: 'Noto Sans CJK KR', files: ['/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'] },
  { family: 'Noto Sans CJK KR', files: ['/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc'] },
];

export function createChartRenderer(options: ChartRendererOptions = {}): ChartRenderer {
  const width = options.width ?? 1200;
  const height = options.height ?? 600;
  // Probed once: resvg (Node binding 2.6) only takes font paths, not buffers, per render.
  const cjk = options.fonts?.cjk ?? CJK_FONTS.filter((f) => f.files[0] !== undefined && existsSync(f.files[0]));
  const fonts = [options.fonts?.latin ?? findFont(LATIN_FONTS), ...uniqueFamilies(cjk)].filter((f): f is ChartFont => f !== null);
  const files = fonts.flatMap((f) => f.files.filter((file) => existsSync(file)));
  const primary = fonts[0]?.family;
  // Without any known font, let resvg search the system: slower, but the text still shows.
  const resvgFont: ResvgRenderOptions['font'] =
    primary === undefined
      ? { loadSystemFonts: true }
      : { fontFiles: files, loadSystemFonts: false, defaultFontFamily: primary, sansSerifFamily: primary };
  const family = [...fonts.map((f) => `'${f.family}'`), 'sans-serif'].join(', ');

  return {
    async render(title: string, chart: ChartType, result: QueryResult): Promise<Buffer> {
      if (result.rows.length === 0 || result.columns.length === 0) {
        throw new CaptureError('the query returned no rows, so there was nothing to draw');
      }
      try {
        const svg = chart === 'table' ? tableSvg(title, result, width, family) : chartSvg(title, chart, result, width, height, family);
        // The async form rasterises on libuv's thread pool, so the event loop stays free.
        const image = await renderAsync(svg, { font: resvgFont, background: 'white' });
        return image.asPng();
      } catch (err) {
        if (err instanceof CaptureError) throw err;
        throw new CaptureError('Lookout could not draw the chart; the details are in its log', { cause: err });
      }
    },
  };
}

/** The first font of each family (Noto lives at one of two paths). */
function uniqueFamilies(fonts: ChartFont[]): ChartFont[] {
  return fonts.filter((f, i) => fonts.findIndex((g) => g.family === f.family) === i);
}

function findFont(candidates: ChartFont[]): ChartFont | null {
  return candidates.find((f) => f.files[0] !== undefined && existsSync(f.files[0])) ?? null;
}

function chartSvg(title: string, chart: 'line' | 'bar' | 'area' | 'pie', result: QueryResult, width: number, height: number, family: string): string {
  const { columns, rows: all } = result;
  const numeric = columns.map((_, i) => i).filter((i) => i > 0 && isNumericColumn(all, i));
  if (numeric.length === 0) {
    const names = columns.length > 12 ? [...columns.slice(0, 12), '…'] : columns;
    throw new CaptureError(
      `a ${chart} chart needs at least one numeric column after the first (x) column; the result has: ${names.map(clean).join(', ')}`,
    );
  }
  const rows = all.slice(0, MAX_POINTS);
  const series = numeric.slice(0, MAX_SERIES);
  const cuts = [
    all.length > rows.length
      ? `first ${rows.length} of ${all.length}${result.truncated ? '+' : ''} rows`
      : result.truncated
        ? `first ${rows.length} rows (the data source's row cap)`
        : null,
    numeric.length > series.length ? `first ${series.length} of ${numeric.length} numeric columns` : null,
  ].filter((c) => c !== null);

  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    if (chart === 'pie') {
      // Slices of the first numeric column, named by the first column; zero and below cannot be drawn.
      const column = series[0]!;
      instance.setOption({
        animation: false,
        textStyle: { fontFamily: family },
        title: { text: clean(title), subtext: cuts.join('; '), left: 24, top: 12 },
        legend: { type: 'scroll', orient: 'vertical', right: 24, top: 80 },
        series: [
          {
            name: clean(columns[column] ?? ''),
            type: 'pie',
            radius: '62%',
            center: ['42%', '56%'],
            data: rows.flatMap((r) => {
              const v = finite(r[column] ?? null);
              return v !== null && v > 0 ? [{ name: clean(label(r[0] ?? null)), value: v }] : [];
            }),
          },
        ],
      });
      return instance.renderToSVGString();
    }
    instance.setOption({
      animation: false,
      textStyle: { fontFamily: family },
      title: { text: clean(title), subtext: cuts.join('; '), left: 24, top: 12 },
      legend: { type: 'scroll', top: 16, right: 24, left: '45%', align: 'right' },
      grid: { left: 24, right: 32, top: 80, bottom: 24, containLabel: true },
      xAxis: { type: 'category', data: rows.map((r) => clean(label(r[0] ?? null))), axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value' },
      series: series.map((i) => ({
        name: clean(columns[i] ?? ''),
        // An area chart is a line chart filled down to the axis.
        type: chart === 'area' ? 'line' : chart,
        ...(chart === 'area' ? { areaStyle: { opacity: 0.35 } } : {}),
        data: rows.map((r) => finite(r[i] ?? null)),
        showSymbol: rows.length <= 60,
      })),
    });
    return instance.renderToSVGString();
  } finally {
    instance.dispose();
  }
}

/** A series: every non-null value is a number, and at least one of them can be drawn. */
function isNumericColumn(rows: Cell[][], i: number): boolean {
  let drawable = false;
  for (const row of rows) {
    const v = row[i] ?? null;
    if (v === null) continue;
    if (typeof v !== 'number') return false;
    if (Number.isFinite(v)) drawable = true;
  }
  return drawable;
}

// NaN and ±Infinity (float columns can hold them) become gaps rather than breaking the axis.
function finite(v: Cell): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function label(v: Cell): string {
  if (v === null) return '(null)';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v === Infinity ? '∞' : v === -Infinity ? '-∞' : String(v);
  return String(v);
}

const ROW_HEIGHT = 24;
const FONT_SIZE = 13;
const MARGIN = 24;
const TABLE_TOP = 72;

function tableSvg(title: string, result: QueryResult, width: number, family: string): string {
  const columns = result.columns.slice(0, TABLE_COLUMNS);
  const rows = result.rows.slice(0, TABLE_ROWS);
  const cuts = [
    result.rows.length > rows.length ? `first ${rows.length} of ${result.rows.length}${result.truncated ? '+' : ''} rows` : null,
    result.truncated && result.rows.length <= rows.length ? `first ${rows.length} rows (the data source's row cap)` : null,
    result.columns.length > columns.length ? `first ${columns.length} of ${result.columns.length} columns` : null,
  ].filter((c) => c !== null);
  const height = TABLE_TOP + ROW_HEIGHT * (rows.length + 1) + MARGIN;
  const colWidth = (width - 2 * MARGIN) / columns.length;
  const rightAligned = columns.map(
    (_, i) => result.rows.some((r) => typeof r[i] === 'number') && result.rows.every((r) => r[i] === null || typeof r[i] === 'number'),
  );

  const cellText = (text: string, col: number, y: number, bold: boolean): string => {
    const x = MARGIN + col * colWidth + (rightAligned[col] ? colWidth - 8 : 8);
    const anchor = rightAligned[col] ? 'end' : 'start';
    const weight = bold ? ' font-weight="bold"' : '';
    return `<text x="${x.toFixed(1)}" y="${y + 16}" text-anchor="${anchor}"${weight}>${xml(fit(clean(text), colWidth - 16, FONT_SIZE))}</text>`;
  };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${xml(family)}" font-size="${FONT_SIZE}" fill="#333">`,
    `<text x="${MARGIN}" y="34" font-size="18" font-weight="bold">${xml(fit(clean(title), width - 2 * MARGIN, 18))}</text>`,
    cuts.length > 0 ? `<text x="${MARGIN}" y="56" font-size="12" fill="#777">${xml(cuts.join('; '))}</text>` : '',
    `<rect x="${MARGIN}" y="${TABLE_TOP}" width="${width - 2 * MARGIN}" height="${ROW_HEIGHT}" fill="#eef1f6"/>`,
    ...columns.map((name, c) => cellText(name, c, TABLE_TOP, true)),
  ];
  rows.forEach((row, r) => {
    const y = TABLE_TOP + ROW_HEIGHT * (r + 1);
    if (r % 2 === 1) parts.push(`<rect x="${MARGIN}" y="${y}" width="${width - 2 * MARGIN}" height="${ROW_HEIGHT}" fill="#f8f9fb"/>`);
    columns.forEach((_, c) => {
      const v = row[c] ?? null;
      parts.push(cellText(v === null ? '' : label(v), c, y, false));
    });
  });
  parts.push(`<line x1="${MARGIN}" y1="${TABLE_TOP + ROW_HEIGHT}" x2="${width - MARGIN}" y2="${TABLE_TOP + ROW_HEIGHT}" stroke="#c8cdd6"/>`, '</svg>');
  return parts.join('\n');
}

// Text from results can hold what XML 1.0 forbids (control characters, lone surrogates) or
// line breaks a single SVG line cannot show.
function clean(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    // eslint-disable-next-line no-control-regex -- removing them is the point
    .replace(/[\u0000-\u001f\u007f\ufffe\uffff]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

// Estimated widths (no text metrics without a browser): CJK and full-width characters take
// about one em, others about 0.6 em.
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

function fit(text: string, maxPx: number, fontSize: number): string {
  const chars = [...text];
  const widths = chars.map((ch) => (WIDE.test(ch) ? 1 : 0.6) * fontSize);
  if (widths.reduce((a, b) => a + b, 0) <= maxPx) return text;
  let used = fontSize; // room for the ellipsis
  let end = 0;
  while (end < chars.length && used + (widths[end] ?? 0) <= maxPx) used += widths[end++] ?? 0;
  return `${chars.slice(0, end).join('')}…`;
}
