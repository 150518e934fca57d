// The files that go with an alert's message, made once per execution. Each piece fails on its
// own and becomes a note in the message instead: a missing chart never stops the alert.
import { MAX_POINTS } from '../capture/chart.js';
import type { ChartRenderer, ScreenshotRequest, Screenshotter } from '../capture/port.js';
import { wantsCsv } from '../domain/content.js';
import type { Alert, ChartType, Content, QueryResult } from '../domain/types.js';
import { LookoutError } from '../errors.js';
import type { Logger } from '../logger.js';
import { toCsv } from './csv.js';
import type { Attachment, ContentRenderer, RenderedContent } from './port.js';

export interface ContentRendererDeps {
  /** Null when no browser is set up: screenshot alerts then say so in a note. */
  screenshotter: Screenshotter | null;
  charts: ChartRenderer;
  csvMaxRows: number;
  logger: Logger;
}

type Made = { attachment: Attachment | null; note: string | null };

export function createContentRenderer(deps: ContentRendererDeps): ContentRenderer {
  const { logger } = deps;

  const failed = (what: string, alert: Alert, err: unknown): Made => {
    if (err instanceof LookoutError) {
      logger.warn({ alertId: alert.id, code: err.code, cause: err.cause }, `${what} not made`);
      return { attachment: null, note: `The ${what} is missing: ${err.userMessage.trim().replace(/\.+$/, '')}.` };
    }
    logger.error({ alertId: alert.id, err }, `${what} not made`);
    return { attachment: null, note: `The ${what} is missing: something went wrong inside Lookout; the details are in its log.` };
  };

  const image = async (alert: Alert, result: QueryResult, signal: AbortSignal): Promise<Made> => {
    const content = alert.content;
    const what = content.kind === 'screenshot' ? 'screenshot' : 'chart';
    if (signal.aborted) return { attachment: null, note: `The ${what} is missing: the working timeout ran out first.` };
    try {
      if (content.kind === 'chart') {
        const bytes = await deps.charts.render(alert.name, content.chart, result);
        const title = `${alert.name} — ${content.chart === 'table' ? 'table' : 'chart'}`;
        return { attachment: png(alert.name, bytes, title, chartAltText(alert.name, content.chart, result)), note: null };
      }
      if (content.kind !== 'screenshot') return { attachment: null, note: null };
      if (deps.screenshotter === null) {
        return {
          attachment: null,
          note: 'The screenshot is missing: screenshots are not set up on this Lookout (no browser; see CHROMIUM_PATH).',
        };
      }
      const bytes = await deps.screenshotter.capture({ ...screenshotRequest(content), for: alert.owners }, signal);
      return { attachment: png(alert.name, bytes, `${alert.name} — screenshot`, `Screenshot of ${shownUrl(content.linkUrl ?? content.url)}`), note: null };
    } catch (err) {
      return failed(what, alert, err);
    }
  };

  return {
    async render(alert: Alert, result: QueryResult, signal: AbortSignal): Promise<RenderedContent> {
      const content = alert.content;
      if (content.kind === 'none') return { attachments: [], notes: [], captureMs: null };
      const hasImage = content.kind === 'chart' || content.kind === 'screenshot';

      // Started first: the chart rasterises on the thread pool and the screenshot in the
      // browser while the CSV is written here.
      const started = performance.now();
      const imagePromise = hasImage
        ? image(alert, result, signal).then((made) => ({ made, ms: Math.round(performance.now() - started) }))
        : null;

      let csv: Made & { cut: boolean } = { attachment: null, note: null, cut: false };
      if (wantsCsv(content)) {
        try {
          const made = toCsv(result, { bom: content.bom, keepFormulas: content.keepFormulas, maxRows: deps.csvMaxRows });
          const of = `${result.truncated ? 'more than ' : ''}${result.rows.length}`;
          csv = {
            attachment: {
              kind: 'csv',
              filename: `${slug(alert.name)}.csv`,
              mimeType: 'text/csv',
              bytes: made.bytes,
              title: `${alert.name} — CSV`,
              altText: null,
            },
            note: made.cut ? `The CSV has the first ${made.rows} rows of ${of}.` : null,
            cut: made.cut,
          };
        } catch (err) {
          csv = { ...failed('CSV', alert, err), cut: false };
        }
      }

      const shot = imagePromise ? await imagePromise : null;
      const notes = [shot?.made.note ?? null, csv.note, truncatedNote(content, result, shot?.made.attachment != null, csv)];
      return {
        attachments: [shot?.made.attachment ?? null, csv.attachment].filter((a) => a !== null),
        notes: notes.filter((n) => n !== null),
        captureMs: shot?.ms ?? null,
      };
    },
  };
}

// Names only what really shows all the fetched rows: a cut CSV says so itself, a long line or
// bar chart says so in its subtitle, and a table always shows its first rows.
function truncatedNote(content: Content, result: QueryResult, chartMade: boolean, csv: { attachment: Attachment | null; cut: boolean }): string | null {
  if (!result.truncated) return null;
  const parts: string[] = [];
  if (csv.attachment && !csv.cut) parts.push('CSV');
  if (content.kind === 'chart' && content.chart !== 'table' && chartMade && result.rows.length <= MAX_POINTS) parts.push('chart');
  if (parts.length === 0) return null;
  const verb = parts.length === 1 ? 'shows' : 'show';
  return `The query returned more rows than the data source's row cap; the ${parts.join(' and ')} ${verb} the first ${result.rows.length}.`;
}

function screenshotRequest(content: Extract<Content, { kind: 'screenshot' }>): ScreenshotRequest {
  const { url, width, height, scale, selector, fullPage, waitFor, waitForGone } = content;
  return { url, width, height, scale, selector, fullPage, waitFor, waitForGone };
}

function png(name: string, bytes: Buffer, title: string, altText: string): Attachment {
  return { kind: 'image', filename: `${slug(name)}.png`, mimeType: 'image/png', bytes, title, altText };
}

function chartAltText(name: string, chart: ChartType, result: QueryResult): string {
  const [x, ...rest] = result.columns;
  if (chart === 'table') return `Table of the first rows of ${name}: ${result.columns.slice(0, 8).join(', ')}`.slice(0, 300);
  const series = rest.filter((_, i) => result.rows.some((r) => typeof r[i + 1] === 'number'));
  const kind = { line: 'Line', bar: 'Bar', area: 'Area', pie: 'Pie' }[chart];
  return `${kind} chart of ${name}: ${series.join(', ')} by ${x ?? ''}, ${result.rows.length} rows`.slice(0, 300);
}

// Query strings can carry tokens; the alt text shows where the picture came from, no more.
function shownUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'the page';
  }
}

/** A file name from the alert's name: letters of any script and digits kept, the rest '-'. */
export function slug(name: string): string {
  const s = name
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  const short = [...s].slice(0, 80).join('').replace(/-+$/, '');
  return short === '' ? 'result' : short;
}
