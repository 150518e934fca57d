// Content as stored: alerts saved before a field existed get its default here, so the rest
// of Lookout sees one complete shape. Pure.
import { CHART_TYPES, DEFAULTS, type ChartType, type Content } from './types.js';

export function normalizeContent(raw: unknown): Content {
  const c = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const bom = c.bom === true;
  const keepFormulas = c.keepFormulas === true;
  const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
  switch (c.kind) {
    case 'csv':
      return { kind: 'csv', bom, keepFormulas };
    case 'chart':
      return {
        kind: 'chart',
        chart: CHART_TYPES.includes(c.chart as ChartType) ? (c.chart as ChartType) : 'line',
        csv: c.csv === true,
        // Alerts saved before Slack drew charts get its chart too, when their data fit.
        native: c.native !== false,
        bom,
        keepFormulas,
      };
    case 'screenshot':
      return {
        kind: 'screenshot',
        url: typeof c.url === 'string' ? c.url : '',
        linkUrl: str(c.linkUrl),
        width: num(c.width, DEFAULTS.screenshotWidth),
        height: num(c.height, DEFAULTS.screenshotHeight),
        scale: num(c.scale, DEFAULTS.screenshotScale),
        selector: str(c.selector),
        fullPage: c.fullPage === true,
        waitFor: str(c.waitFor),
        waitForGone: str(c.waitForGone),
        csv: c.csv === true,
        bom,
        keepFormulas,
      };
    default:
      return { kind: 'none' };
  }
}

/** Whether a chart alert wants Slack's own chart where the data fit (a table never is one). */
export function wantsNativeChart(content: Content): content is Extract<Content, { kind: 'chart' }> & { chart: 'line' | 'bar' | 'area' | 'pie' } {
  return content.kind === 'chart' && content.native && content.chart !== 'table';
}

/** Whether the alert's content includes a CSV of the result. */
export function wantsCsv(content: Content): boolean {
  return content.kind === 'csv' || ((content.kind === 'chart' || content.kind === 'screenshot') && content.csv);
}

/**
 * The URL carries a user name or password. Refused for screenshot and link URLs (the form and each
 * capture), and a capture whose page asks for one is not reused: Chromium keeps such a login for
 * the whole browser context, so it would reach the next alert's pages.
 */
export function holdsLogin(url: URL): boolean {
  return url.username !== '' || url.password !== '';
}

/** Hostname matches the allow-list: exact names, or "*.example.com" for any subdomain. */
export function hostAllowed(hostname: string, allowedHosts: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return allowedHosts.some((entry) => {
    const allowed = entry.toLowerCase().trim();
    if (allowed.startsWith('*.')) return host.endsWith(allowed.slice(1)) && host.length > allowed.length - 1;
    return host === allowed;
  });
}
