// Warm pages for captures. A new browser context and page cost a new renderer process (about
// 0.4 s on a 2-core machine, more than a reused page's whole capture), so each page, in a
// context of its own, is reused: when a capture ends it is wiped — about:blank, then the
// cookies, storage and cache of every origin it touched cleared — and handed to the next one.
// A page whose capture failed, or that could not be wiped, is closed with its context.
// (A spare page, so that back-to-back captures alternate and a wipe is never waited for, was
// tried and dropped: on 2 cores the wipe then slows the capture beside it as much.)
import type { Browser, BrowserContext, Page } from 'puppeteer';
import type { Logger } from '../logger.js';

/** A page is replaced after this many captures, so a renderer's slow leaks stay bounded. */
const MAX_USES = 50;
const WIPE_TIMEOUT_MS = 5_000;

export interface PooledPage {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Every origin the page requested since it was last wiped. */
  origins: Set<string>;
  uses: number;
}

export interface PagePool {
  /** A wiped page of `browser`: an idle one (waiting for a wipe in progress if that is all there is), else a new one. */
  take(browser: Browser): Promise<PooledPage>;
  /** A capture ended well: wipe the page off the caller's path and keep it. */
  release(pooled: PooledPage): void;
  /** A capture failed: close the page and its context (which also stops what still runs in it). */
  discard(pooled: PooledPage): Promise<void>;
  /** Closes every idle page. */
  close(): Promise<void>;
}

interface IdleEntry {
  ready: Promise<PooledPage | null>;
  /** Set once `ready` settles: the wiped page, or null if it was closed instead. */
  settled?: PooledPage | null;
}

export function createPagePool({ logger: log }: { logger: Logger }): PagePool {
  const idle: IdleEntry[] = [];
  let closed = false;

  function keep(ready: Promise<PooledPage | null>): void {
    const entry: IdleEntry = { ready };
    idle.push(entry);
    void ready.then((pooled) => {
      entry.settled = pooled;
    });
  }

  async function openPage(browser: Browser): Promise<PooledPage> {
    const context = await browser.createBrowserContext();
    try {
      const pooled: PooledPage = { browser, context, page: await context.newPage(), origins: new Set(), uses: 0 };
      trackOrigins(pooled);
      return pooled;
    } catch (err) {
      await context.close().catch(() => undefined);
      throw err;
    }
  }

  async function discard(pooled: PooledPage): Promise<void> {
    await pooled.context.close().catch(() => undefined);
  }

  const usable = (pooled: PooledPage, browser: Browser) => pooled.browser === browser && browser.connected && !pooled.page.isClosed();

  async function takeIdle(browser: Browser): Promise<PooledPage | null> {
    for (;;) {
      const at = idle.findIndex((entry) => entry.settled !== undefined);
      if (at >= 0) {
        const pooled = idle.splice(at, 1)[0]!.settled;
        if (pooled && usable(pooled, browser)) return pooled;
        if (pooled) void discard(pooled);
        continue;
      }
      if (idle.length === 0) return null;
      await Promise.race(idle.map((entry) => entry.ready));
    }
  }

  return {
    async take(browser) {
      return (await takeIdle(browser)) ?? openPage(browser);
    },

    release(pooled) {
      pooled.uses += 1;
      const wiped = pooled.uses < MAX_USES && !closed ? wipe(pooled) : Promise.reject(new Error('retired'));
      keep(
        wiped.then(
          () => pooled,
          async (err: unknown) => {
            if (!closed && pooled.uses < MAX_USES) log.debug({ err }, 'page could not be wiped; closing it');
            await discard(pooled);
            return null;
          },
        ),
      );
    },

    discard,

    async close() {
      closed = true;
      await Promise.all(idle.splice(0).map(async ({ ready }) => {
        const pooled = await ready;
        if (pooled) await discard(pooled);
      }));
    },
  };
}

/** Records the origins a page requests, so wiping knows whose storage to clear. */
function trackOrigins(pooled: PooledPage): void {
  pooled.page.on('request', (request) => {
    try {
      const { origin } = new URL(request.url());
      if (origin !== 'null') pooled.origins.add(origin);
    } catch {
      // Not a URL with an origin: nothing is stored under it.
    }
  });
}

/**
 * Leaves a page as a new one would be: its listeners and interception off, the document gone
 * (about:blank; the back/forward cache is off, so no script of the last page keeps running or
 * writing), and the cookies, HTTP cache and storage of its context cleared. Throws if a step fails.
 */
async function wipe(pooled: PooledPage): Promise<void> {
  const { page } = pooled;
  for (const event of ['request', 'requestfinished', 'requestfailed', 'response', 'dialog', 'console'] as const) {
    page.removeAllListeners(event);
  }
  await page.setRequestInterception(false);
  await page.goto('about:blank', { timeout: WIPE_TIMEOUT_MS });
  const session = await page.createCDPSession();
  try {
    await Promise.all([
      session.send('Network.clearBrowserCookies'),
      session.send('Network.clearBrowserCache'),
      ...[...pooled.origins].map((origin) => session.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' })),
    ]);
  } finally {
    await session.detach().catch(() => undefined);
  }
  pooled.origins.clear();
  trackOrigins(pooled);
}
