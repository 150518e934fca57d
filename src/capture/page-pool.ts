// Warm pages for captures. Each page lives in a browser context of its own whose every
// connection goes through an egress proxy of its own (egress-proxy.ts): the proxy lets a
// capture's allowed hosts through while it runs, and refuses everything and cuts every
// connection the moment it ends. Windows a page opens (window.open, target=_blank) are closed
// at once. When a capture ends nothing it started is left, in one of two ways (DESIGN.md has
// the measurements of both):
// - 'wipe' (the default): the page is reused. It goes to about:blank (the back/forward cache is
//   off, so no script of the last page keeps running), every other target of its context is
//   closed or has ended (workers end with their last page) — or the context is closed instead —
//   and window.name, the history, and the cookies, HTTP cache and storage of every origin the
//   capture reached are cleared.
//   A new context and page cost a new renderer process (~0.4–0.6 s on 2 cores, and the first
//   capture on a new renderer is slower too), more than a reused page's whole capture.
// - 'fresh-context': the context is closed after each capture (which ends its pages, popups and
//   workers and drops its storage), and a spare context and page are made for the next one.
// A page whose capture failed, or that could not be wiped, is closed with its context; so is one
// whose capture left what a wipe cannot remove (`taint`: a login the page gave, a cross-origin
// frame's storage).
import type { Browser, BrowserContext, Page, Target } from 'puppeteer';
import { holdsLogin } from '../domain/content.js';
import type { Logger } from '../logger.js';
import { startEgressProxy, type EgressProxy, type EgressRules, type Reached } from './egress-proxy.js';

/** A page is replaced after this many captures, so a renderer's slow leaks stay bounded. */
const MAX_USES = 50;
const WIPE_TIMEOUT_MS = 5_000;

export type Isolation = 'wipe' | 'fresh-context';

export interface PooledPage {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Every connection of the context goes through it. */
  proxy: EgressProxy;
  /** The running capture's rules (closed windows are reported to it); null between captures. */
  rules: EgressRules | null;
  uses: number;
  /**
   * Why this capture left what a wipe cannot remove, so its context is closed instead: a login
   * challenge (Chromium keeps the login for the context, and no CDP call clears it), or a frame of
   * another origin (its storage is keyed to the page's site, which clearing an origin misses).
   */
  taint: string | null;
}

export interface PagePool {
  /** A clean page of `browser`: an idle one (waiting for a wipe in progress if that is all there is), else a new one. */
  take(browser: Browser): Promise<PooledPage>;
  /** A capture ended well (its proxy already shut): make the page clean off the caller's path, and keep it. */
  release(pooled: PooledPage, reached: Reached[]): void;
  /** A capture failed: close the page, its context (which also stops what still runs in it) and its proxy. */
  discard(pooled: PooledPage): Promise<void>;
  /** Closes every idle page. */
  close(): Promise<void>;
}

interface IdleEntry {
  ready: Promise<PooledPage | null>;
  /** Set once `ready` settles: the clean page, or null if it was closed instead. */
  settled?: PooledPage | null;
}

export function createPagePool({ logger: log, isolation = 'wipe' }: { logger: Logger; isolation?: Isolation }): PagePool {
  const idle: IdleEntry[] = [];
  /** Contexts of ended captures still closing: the next capture starts once they are gone. */
  const closing = new Set<Promise<void>>();
  let closed = false;

  function keep(ready: Promise<PooledPage | null>): void {
    const entry: IdleEntry = { ready };
    idle.push(entry);
    void ready.then((pooled) => {
      entry.settled = pooled;
    });
  }

  async function openPage(browser: Browser): Promise<PooledPage> {
    const proxy = await startEgressProxy({ logger: log });
    let context: BrowserContext | null = null;
    try {
      context = await browser.createBrowserContext({
        proxyServer: proxy.url,
        // Chromium sends localhost and loopback addresses past any proxy unless told not to.
        proxyBypassList: ['<-loopback>'],
        downloadBehavior: { policy: 'deny' },
      });
      const page = await context.newPage();
      // Service workers are refused at registration (service-workers.ts); this keeps any that
      // existed from answering the page's requests.
      await page.setBypassServiceWorker(true);
      const pooled: PooledPage = { browser, context, page, proxy, rules: null, uses: 0, taint: null };
      closeWindows(pooled);
      return pooled;
    } catch (err) {
      await context?.close().catch(() => undefined);
      await proxy.close();
      throw err;
    }
  }

  async function discard(pooled: PooledPage): Promise<void> {
    pooled.proxy.shut();
    await pooled.context.close().catch(() => undefined);
    await pooled.proxy.close();
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

  function release(pooled: PooledPage, reached: Reached[]): void {
    pooled.uses += 1;
    if (isolation === 'fresh-context' || pooled.taint !== null) {
      if (pooled.taint !== null) log.debug({ taint: pooled.taint }, 'capture left what a wipe cannot remove; closing its context');
      const gone = discard(pooled);
      closing.add(gone);
      void gone.finally(() => closing.delete(gone));
      // The next capture's context, made now so that it rarely waits for one.
      if (!closed && idle.length === 0) keep(openPage(pooled.browser).catch(() => null));
      return;
    }
    const wiped = pooled.uses < MAX_USES && !closed ? wipe(pooled, reached) : Promise.reject(new Error('retired'));
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
  }

  return {
    async take(browser) {
      await Promise.all(closing);
      const pooled = (await takeIdle(browser)) ?? (await openPage(browser));
      watchTaint(pooled);
      return pooled;
    },

    release,

    discard,

    async close() {
      closed = true;
      await Promise.all(
        idle.splice(0).map(async ({ ready }) => {
          const pooled = await ready;
          if (pooled) await discard(pooled);
        }),
      );
    },
  };
}

/**
 * Marks the capture whose page gives a login, meets a login challenge or loads a frame of another
 * origin (`taint`). Chromium keeps a login the page gave (XHR's open(method, url, async, user,
 * password), whose request URL then holds them) for the whole context, and answers the challenge
 * itself: Puppeteer's events show only the final answer, so the URL is what tells. (Logins of
 * screenshots.auth are headers added on the way, and leave nothing in that cache.)
 */
function watchTaint(pooled: PooledPage): void {
  const { page } = pooled;
  pooled.taint = null;
  page.on('request', (request) => {
    if (requestHoldsLogin(request.url())) pooled.taint ??= 'a request with a user name or password';
  });
  page.on('response', (response) => {
    const status = response.status();
    if (status === 401 || status === 407) pooled.taint ??= `an HTTP ${status} login challenge`;
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) return;
    const origin = httpOrigin(frame.url());
    if (origin !== null && origin !== httpOrigin(page.mainFrame().url())) pooled.taint ??= 'a frame of another origin';
  });
}

function requestHoldsLogin(url: string): boolean {
  try {
    return holdsLogin(new URL(url));
  } catch {
    return false;
  }
}

/** The origin of an http(s) URL; null for about:, data:, blob: and the rest (they hold no storage of their own). */
function httpOrigin(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/** Closes every window the capture's page opens, as soon as it appears. */
function closeWindows(pooled: PooledPage): void {
  const own = pooled.page.target();
  pooled.context.on('targetcreated', (target: Target) => {
    // A shared worker is the context's, not the page's: its requests are not the page's events,
    // so a login it gives XHR is not seen, and would stay in the context's cache. Its capture
    // closes the context.
    if (target.type() === 'shared_worker') pooled.taint ??= 'a shared worker';
    if (target === own || target.type() !== 'page') return;
    void closePage(target);
    // Not the host's own refusal (the host may be allowed): named apart from hosts.
    pooled.rules?.onRefused(`a window (${hostOf(target.url())})`, 'the page opened a window (window.open or target=_blank); captures close those at once');
  });
}

async function closePage(target: Target): Promise<void> {
  try {
    await (await target.page())?.close();
  } catch {
    // Already gone, or the context closed under it.
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '') || 'blank';
  } catch {
    return 'blank';
  }
}

/** The origins whose storage a capture may have written: every one its connections reached. */
export function reachedOrigins(reached: Reached[]): string[] {
  const origins = new Set<string>();
  for (const { scheme, host, port } of reached) {
    try {
      origins.add(new URL(`${scheme === 'http' ? 'http' : 'https'}://${host}:${port}`).origin);
    } catch {
      // Not a host a URL can hold: nothing was stored under it.
    }
  }
  return [...origins];
}

/** Chromium's own targets in every context (the omnibox popup's WebUI): nothing a page made. */
const browserOwn = (target: Target) => /^(chrome|chrome-untrusted|devtools):/.test(target.url());

/** Resolves once `context` holds no target of a page but `keep`; rejects after `timeoutMs`. */
async function onlyTargetLeft(context: BrowserContext, keep: Target, timeoutMs: number): Promise<void> {
  const others = () => context.targets().filter((t) => t !== keep && !browserOwn(t));
  for (const target of others()) if (target.type() === 'page') await closePage(target);
  if (others().length === 0) return;
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (others().length > 0) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`targets left in the context: ${others().map((t) => t.type()).join(', ')}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      context.off('targetdestroyed', check);
    };
    context.on('targetdestroyed', check);
    check();
  });
}

/**
 * Leaves a page as a new one would be: its listeners off, the document gone
 * (about:blank), the tab's window.name and history empty, no other target in its context
 * (popups closed; workers end with their last page), and the cookies, HTTP cache and storage
 * of every origin the capture reached cleared.
 * Throws if a step fails, and the page is closed with its context instead.
 */
async function wipe(pooled: PooledPage, reached: Reached[]): Promise<void> {
  const { page } = pooled;
  for (const event of ['request', 'requestfinished', 'requestfailed', 'response', 'framenavigated', 'dialog', 'console'] as const) {
    page.removeAllListeners(event);
  }
  await page.goto('about:blank', { timeout: WIPE_TIMEOUT_MS });
  const session = await page.createCDPSession();
  try {
    await Promise.all([
      onlyTargetLeft(pooled.context, page.target(), WIPE_TIMEOUT_MS),
      // window.name belongs to the tab, not the document: it would carry over to the next page.
      page.evaluate("window.name = ''"),
      session.send('Page.resetNavigationHistory'),
    ]);
    // Only now: a worker still running could write again after the clearing.
    await Promise.all([
      session.send('Network.clearBrowserCookies'),
      session.send('Network.clearBrowserCache'),
      ...reachedOrigins(reached).map((origin) => session.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' })),
    ]);
  } finally {
    await session.detach().catch(() => undefined);
  }
}
