// The content renderer over the real chart renderer and CSV writer.
import { describe, expect, it } from '@jest/globals';
import { PNG } from 'pngjs';
import { createChartRenderer } from '../../../src/capture/chart.js';
import { createContentRenderer, slug } from '../../../src/content/render-content.js';
import type { Alert, Cell, Content, QueryResult } from '../../../src/domain/types.js';
import { silentLogger } from '../../../src/logger.js';
import { makeAlert, screenshotContent } from '../../support/fixtures.js';

const renderer = createContentRenderer({ screenshotter: null, charts: createChartRenderer(), csvMaxRows: 100, logger: silentLogger() });
const live = (): AbortSignal => new AbortController().signal;
const alert = (content: Content, name = '지역별 매출'): Alert => makeAlert({ name, content });
const result = (columns: string[], rows: Cell[][], truncated = false): QueryResult => ({ columns, rows, truncated });

const sales = result(
  ['지역', '주문', '매출'],
  [
    ['서울', 1240, 3120],
    ['부산', 860, 2050],
    ['대구', 610, 1480],
  ],
);

const screenshot = screenshotContent({ url: 'http://dashboards.internal/d/1?token=secret', width: 1280, height: 720, csv: true });

describe('content renderer', () => {
  it('makes a chart PNG and a CSV for a chart alert that wants both', async () => {
    const out = await renderer.render(alert({ kind: 'chart', chart: 'bar', csv: true, native: true, bom: true, keepFormulas: false }), sales, live());
    expect(out.notes).toEqual([]);
    expect(out.captureMs).toEqual(expect.any(Number));
    expect(out.attachments.map((a) => [a.kind, a.mimeType, a.filename, a.title])).toEqual([
      ['image', 'image/png', '지역별-매출.png', '지역별 매출 — chart'],
      ['csv', 'text/csv', '지역별-매출.csv', '지역별 매출 — CSV'],
    ]);
    const [image, csv] = out.attachments;
    expect(PNG.sync.read(image!.bytes).width).toBe(1200);
    expect(image!.altText).toContain('주문, 매출 by 지역');
    expect(csv!.bytes.toString('utf8')).toBe('\ufeff지역,주문,매출\r\n서울,1240,3120\r\n부산,860,2050\r\n대구,610,1480\r\n');
  });

  it('makes only the chart when the alert does not want the CSV', async () => {
    const out = await renderer.render(alert({ kind: 'chart', chart: 'table', csv: false, native: true, bom: false, keepFormulas: false }), sales, live());
    expect(out.attachments.map((a) => [a.kind, a.title])).toEqual([['image', '지역별 매출 — table']]);
  });

  it('makes only a CSV for a CSV alert, and nothing for none', async () => {
    const csvOnly = await renderer.render(alert({ kind: 'csv', bom: false, keepFormulas: false }), sales, live());
    expect(csvOnly.attachments.map((a) => a.filename)).toEqual(['지역별-매출.csv']);
    expect(csvOnly.captureMs).toBeNull();
    expect(await renderer.render(alert({ kind: 'none' }), sales, live())).toEqual({ attachments: [], notes: [], captureMs: null });
  });

  it('says why the screenshot is missing without a browser, and still attaches the CSV', async () => {
    const out = await renderer.render(alert(screenshot), sales, live());
    expect(out.attachments.map((a) => a.kind)).toEqual(['csv']);
    expect(out.notes).toEqual([
      'The screenshot is missing: screenshots are not set up on this Lookout (no browser; see CHROMIUM_PATH).',
    ]);
  });

  it("turns the chart renderer's refusal into a note and keeps the CSV", async () => {
    const names = result(['a', 'b'], [['x', 'y']]);
    const out = await renderer.render(alert({ kind: 'chart', chart: 'line', csv: true, native: true, bom: false, keepFormulas: false }), names, live());
    expect(out.attachments.map((a) => a.kind)).toEqual(['csv']);
    expect(out.notes).toEqual([
      'The chart is missing: a line chart needs at least one numeric column after the first (x) column; the result has: a, b.',
    ]);
  });

  it('says when the query hit the row cap', async () => {
    const out = await renderer.render(alert({ kind: 'chart', chart: 'line', csv: true, native: true, bom: false, keepFormulas: false }), { ...sales, truncated: true }, live());
    expect(out.attachments).toHaveLength(2);
    expect(out.notes).toEqual(["The query returned more rows than the data source's row cap; the CSV and chart show the first 3."]);
  });

  it('says when the CSV was cut at its own cap', async () => {
    const small = createContentRenderer({ screenshotter: null, charts: createChartRenderer(), csvMaxRows: 2, logger: silentLogger() });
    const out = await small.render(alert({ kind: 'csv', bom: false, keepFormulas: false }), sales, live());
    expect(out.notes).toEqual(['The CSV has the first 2 rows of 3.']);
    const capped = await small.render(alert({ kind: 'csv', bom: false, keepFormulas: false }), { ...sales, truncated: true }, live());
    expect(capped.notes).toEqual(['The CSV has the first 2 rows of more than 3.']);
  });

  it('makes no chart once the working timeout has run out', async () => {
    const controller = new AbortController();
    controller.abort();
    const out = await renderer.render(alert({ kind: 'chart', chart: 'bar', csv: false, native: true, bom: false, keepFormulas: false }), sales, controller.signal);
    expect(out.attachments).toEqual([]);
    expect(out.notes).toEqual(['The chart is missing: the working timeout ran out first.']);
  });
});

describe('slug', () => {
  it.each([
    ['Orders by region', 'orders-by-region'],
    ['지역별 매출 (일간)', '지역별-매출-일간'],
    ['  ***  ', 'result'],
    ['Café/Ünïcode: 東京 売上!', 'café-ünïcode-東京-売上'],
  ])('%s → %s', (name, expected) => {
    expect(slug(name)).toBe(expected);
  });

  it('keeps file names short', () => {
    expect([...slug('가'.repeat(200))]).toHaveLength(80);
  });
});
