// The warm browser's life: a crash mid-capture fails that capture cleanly and the next one
// relaunches Chromium; a missing executable says how to install it; close() is final.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'puppeteer';
import { createBrowser, type WarmBrowser } from '../../../src/capture/browser.js';
import { CaptureError, type ScreenshotRequest } from '../../../src/capture/port.js';
import { createScreenshotter } from '../../../src/capture/screenshot.js';
import { silentLogger } from '../../../src/logger.js';
import { startDashboardServer, type DashboardServer } from '../../support/dashboard-server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let browser: WarmBrowser;
let server: DashboardServer;

beforeAll(async () => {
  browser = createBrowser({ chromiumPath: CHROMIUM, concurrency: 2, logger: silentLogger() });
  server = await startDashboardServer();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function shot(url: string): ScreenshotRequest {
  return { url, width: 800, height: 600, scale: 1, selector: '#chart', fullPage: false, waitFor: null, waitForGone: null };
}

async function captureError(promise: Promise<unknown>): Promise<CaptureError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CaptureError);
  return err as CaptureError;
}

describe('the warm browser', () => {
  it('fails the capture in flight when Chromium is killed, and relaunches for the next one', async () => {
    const screenshots = createScreenshotter({
      browser,
      policy: { allowedHosts: ['127.0.0.1'], allowLoopback: true },
      auth: {},
      logger: silentLogger(),
    });
    await screenshots.capture(shot(server.url('/dashboard')), AbortSignal.timeout(60_000));
    const first = browser.pid();
    expect(first).not.toBeNull();

    const slow = screenshots.capture({ ...shot(server.url('/slow')), selector: null }, AbortSignal.timeout(60_000));
    await server.waitForRequest('/slow');
    process.kill(first as number, 'SIGKILL');
    const err = await captureError(slow);
    expect(err.message).toBe('the browser stopped during the screenshot; it is restarted for the next one');

    const png = await screenshots.capture(shot(server.url('/dashboard')), AbortSignal.timeout(60_000));
    expect(png.readUInt32BE(16)).toBe(600); // IHDR width
    expect(browser.pid()).not.toBeNull();
    expect(browser.pid()).not.toBe(first);
  });

  it('shares one launch between pages asked for at once', async () => {
    const fresh = createBrowser({ chromiumPath: CHROMIUM, concurrency: 3, logger: silentLogger() });
    try {
      const pids = await Promise.all(
        [1, 2, 3].map(() => fresh.withPage(async (page) => page.browser().process()?.pid, AbortSignal.timeout(60_000))),
      );
      expect(new Set(pids).size).toBe(1);
      expect(pids[0]).toBe(fresh.pid());
      await expect(fresh.check()).resolves.toEqual({ ok: true, detail: expect.stringMatching(/is running \(pid \d+\)$/) });
    } finally {
      await fresh.close();
    }
  });

  it('closes the page and rejects when the signal aborts', async () => {
    const controller = new AbortController();
    const opened: { page: Page | null } = { page: null };
    const run = browser.withPage(async (page) => {
      opened.page = page;
      controller.abort();
      await new Promise(() => {}); // a job that would never end on its own
    }, controller.signal);
    await expect(run).rejects.toBeInstanceOf(CaptureError);
    expect(opened.page?.isClosed()).toBe(true);
  });

  it('says how to install Chromium when CHROMIUM_PATH points at nothing', async () => {
    const missing = createBrowser({ chromiumPath: '/nonexistent/chromium', concurrency: 1, logger: silentLogger() });
    const err = await captureError(missing.withPage(async () => 'never', AbortSignal.timeout(10_000)));
    expect(err.message).toContain('CHROMIUM_PATH points at nothing');
    expect(err.message).toContain('apt-get install chromium fonts-noto-cjk');
    await expect(missing.check()).resolves.toEqual({ ok: false, detail: err.message });
    await missing.close();
  });

  it('refuses pages once closed', async () => {
    const closing = createBrowser({ chromiumPath: CHROMIUM, concurrency: 1, logger: silentLogger() });
    await closing.withPage(async () => undefined, AbortSignal.timeout(60_000));
    await closing.close();
    expect(closing.pid()).toBeNull();
    await captureError(closing.withPage(async () => undefined, AbortSignal.timeout(10_000)));
    await expect(closing.check()).resolves.toMatchObject({ ok: false });
  });
});
