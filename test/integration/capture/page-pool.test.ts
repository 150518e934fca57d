// Warm pages are reused, so a capture must find nothing of the one before: no cookies (set by
// the server, the page or the config), no storage, no script still running. A page whose
// capture failed is not reused.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'puppeteer';
import { PNG } from 'pngjs';
import { createBrowser, type WarmBrowser } from '../../../src/capture/browser.js';
import type { ScreenshotRequest } from '../../../src/capture/port.js';
import { createScreenshotter, type ScreenshotAuth } from '../../../src/capture/screenshot.js';
import { silentLogger } from '../../../src/logger.js';
import { startDashboardServer, type DashboardServer } from '../../support/dashboard-server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const POLICY = { allowedHosts: ['127.0.0.1'], allowLoopback: true };

let browser: WarmBrowser;
let server: DashboardServer;

beforeAll(async () => {
  // One page at a time, and so one page: each capture reuses the page the last one had.
  browser = createBrowser({ chromiumPath: CHROMIUM, concurrency: 1, logger: silentLogger() });
  server = await startDashboardServer();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const minute = () => AbortSignal.timeout(60_000);
const verdict = (url: string): ScreenshotRequest => ({
  url,
  width: 400,
  height: 300,
  scale: 1,
  selector: '#verdict',
  fullPage: false,
  waitFor: null,
  waitForGone: null,
});

/** The colour of a 200×200 verdict box, when the whole box has one. */
function colour(png: Buffer): string {
  const image = PNG.sync.read(png);
  const first = `${image.data[0]},${image.data[1]},${image.data[2]}`;
  for (let i = 0; i < image.data.length; i += 4) {
    if (`${image.data[i]},${image.data[i + 1]},${image.data[i + 2]}` !== first) return 'mixed';
  }
  return first;
}
const GREEN = '0,255,0';
const RED = '255,0,0';

describe('the page pool', () => {
  it('hands the same page to the next capture', async () => {
    const pages: Page[] = [];
    await browser.withPage(async (page) => void pages.push(page), minute());
    await browser.withPage(async (page) => void pages.push(page), minute());
    expect(pages[1]).toBe(pages[0]);
  });

  it('leaves no cookie, storage or running script of a capture to the next', async () => {
    const shots = createScreenshotter({ browser, policy: POLICY, auth: {}, logger: silentLogger() });
    // The page saw its own traces while it was open (so the check can fail) ...
    const seen = await browser.withPage(
      async (page) => {
        await page.goto(server.url('/traces'));
        await page.waitForFunction('localStorage.length > 0');
        await page.reload();
        await page.waitForFunction("document.getElementById('verdict').style.background !== 'rgb(0, 0, 255)' && document.getElementById('verdict').style.background !== ''");
        return page.evaluate("document.getElementById('verdict').style.background");
      },
      minute(),
      { policy: POLICY, onRefused: () => undefined },
    );
    expect(seen).toBe('rgb(255, 0, 0)');
    // ... but each capture after a wipe finds none.
    for (let i = 0; i < 3; i++) expect(colour(await shots.capture(verdict(server.url('/traces')), minute()))).toBe(GREEN);
  });

  it('does not carry configured cookies, of the host visited or another, into the next capture', async () => {
    const session = [{ name: 'session', value: 'cookie-secret' }];
    const cookies: ScreenshotAuth = {
      [new URL(server.url('/')).origin]: { headers: {}, cookies: session },
      'grafana.example.com': { headers: {}, cookies: session },
    };
    const withCookie = createScreenshotter({ browser, policy: POLICY, auth: cookies, logger: silentLogger() });
    const without = createScreenshotter({ browser, policy: POLICY, auth: {}, logger: silentLogger() });
    expect(colour(await withCookie.capture(verdict(server.url('/auth')), minute()))).toBe(GREEN);
    expect(await browser.withPage((page) => page.browserContext().cookies(), minute())).toEqual([]);
    expect(colour(await without.capture(verdict(server.url('/auth')), minute()))).toBe(RED);
  });

  it('closes a page whose capture failed instead of reusing it', async () => {
    const pages: Page[] = [];
    const failed = browser.withPage(async (page) => {
      pages.push(page);
      throw new Error('the capture went wrong');
    }, minute());
    await expect(failed).rejects.toThrow('the capture went wrong');
    expect(pages[0]!.isClosed()).toBe(true);
    await browser.withPage(async (page) => void pages.push(page), minute());
    expect(pages[1]).not.toBe(pages[0]);
  });
});
