// One warm headless Chromium per process: a launch costs ~1 s, a capture on a warm page ~0.2 s
// (DESIGN.md). Pages run under a concurrency limit and come from a pool that wipes and reuses
// them (page-pool.ts), each in a context whose traffic all goes through an egress proxy of its
// own (egress-proxy.ts). A crashed browser is relaunched on next use.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import pLimit from 'p-limit';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { stopwatch } from '../clock.js';
import type { Logger } from '../logger.js';
import type { EgressRules, Reached } from './egress-proxy.js';
import { createPagePool, type Isolation } from './page-pool.js';
import { CaptureError } from './port.js';
import { refuseServiceWorkers } from './service-workers.js';

export interface BrowserOptions {
  /** CHROMIUM_PATH. */
  chromiumPath: string;
  /** Pages open at once (CAPTURE_CONCURRENCY). */
  concurrency: number;
  logger: Logger;
  /** How a capture's traces are removed before the next one (page-pool.ts); 'wipe' unless measuring. */
  isolation?: Isolation;
}

export interface WarmBrowser {
  /**
   * Runs `fn` on a clean page from the pool; the signal aborting closes the page and rejects.
   * The page's context reaches what `rules` allow while `fn` runs, and nothing without rules.
   */
  withPage<T>(fn: (page: Page) => Promise<T>, signal: AbortSignal, rules?: EgressRules): Promise<T>;
  /** Whether the browser starts and answers (launches it if needed); never throws. */
  check(): Promise<{ ok: boolean; detail: string }>;
  /** Closes the browser; pages in flight fail and later calls throw CaptureError. */
  close(): Promise<void>;
  /** The browser's process id while it runs. */
  pid(): number | null;
  /** Where the browser stands, without launching it (for /healthz). */
  status(): BrowserStatus;
}

/** 'idle': not launched yet (it starts on first use); 'failed': the last launch failed. */
export interface BrowserStatus {
  state: 'idle' | 'running' | 'failed';
  detail: string;
}

/** The browser died (crash, OOM kill) while a page was open. */
export class BrowserStoppedError extends CaptureError {
  constructor(options?: { cause?: unknown }) {
    super('the browser stopped while a page was open; it is restarted for the next one', options);
  }
}

/** The signal aborted (the working timeout) before the page finished. */
export class PageAbortedError extends CaptureError {
  constructor(options?: { cause?: unknown }) {
    super('working timeout: the page did not finish in time', options);
  }
}

// puppeteer's defaults plus what a root container without a GPU needs (DESIGN.md).
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--hide-scrollbars',
  // A page going to about:blank must drop its document, not keep it alive in the back/forward
  // cache: a wiped page runs nothing of the last capture.
  '--disable-features=BackForwardCache',
  // Chromium resolves no name itself (so nothing it sends can go past the egress proxy by name,
  // and no DNS query carries data out); the proxies it talks to are on 127.0.0.1.
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
  // WebRTC sends no UDP that does not go through the proxy (which speaks TCP only): no STUN or
  // TURN datagrams, no host candidates; TURN over TCP goes through the proxy like the rest.
  '--webrtc-ip-handling-policy=disable_non_proxied_udp',
];
// Puppeteer's defaults include --disable-popup-blocking; with the blocker on, a page cannot open
// a window without a user gesture (and one it opens anyway is closed at once: page-pool.ts).
const DROPPED_DEFAULT_ARGS = ['--disable-popup-blocking'];

const closedError = () => new CaptureError('the browser was closed because Lookout is shutting down');

export function createBrowser({ chromiumPath, concurrency, logger: log, isolation }: BrowserOptions): WarmBrowser {
  const limit = pLimit(concurrency);
  let current: Browser | null = null;
  let launching: Promise<Browser> | null = null;
  let closed = false;
  /** Why the last launch failed, until one succeeds. */
  let launchFailure: string | null = null;
  const pool = createPagePool({ logger: log, isolation });

  async function launch(): Promise<Browser> {
    try {
      await access(chromiumPath, constants.X_OK);
    } catch (err) {
      throw new CaptureError(
        `CHROMIUM_PATH points at nothing that can run (${chromiumPath}); install Chromium with ` +
          '`apt-get install chromium fonts-noto-cjk` or set CHROMIUM_PATH to the browser',
        { cause: err },
      );
    }
    const elapsed = stopwatch();
    let browser: Browser;
    try {
      browser = await puppeteer.launch({
        executablePath: chromiumPath,
        headless: true,
        args: ARGS,
        ignoreDefaultArgs: DROPPED_DEFAULT_ARGS,
        // DevTools over a pipe, not a port on 127.0.0.1: with loopback allowed, a page could read
        // the port's /json/list (every open page's URL) in a screenshot (a red-team review).
        pipe: true,
        // main.ts owns the process signals and closes us in order.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (err) {
      throw new CaptureError(`Chromium at ${chromiumPath} did not start; its log has the reason`, { cause: err });
    }
    try {
      await refuseServiceWorkers(browser, log);
    } catch (err) {
      await browser.close().catch(() => undefined);
      throw new CaptureError('Chromium started but did not take its settings; its log has the reason', { cause: err });
    }
    const browserPid = browser.process()?.pid ?? null;
    browser.once('disconnected', () => {
      if (current === browser) current = null;
      if (!closed) log.warn({ browserPid }, 'browser disconnected; relaunching on next use');
    });
    log.info({ browserPid, ms: elapsed() }, 'browser launched');
    return browser;
  }

  async function getBrowser(): Promise<Browser> {
    if (closed) throw closedError();
    if (current?.connected) return current;
    // Concurrent first uses share one launch.
    launching ??= launch()
      .catch((err: unknown) => {
        launchFailure = err instanceof CaptureError ? err.userMessage : 'Chromium did not start';
        throw err;
      })
      .then(async (browser) => {
        launchFailure = null;
        if (closed) {
          await browser.close().catch(() => undefined);
          throw closedError();
        }
        current = browser;
        return browser;
      })
      .finally(() => {
        launching = null;
      });
    return launching;
  }

  async function runOnPage<T>(fn: (page: Page) => Promise<T>, signal: AbortSignal, rules: EgressRules | undefined): Promise<T> {
    if (signal.aborted) throw new PageAbortedError({ cause: signal.reason });
    const browser = await getBrowser();
    const stoppedError = (cause?: unknown) => (closed ? closedError() : new BrowserStoppedError({ cause }));
    let onAbort = () => {};
    let onDisconnect = () => {};
    // Rejects when the signal aborts or the browser dies, whichever comes first.
    const interrupted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new PageAbortedError({ cause: signal.reason }));
      onDisconnect = () => reject(stoppedError());
      signal.addEventListener('abort', onAbort, { once: true });
      browser.once('disconnected', onDisconnect);
      // Either may have happened while the launch was awaited.
      if (signal.aborted) onAbort();
      else if (!browser.connected) onDisconnect();
    });
    interrupted.catch(() => undefined);
    const taking = pool.take(browser);
    taking.catch(() => undefined);
    const closeContext = () => taking.then(pool.discard, () => undefined);
    try {
      const pooled = await Promise.race([taking, interrupted]);
      let result: T;
      let reached: Reached[];
      pooled.rules = rules ?? null;
      if (rules) pooled.proxy.open(rules);
      try {
        result = await Promise.race([fn(pooled.page), interrupted]);
      } finally {
        // The moment the capture ends, its connections are cut and new ones refused.
        pooled.rules = null;
        reached = pooled.proxy.shut();
      }
      pool.release(pooled, reached);
      return result;
    } catch (err) {
      // Closing the context closes its page, which also stops whatever fn still has running; its
      // egress proxy is closed too, also when the browser died (else it would listen on).
      await closeContext();
      // A crash makes page calls fail (protocol errors, net::ERR_ABORTED) before 'disconnected' is
      // seen: the dead browser is the cause worth reporting.
      if (!browser.connected && !(err instanceof PageAbortedError)) throw stoppedError(err);
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      browser.off('disconnected', onDisconnect);
    }
  }

  return {
    withPage<T>(fn: (page: Page) => Promise<T>, signal: AbortSignal, rules?: EgressRules): Promise<T> {
      if (closed) return Promise.reject(closedError());
      let started = false;
      const queued = limit(() => {
        started = true;
        return runOnPage(fn, signal, rules);
      });
      queued.catch(() => undefined);
      // A job still waiting for a slot rejects on abort at once (it stops at the start when its turn
      // comes); a running one rejects once its page is closed.
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => {
          if (!started) reject(new PageAbortedError({ cause: signal.reason }));
        };
        if (signal.aborted) onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        queued.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    },

    async check() {
      try {
        const browser = await getBrowser();
        const version = await browser.version();
        return { ok: true, detail: `${version} is running (pid ${browser.process()?.pid ?? 'unknown'})` };
      } catch (err) {
        return { ok: false, detail: err instanceof CaptureError ? err.userMessage : 'the browser did not answer' };
      }
    },

    async close() {
      closed = true;
      await pool.close();
      const pending = launching;
      if (pending) await pending.catch(() => undefined);
      const browser = current;
      current = null;
      if (browser) await browser.close().catch((err: unknown) => log.warn({ err }, 'browser did not close cleanly'));
    },

    pid() {
      return current?.process()?.pid ?? null;
    },

    status() {
      if (current?.connected) return { state: 'running', detail: `running (pid ${current.process()?.pid ?? 'unknown'})` };
      if (launchFailure !== null) return { state: 'failed', detail: launchFailure };
      return { state: 'idle', detail: 'not running; it starts on the first screenshot' };
    },
  };
}
