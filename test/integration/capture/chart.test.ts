// The real ECharts + resvg pipeline with the machine's fonts, checked by decoding the PNGs.
import { describe, expect, it } from '@jest/globals';
import { PNG } from 'pngjs';
import { createChartRenderer } from '../../../src/capture/chart.js';
import { CaptureError } from '../../../src/capture/port.js';
import type { Cell, QueryResult } from '../../../src/domain/types.js';

const charts = createChartRenderer();
const result = (columns: string[], rows: Cell[][], truncated = false): QueryResult => ({ columns, rows, truncated });

const sales = result(
  ['지역', '주문', '매출'],
  [
    ['서울', 1240, 3120],
    ['부산', 860, 2050],
    ['대구', 610, 1480],
    ['인천', 720, 1730],
    ['광주', 430, 990],
  ],
);

function distinctColours(png: PNG): number {
  const seen = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4) seen.add(png.data.readUInt32BE(i));
  return seen.size;
}

function differingPixels(a: PNG, b: PNG): number {
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) if (a.data.readUInt32BE(i) !== b.data.readUInt32BE(i)) n++;
  return n;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => new Error('expected a rejection'),
    (err: unknown) => err,
  );
}

describe('chart renderer', () => {
  it('draws a Korean line chart as a 1200×600 PNG that is not blank', async () => {
    const png = PNG.sync.read(await charts.render('지역별 주문과 매출', 'line', sales));
    expect([png.width, png.height]).toEqual([1200, 600]);
    // Two series, axes, grid lines and anti-aliased text give hundreds of colours; a blank
    // or text-less image has a handful.
    expect(distinctColours(png)).toBeGreaterThan(100);
  });

  it('draws a bar chart', async () => {
    const png = PNG.sync.read(await charts.render('Orders', 'bar', sales));
    expect([png.width, png.height]).toEqual([1200, 600]);
    expect(distinctColours(png)).toBeGreaterThan(50);
  });

  it('draws glyphs for Hangul, not identical boxes: two titles of the same length differ', async () => {
    const seoul = PNG.sync.read(await charts.render('서울', 'bar', sales));
    const busan = PNG.sync.read(await charts.render('부산', 'bar', sales));
    expect(differingPixels(seoul, busan)).toBeGreaterThan(50);
  });

  it.each([
    ['kana', 'ひらがな', 'カタカナ'],
    ['Han (Japanese)', '東京売上', '大阪売上'],
    ['Han (simplified Chinese)', '北京销售', '上海销售'],
  ])('draws glyphs for %s too', async (_script, a, b) => {
    const first = PNG.sync.read(await charts.render(a, 'bar', sales));
    const second = PNG.sync.read(await charts.render(b, 'bar', sales));
    expect(differingPixels(first, second)).toBeGreaterThan(50);
  });

  it('would draw Hangul alike (no glyphs) without a CJK font: the glyph checks can fail', async () => {
    const latinOnly = createChartRenderer({ fonts: { cjk: [] } });
    const seoul = PNG.sync.read(await latinOnly.render('서울', 'bar', sales));
    const busan = PNG.sync.read(await latinOnly.render('부산', 'bar', sales));
    expect(differingPixels(seoul, busan)).toBeLessThanOrEqual(50);
  });

  it('takes the size from its options', async () => {
    const png = PNG.sync.read(await createChartRenderer({ width: 640, height: 320 }).render('Small', 'line', sales));
    expect([png.width, png.height]).toEqual([640, 320]);
  });

  it('leaves NaN and Infinity out of the line instead of failing', async () => {
    const odd = result(['day', 'v'], [['a', 1], ['b', NaN], ['c', Infinity], ['d', -Infinity], ['e', 2], ['f', null]]);
    const png = PNG.sync.read(await charts.render('Odd values', 'line', odd));
    expect(png.width).toBe(1200);
  });

  it('draws a long result (capped points) and labels holding control characters and XML', async () => {
    const rows: Cell[][] = Array.from({ length: 2500 }, (_, i) => [`t${i}\u0001 <&>`, Math.sin(i / 50)]);
    const png = PNG.sync.read(await charts.render('Long <series> & "more"\n', 'line', result(['t', 'y'], rows, true)));
    expect([png.width, png.height]).toEqual([1200, 600]);
  });

  it('draws a table with XML special characters in its cells', async () => {
    const r = result(
      ['name', 'expr', '값'],
      [
        ['<b>bold</b>', 'a && b > c', 1],
        ["it's \"quoted\"", '\u0000nul\nline', null],
        ['서울 & 부산', 'x'.repeat(400), 3.5],
      ],
    );
    const png = PNG.sync.read(await charts.render('Table <&>', 'table', r));
    expect(png.width).toBe(1200);
    expect(distinctColours(png)).toBeGreaterThan(50);
  });

  it('shows at most 30 rows of a table: a longer result draws as tall as 30 rows', async () => {
    const rows = (n: number): Cell[][] => Array.from({ length: n }, (_, i) => [i, `row ${i}`]);
    const height = async (n: number): Promise<number> => PNG.sync.read(await charts.render('Rows', 'table', result(['n', 'label'], rows(n)))).height;
    const [five, thirty, hundred] = [await height(5), await height(30), await height(100)];
    expect(thirty).toBeGreaterThan(five);
    expect(hundred).toBe(thirty);
  });

  it('shows at most 8 columns of a table', async () => {
    const columns = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const png = PNG.sync.read(await charts.render('Wide', 'table', result(columns, [columns.map((_, i) => i)])));
    expect(png.width).toBe(1200);
  });

  it('refuses a line chart without a numeric column after the first, naming the columns', async () => {
    const err = await rejection(charts.render('Names', 'line', result(['a', 'b'], [['x', 'y'], ['z', null]])));
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).userMessage).toBe(
      'a line chart needs at least one numeric column after the first (x) column; the result has: a, b',
    );
  });

  it('does not count a column mixing numbers and text, nor one of only NaN, as numeric', async () => {
    const mixed = result(['a', 'b', 'c'], [['x', 1, NaN], ['y', 'two', NaN]]);
    await expect(charts.render('Mixed', 'bar', mixed)).rejects.toBeInstanceOf(CaptureError);
  });

  it('refuses a result without rows', async () => {
    for (const chart of ['line', 'bar', 'table'] as const) {
      const err = await rejection(charts.render('Empty', chart, result(['a', 'b'], [])));
      expect(err).toBeInstanceOf(CaptureError);
      expect((err as CaptureError).userMessage).toMatch(/no rows/);
    }
  });
});
