// When a page counts as settled: at most `concurrency` of its requests open for `idleMs`
// (networkidle2's rule), the quiet spell counted from when it began — also before the load event,
// as networkidle2 counts it — so a page that loaded slowly and quietly is not made to wait again.
// Puppeteer's own waitForNetworkIdle counts every request its Page object ever saw, and a pooled
// page is reused, so it would inherit the requests an earlier capture left without an answer
// event (a hostile page leaves many: workers' and beacons' requests, requests cut by the wipe)
// and never see the next page settle. This counts one capture's requests only.
import { TimeoutError, type HTTPRequest, type Page } from 'puppeteer';

export interface QuietWatch {
  /**
   * Resolves once the page has been quiet for `idleMs` and `minWaitMs` have passed since the call;
   * rejects with TimeoutError after `timeoutMs`.
   */
  settled(options: { idleMs: number; minWaitMs: number; timeoutMs: number }): Promise<void>;
  /** Stops counting (removes the listeners). */
  stop(): void;
}

/** Starts counting `page`'s requests now (before its navigation, so requests of the load count); quiet is at most `concurrency` open. */
export function watchRequests(page: Page, concurrency: number): QuietWatch {
  const open = new Set<HTTPRequest>();
  const changed = new Set<() => void>();
  /** Since when at most `concurrency` requests have been open; null while more are. */
  let quietSince: number | null = performance.now();
  const onRequest = (request: HTTPRequest) => {
    open.add(request);
    if (open.size > concurrency) quietSince = null;
    changed.forEach((f) => f());
  };
  const onDone = (request: HTTPRequest) => {
    if (!open.delete(request)) return;
    if (open.size <= concurrency) quietSince ??= performance.now();
    changed.forEach((f) => f());
  };
  const onResponse = (response: { request(): HTTPRequest }) => onDone(response.request());
  page.on('request', onRequest);
  page.on('requestfinished', onDone);
  page.on('requestfailed', onDone);
  page.on('response', onResponse);

  return {
    settled({ idleMs, minWaitMs, timeoutMs }) {
      const called = performance.now();
      return new Promise<void>((resolve, reject) => {
        let idle: NodeJS.Timeout | null = null;
        const finish = () => {
          if (idle) clearTimeout(idle);
          clearTimeout(deadline);
          changed.delete(check);
        };
        const check = () => {
          if (quietSince === null) {
            if (idle) clearTimeout(idle);
            idle = null;
          } else {
            const now = performance.now();
            const wait = Math.max(0, quietSince + idleMs - now, called + minWaitMs - now);
            idle ??= setTimeout(() => {
              finish();
              resolve();
            }, wait);
          }
        };
        const deadline = setTimeout(() => {
          finish();
          reject(new TimeoutError(`the page's network did not settle within ${timeoutMs} ms`));
        }, timeoutMs);
        changed.add(check);
        check();
      });
    },
    stop() {
      page.off('request', onRequest);
      page.off('requestfinished', onDone);
      page.off('requestfailed', onDone);
      page.off('response', onResponse);
      changed.clear();
    },
  };
}
