// Screenshots with the real Chromium against real local dashboards: sizes, element capture,
// waiting past spinners, blank pages, the SSRF policy on every request (redirects included)
// and per-host credentials.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PNG } from 'pngjs';
import { createBrowser, type WarmBrowser } from '../../../src/capture/browser.js';
import { CaptureError, type ScreenshotRequest } from '../../../src/capture/port.js';
import { createScreenshotter, type ScreenshotAuth } from '../../../src/capture/screenshot.js';
import type { UrlPolicy } from '../../../src/capture/url-guard.js';
import { silentLogger } from '../../../src/logger.js';
import { startDashboardServer, type DashboardServer } from '../../support/dashboard-server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LOOPBACK: UrlPolicy = { allowedHosts: ['127.0.0.1'], allowLoopback: true };

let browser: WarmBrowser;
let server: DashboardServer;
// A second server, reached as "localhost": a host the policy does not list.
let other: DashboardServer;

beforeAll(async () => {
  browser = createBrowser({ chromiumPath: CHROMIUM, concurrency: 2, logger: silentLogger() });
  [server, other] = await Promise.all([startDashboardServer(), startDashboardServer()]);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.close(), other?.close()]);
});

function screenshotter(policy: UrlPolicy = LOOPBACK, auth: ScreenshotAuth = {}, navigationTimeoutMs?: number) {
  return createScreenshotter({ browser, policy, auth, logger: silentLogger(), navigationTimeoutMs });
}

function shot(url: string, overrides: Partial<ScreenshotRequest> = {}): ScreenshotRequest {
  return { url, width: 800, height: 600, scale: 1, selector: null, fullPage: false, waitFor: null, waitForGone: null, ...overrides };
}

const minute = () => AbortSignal.timeout(60_000);

/** Pixels of each colour, keyed "r,g,b". */
function colours(png: Buffer): { width: number; height: number; counts: Map<string, number> } {
  const image = PNG.sync.read(png);
  const counts = new Map<string, number>();
  for (let i = 0; i < image.data.length; i += 4) {
    const key = `${image.data[i]},${image.data[i + 1]},${image.data[i + 2]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { width: image.width, height: image.height, counts };
}

async function captureError(promise: Promise<unknown>): Promise<CaptureError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CaptureError);
  return err as CaptureError;
}

describe('a screenshot', () => {
  it('is a PNG of the requested size times the scale', async () => {
    const png = await screenshotter().capture(shot(server.url('/dashboard'), { width: 800, height: 600, scale: 2 }), minute());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const { width, height, counts } = colours(png);
    expect({ width, height }).toEqual({ width: 1600, height: 1200 });
    expect(counts.get('0,0,255')).toBeGreaterThan(0);
  });

  it('of one element has the size of that element', async () => {
    const png = await screenshotter().capture(shot(server.url('/dashboard'), { selector: '#chart' }), minute());
    const { width, height, counts } = colours(png);
    expect({ width, height }).toEqual({ width: 600, height: 300 });
    expect(counts.get('0,0,255')).toBe(600 * 300);
  });

  it('of the full page is as tall as the page', async () => {
    const png = await screenshotter().capture(shot(server.url('/dashboard'), { height: 200, fullPage: true }), minute());
    // #chart ends 420 px down (top 120 + height 300).
    expect(colours(png)).toMatchObject({ width: 800, height: 420 });
  });

  it('waits for data a dedicated worker fetches', async () => {
    const png = await screenshotter().capture(shot(server.url('/worker-dashboard'), { selector: '#chart', waitFor: '#chart' }), minute());
    expect(colours(png)).toMatchObject({ width: 300, height: 200 });
    expect(server.requests).toContain('/data.json');
  });

  it('waits for a burst of requests the load handler starts (more than two open), without waitFor', async () => {
    const png = await screenshotter().capture(shot(server.url('/after-load'), { selector: '#chart' }), minute());
    const { counts } = colours(png);
    expect(counts.get('0,255,0')).toBe(300 * 200);
    expect(server.requests.filter((r) => r.startsWith('/slow-data'))).toHaveLength(3);
  });

  it('names an element that is not on the page', async () => {
    const err = await captureError(screenshotter().capture(shot(server.url('/never'), { selector: '.chart' }), minute()));
    expect(err.message).toContain('the element ".chart" is not on');
  });

  it('waits for the spinner to go and the data to appear', async () => {
    const png = await screenshotter().capture(
      shot(server.url('/spinner'), { waitFor: '.ready', waitForGone: '#spinner' }),
      minute(),
    );
    const { counts } = colours(png);
    expect(counts.get('255,0,0') ?? 0).toBe(0);
    expect(counts.get('0,255,0')).toBe(400 * 400);
  });

  it('names a selector that never appears, within its page budget', async () => {
    const err = await captureError(
      screenshotter(LOOPBACK, {}, 2_000).capture(shot(server.url('/never'), { waitFor: '.x' }), minute()),
    );
    expect(err.message).toBe(`the element ".x" never appeared on ${server.url('/never')} within 2 s`);
  });

  it('names the selector it was waiting for when the working timeout strikes', async () => {
    const err = await captureError(screenshotter().capture(shot(server.url('/never'), { waitFor: '.x' }), AbortSignal.timeout(3_000)));
    expect(err.message).toBe(
      'working timeout: the screenshot of 127.0.0.1 did not finish in time; it was waiting for the element ".x" to appear',
    );
  });

  it('stops a slow page when the working timeout strikes', async () => {
    const controller = new AbortController();
    const capture = screenshotter().capture(shot(server.url('/slow')), controller.signal);
    await server.waitForRequest('/slow');
    controller.abort();
    const err = await captureError(capture);
    expect(err.message).toBe('working timeout: the screenshot of 127.0.0.1 did not finish in time; it was loading the page');
  });

  it('of a blank page is retried once, then fails', async () => {
    const err = await captureError(screenshotter().capture(shot(server.url('/blank')), minute()));
    expect(err.message).toMatch(/^the page rendered as a single colour twice \(blank\)/);
    expect(server.requests.filter((r) => r === '/blank')).toHaveLength(2);
  });

  it('runs captures side by side under the concurrency limit', async () => {
    const s = screenshotter();
    const pngs = await Promise.all([1, 2, 3].map(() => s.capture(shot(server.url('/dashboard'), { selector: '#chart' }), minute())));
    expect(pngs.map((p) => colours(p).width)).toEqual([600, 600, 600]);
  });
});

describe('the URL policy', () => {
  it.each([
    ['a host not on the allow-list', () => `http://localhost:${new URL(server.url('/')).port}/dashboard`, 'localhost is not in screenshots.allowedHosts'],
    ['a file', () => 'file:///etc/passwd', 'only http and https pages can be captured, not file: addresses'],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local/cloud metadata address'],
  ])('refuses %s before any request', async (_what, url, reason) => {
    const seen = server.requests.length;
    const policy = { ...LOOPBACK, allowedHosts: [...LOOPBACK.allowedHosts, '169.254.169.254'] };
    const err = await captureError(screenshotter(policy).capture(shot(url()), minute()));
    expect(err.message).toContain(reason);
    expect(err.message).toMatch(/^the screenshot URL is not allowed: /);
    expect(server.requests.length).toBe(seen);
  });

  it('refuses a redirect to a host not on the allow-list; that host sees no request', async () => {
    const target = `http://localhost:${new URL(other.url('/')).port}/dashboard`;
    const err = await captureError(screenshotter().capture(shot(server.url(`/redirect?to=${encodeURIComponent(target)}`)), minute()));
    expect(err.message).toBe(
      'the page redirected to localhost, which is not allowed: localhost is not in screenshots.allowedHosts in lookout.config.yml',
    );
    expect(server.requests).toContain(`/redirect?to=${encodeURIComponent(target)}`);
    expect(other.requests).toEqual([]);
  });

  it('refuses a redirect to the metadata address', async () => {
    const policy = { ...LOOPBACK, allowedHosts: ['127.0.0.1', '169.254.169.254'] };
    const err = await captureError(
      screenshotter(policy).capture(shot(server.url(`/redirect?to=${encodeURIComponent('http://169.254.169.254/')}`)), minute()),
    );
    expect(err.message).toBe(
      'the page redirected to 169.254.169.254, which is not allowed: 169.254.169.254 is a link-local/cloud metadata address, which screenshots may never open',
    );
  });
});

// Keyed by the dashboard's exact origin: credentials go to that scheme, host and port only
// (a bare "127.0.0.1" would mean https://127.0.0.1, port 443).
describe('credentials', () => {
  const origin = () => new URL(server.url('/')).origin;
  const token = (): ScreenshotAuth => ({ [origin()]: { headers: { 'X-Token': 'header-secret' }, cookies: [] } });
  const green = (png: Buffer) => colours(png).counts.get('0,255,0') === 200 * 200;
  const red = (png: Buffer) => colours(png).counts.get('255,0,0') === 200 * 200;

  it('a page gets none unless configured', async () => {
    expect(red(await screenshotter().capture(shot(server.url('/auth')), minute()))).toBe(true);
  });

  it('the header reaches its host', async () => {
    expect(green(await screenshotter(LOOPBACK, token()).capture(shot(server.url('/auth')), minute()))).toBe(true);
  });

  it('the cookie reaches its host, also while other hosts have headers rewritten', async () => {
    const session = { name: 'session', value: 'cookie-secret' };
    const cookie: ScreenshotAuth = { [origin()]: { headers: {}, cookies: [session] } };
    expect(green(await screenshotter(LOOPBACK, cookie).capture(shot(server.url('/auth')), minute()))).toBe(true);
    const mixed: ScreenshotAuth = { ...cookie, 'grafana.example.com': { headers: { 'X-Other': 'other-secret' }, cookies: [] } };
    expect(green(await screenshotter(LOOPBACK, mixed).capture(shot(server.url('/auth')), minute()))).toBe(true);
  });

  it('a bare host means https on port 443, so an http dashboard gets none, and its 403 says where they go', async () => {
    const bare: ScreenshotAuth = { '127.0.0.1': { headers: { 'X-Token': 'header-secret' }, cookies: [] } };
    expect(red(await screenshotter(LOOPBACK, bare).capture(shot(server.url('/auth')), minute()))).toBe(true);
    const err = await captureError(screenshotter(LOOPBACK, bare).capture(shot(server.url('/forbidden')), minute()));
    expect(err.message).toBe(
      `${server.url('/forbidden')} answered HTTP 403; screenshots.auth has credentials for https://127.0.0.1, which go to that exact origin only, not to ${origin()}`,
    );
  });

  it('credentials limited to some people go only with a capture for people who are all among them (or admins)', async () => {
    const limited: ScreenshotAuth = { [origin()]: { headers: { 'X-Token': 'header-secret' }, cookies: [{ name: 'session', value: 'cookie-secret' }], allowedUsers: ['U0ALLOWED'] } };
    const shooter = createScreenshotter({ browser, policy: LOOPBACK, auth: limited, admins: ['U0ADMIN01'], logger: silentLogger() });
    const page = server.url('/auth');
    expect(green(await shooter.capture(shot(page, { for: ['U0ALLOWED'] }), minute()))).toBe(true);
    expect(green(await shooter.capture(shot(page, { for: ['U0ADMIN01', 'U0ALLOWED'] }), minute()))).toBe(true);
    expect(red(await shooter.capture(shot(page, { for: ['U0ALLOWED', 'U0OTHER01'] }), minute()))).toBe(true);
    expect(red(await shooter.capture(shot(page, { for: ['U0OTHER01'] }), minute()))).toBe(true);
    expect(red(await shooter.capture(shot(page), minute()))).toBe(true);
  });

  it('the header does not follow a redirect to another host', async () => {
    const target = `http://localhost:${new URL(other.url('/')).port}/auth`;
    const policy = { allowedHosts: ['127.0.0.1', 'localhost'], allowLoopback: true };
    const png = await screenshotter(policy, token()).capture(shot(server.url(`/redirect?to=${encodeURIComponent(target)}`)), minute());
    expect(other.requests).toContain('/auth');
    expect(red(png)).toBe(true);
  });
});
