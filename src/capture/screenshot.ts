// URL → PNG in the warm browser. The screenshot URL is checked against the SSRF policy before
// the browser is asked; then every connection the browser makes for the capture passes the
// policy in the egress proxy (egress-proxy.ts), and a refused page or redirect is named in the
// message. Per-origin credentials go only to their origin (credentials.ts), and a page that
// renders as one flat colour is retried once. Error messages name hosts and selectors, never
// page contents, query strings or credentials.
import type { HTTPRequest, Page } from 'puppeteer';
import { TimeoutError as PuppeteerTimeoutError } from 'puppeteer';
import { PNG } from 'pngjs';
import { stopwatch } from '../clock.js';
import { mayUseCredentials } from '../domain/access.js';
import type { Logger } from '../logger.js';
import { BrowserStoppedError, type WarmBrowser } from './browser.js';
import { credentialRules, type ScreenshotAuth } from './credentials.js';
import { watchRequests } from './network-quiet.js';
import { CaptureError, type ScreenshotRequest, type Screenshotter } from './port.js';
import { addCredentials } from './page-credentials.js';
import { checkUrl, type UrlPolicy } from './url-guard.js';

export type { ScreenshotAuth } from './credentials.js';

export interface ScreenshotterOptions {
  browser: WarmBrowser;
  policy: UrlPolicy;
  auth: ScreenshotAuth;
  /** Lookout admins: they may use every origin's credentials. */
  admins?: readonly string[];
  logger: Logger;
  /** Budget of one attempt: load, waitFor and waitForGone together. */
  navigationTimeoutMs?: number;
  /** Budget of taking the picture itself (default 30 s). */
  shotTimeoutMs?: number;
}

const DEFAULT_NAVIGATION_TIMEOUT_MS = 30_000;

/** What an attempt is doing, so a working timeout can say what it was waiting for. */
interface Progress {
  phase: string | null;
}

/** Hosts the egress proxy refused during an attempt (or a window closed at once), with why. */
type Refusals = Map<string, string>;

/** Where the page is, for messages: origin and path only, since query strings may carry tokens. */
function describe(url: string): { host: string; where: string } {
  try {
    const u = new URL(url);
    return { host: u.hostname.replace(/^\[|\]$/g, '') || u.protocol, where: `${u.origin}${u.pathname}` };
  } catch {
    return { host: 'the page', where: 'the page' };
  }
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/**
 * The most pixels one screenshot has (the largest viewport a form allows, 4096 × 8192, at scale
 * 1): a whole page, an element or a viewport at a high scale is cut to it, from the top left.
 * Without it a page 120,000 px tall took Lookout to 6.4 GB (a red-team review).
 */
export const MAX_CAPTURE_PIXELS = 4096 * 8192;
/** Images up to this many pixels are decoded to see whether they are blank (32 MiB of RGBA). */
const BLANK_CHECK_MAX_PIXELS = 4096 * 2048;
/** How long taking the picture itself may take: a page's script can keep its renderer busy. */
const SHOT_TIMEOUT_MS = 30_000;

/** `width` × `height` CSS px at `scale`, cut (in height, then width) to MAX_CAPTURE_PIXELS. */
export function cappedArea(width: number, height: number, scale: number): { width: number; height: number } {
  const perCss = scale * scale;
  const w = Math.max(1, Math.min(Math.ceil(width), Math.floor(MAX_CAPTURE_PIXELS / perCss)));
  const h = Math.max(1, Math.min(Math.ceil(height), Math.floor(MAX_CAPTURE_PIXELS / perCss / w)));
  return { width: w, height: h };
}

/** Every pixel the same colour: an empty page, a failed render or a loader on a flat background. */
export function isBlankPng(png: Buffer): boolean {
  // A single colour compresses far: Chromium's fast PNG encoder (optimizeForSpeed) writes one
  // at 225:1 (1×) to 251:1 (2×) of its RGBA bytes, measured, and its full encoder at more. So a PNG
  // bigger than a 150th of them cannot be blank; only smaller ones are decoded (~20–35 ms at
  // 1280×800): a dashboard with content comes out near 100:1 and skips it.
  if (png.length >= 24) {
    const pixels = png.readUInt32BE(16) * png.readUInt32BE(20);
    if (png.length * 150 > pixels * 4) return false;
    // Decoding would take 4 bytes a pixel in Lookout: a big image is taken as it is.
    if (pixels > BLANK_CHECK_MAX_PIXELS) return false;
  }
  const { data } = PNG.sync.read(png);
  if (data.length < 4) return true;
  const first = data.readUInt32LE(0);
  for (let i = 4; i + 4 <= data.length; i += 4) if (data.readUInt32LE(i) !== first) return false;
  return true;
}

/** Quiet time (at most 2 requests open) before the page counts as settled. */
export const NETWORK_IDLE_MS = 100;
/**
 * Time after the load event the page is given in any case, so that requests a script starts just
 * after it (a timer, the next frame) can still end a quiet spell that began before the load.
 * Requests the load handlers start are seen before the load itself.
 */
export const AFTER_LOAD_MS = 50;

export function createScreenshotter(options: ScreenshotterOptions): Screenshotter {
  const { browser, policy, auth, logger: log, navigationTimeoutMs = DEFAULT_NAVIGATION_TIMEOUT_MS, shotTimeoutMs = SHOT_TIMEOUT_MS } = options;
  const credentials = credentialRules(auth);
  const access = { admins: options.admins ?? [] };
  /** The credentials this capture may use: limited ones only when it is for people allowed them. */
  const credentialsFor = (people: readonly string[]) => credentialRules(auth, (allowedUsers) => mayUseCredentials(people, allowedUsers, access));

  /**
   * Records the main frame's navigations (the URL, redirect hops, a script navigating away), so a
   * refusal by the egress proxy of one of them is named in the message rather than reported as
   * the proxy's 403 or a tunnel error.
   */
  function watchNavigations(page: Page, refusals: Refusals) {
    const hops: { host: string; redirected: boolean }[] = [];
    const onRequest = (request: HTTPRequest) => {
      if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
      hops.push({ host: describe(request.url()).host, redirected: request.redirectChain().length > 0 });
    };
    page.on('request', onRequest);
    return {
      /** Why the page may not be shown, if the proxy refused one of its navigations. */
      refusal(): string | null {
        for (const { host, redirected } of hops) {
          const reason = refusals.get(host);
          if (reason === undefined) continue;
          return redirected
            ? `the page redirected to ${host}, which is not allowed: ${reason}`
            : `the page tried to open ${host}, which is not allowed: ${reason}`;
        }
        return null;
      },
      stop: () => page.off('request', onRequest),
    };
  }

  /** Why the page answered 401/403 when credentials exist for its host but another origin. */
  function credentialsHint(url: string): string {
    const target = new URL(url);
    const others = credentials.originsOn(target.hostname).filter((origin) => origin !== target.origin);
    if (others.length === 0) return '; if it needs a login, give its credentials in screenshots.auth';
    return `; screenshots.auth has credentials for ${others.join(', ')}, which go to that exact origin only, not to ${target.origin}`;
  }

  async function shoot(page: Page, request: ScreenshotRequest, progress: Progress, refusals: Refusals): Promise<Buffer> {
    const { where, host: mainHost } = describe(request.url);
    const elapsed = stopwatch();
    const remaining = () => Math.max(1, navigationTimeoutMs - elapsed());
    const attemptLog = log.child({ host: mainHost });

    // A reused page keeps its viewport; setting the same one again costs a relayout.
    const viewport = { width: request.width, height: request.height, deviceScaleFactor: request.scale };
    const now = page.viewport();
    if (now?.width !== viewport.width || now.height !== viewport.height || now.deviceScaleFactor !== viewport.deviceScaleFactor) {
      await page.setViewport(viewport);
    }
    const navigations = watchNavigations(page, refusals);
    // A dialog stops the page's script and the screenshot until answered; nobody is there to.
    page.on('dialog', (dialog) => void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()).catch(() => undefined));
    const stopCredentials = await addCredentials(page, credentialsFor(request.for ?? []), attemptLog);
    try {
      return await openAndShoot(page, request, progress, { where, remaining, navigations });
    } finally {
      navigations.stop();
      await stopCredentials();
    }
  }

  async function openAndShoot(
    page: Page,
    request: ScreenshotRequest,
    progress: Progress,
    { where, remaining, navigations }: { where: string; remaining: () => number; navigations: ReturnType<typeof watchNavigations> },
  ): Promise<Buffer> {
    progress.phase = 'loading the page';
    let status: number | null = null;
    const requests = watchRequests(page, 2);
    try {
      // "load", then a short quiet spell with at most 2 requests open (networkidle2's rule):
      // networkidle2 itself waits a fixed 500 ms, most of a warm capture's time. Dashboards that
      // fill in later have waitFor / waitForGone.
      const response = await page.goto(request.url, { waitUntil: 'load', timeout: remaining() });
      status = response?.status() ?? null;
      await requests.settled({ idleMs: NETWORK_IDLE_MS, minWaitMs: AFTER_LOAD_MS, timeoutMs: remaining() });
    } catch (err) {
      const refusal = navigations.refusal();
      if (refusal !== null) throw new CaptureError(refusal, { cause: err });
      if (err instanceof PuppeteerTimeoutError) {
        throw new CaptureError(`${where} did not finish loading within ${seconds(navigationTimeoutMs)}`, { cause: err });
      }
      const netError = /net::(ERR_[A-Z_]+)/.exec(err instanceof Error ? err.message : '');
      if (netError) throw new CaptureError(`${where} could not be opened (${netError[1]})`, { cause: err });
      throw err;
    } finally {
      requests.stop();
    }
    const refused = navigations.refusal();
    if (refused !== null) throw new CaptureError(refused);
    if (status !== null && status >= 400) {
      const hint = status === 401 || status === 403 ? credentialsHint(request.url) : '';
      throw new CaptureError(`${where} answered HTTP ${status}${hint}`);
    }

    if (request.waitFor !== null) {
      progress.phase = `waiting for the element "${request.waitFor}" to appear`;
      await waitForSelector(page, request.waitFor, { visible: true, timeout: remaining() }, () => {
        return `the element "${request.waitFor}" never appeared on ${where} within ${seconds(navigationTimeoutMs)}`;
      });
    }
    if (request.waitForGone !== null) {
      progress.phase = `waiting for the element "${request.waitForGone}" to go away`;
      await waitForSelector(page, request.waitForGone, { hidden: true, timeout: remaining() }, () => {
        return `the element "${request.waitForGone}" was still on ${where} after ${seconds(navigationTimeoutMs)}`;
      });
    }
    // A script may have tried to navigate away after the load.
    const navigatedAway = navigations.refusal();
    if (navigatedAway !== null) throw new CaptureError(navigatedAway);

    progress.phase = 'taking the screenshot';
    const png = await withDeadline(
      takePicture(page, request, where),
      shotTimeoutMs,
      () => `${where} kept its browser busy for ${seconds(shotTimeoutMs)} while the screenshot was taken (a script that never yields, or a dialog)`,
    );
    return Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  }

  /** The PNG, its area cut to MAX_CAPTURE_PIXELS (the clip fixes its size, whatever the page does next). */
  async function takePicture(page: Page, request: ScreenshotRequest, where: string): Promise<Uint8Array> {
    if (request.selector !== null) {
      const element = await page.$(request.selector).catch((err: unknown) => {
        throw invalidSelector(request.selector ?? '', err) ?? err;
      });
      if (element === null) {
        throw new CaptureError(`the element "${request.selector}" is not on ${where}; check the selector, or set waitFor if it appears later`);
      }
      const box = await element.boundingBox();
      if (box === null || box.width === 0 || box.height === 0) {
        throw new CaptureError(`the element "${request.selector}" on ${where} is not visible, so it cannot be captured`);
      }
      // The clip is relative to the element.
      return element.screenshot({ type: 'png', optimizeForSpeed: true, clip: { x: 0, y: 0, ...cappedArea(box.width, box.height, request.scale) } });
    }
    if (!request.fullPage) {
      const area = cappedArea(request.width, request.height, request.scale);
      const whole = area.width === request.width && area.height === request.height;
      return page.screenshot({ type: 'png', optimizeForSpeed: true, ...(whole ? {} : { clip: { x: 0, y: 0, ...area } }) });
    }
    // Only a whole-page shot needs the area beyond the viewport (which costs ~70 ms more). Its
    // size comes from Chromium's layout, not from the page's script.
    const session = await page.createCDPSession();
    const { cssContentSize } = await session.send('Page.getLayoutMetrics').finally(() => void session.detach().catch(() => undefined));
    const area = cappedArea(cssContentSize.width, cssContentSize.height, request.scale);
    return page.screenshot({ type: 'png', optimizeForSpeed: true, captureBeyondViewport: true, clip: { x: 0, y: 0, ...area } });
  }

  async function capture(request: ScreenshotRequest, signal: AbortSignal): Promise<Buffer> {
    const { host } = describe(request.url);
    const verdict = await checkUrl(request.url, policy);
    if (!verdict.ok) throw new CaptureError(`the screenshot URL is not allowed: ${verdict.reason}`);
    const progress: Progress = { phase: null };
    const elapsed = stopwatch();
    try {
      for (let attempt = 1; attempt <= 2; attempt++) {
        const refusals: Refusals = new Map();
        const rules = { policy, onRefused: (refused: string, reason: string) => void refusals.set(refused, reason) };
        const png = await browser
          .withPage((page) => shoot(page, request, progress, refusals), signal, rules)
          .finally(() => {
            if (refusals.size > 0) log.info({ host, refusedHosts: [...refusals.keys()] }, 'connections refused by the URL policy');
          });
        // An element that was found and visible did render; a flat one (a status tile) is content.
        if (request.selector !== null || !isBlankPng(png)) {
          log.debug({ host, attempt, ms: elapsed(), bytes: png.length }, 'screenshot taken');
          return png;
        }
        log.info({ host, attempt }, 'screenshot came out blank');
      }
    } catch (err) {
      if (signal.aborted) {
        const doing = progress.phase ? `; it was ${progress.phase}` : '';
        throw new CaptureError(`working timeout: the screenshot of ${host} did not finish in time${doing}`, { cause: err });
      }
      if (err instanceof BrowserStoppedError) {
        throw new CaptureError('the browser stopped during the screenshot; it is restarted for the next one', { cause: err });
      }
      if (err instanceof CaptureError) throw err;
      log.warn({ host, err }, 'screenshot failed');
      throw new CaptureError(`the screenshot of ${host} failed unexpectedly; the details are in Lookout's log`, { cause: err });
    }
    throw new CaptureError(
      `the page rendered as a single colour twice (blank): check that ${host} shows the dashboard without a login ` +
        'and set waitFor to an element that appears once the data has loaded',
    );
  }

  return {
    capture,
    check: () => browser.check(),
    status: () => browser.status(),
    close: () => browser.close(),
  };
}

/** `promise`, or a CaptureError after `ms` (the caller's page is then closed with its context). */
async function withDeadline<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  promise.catch(() => undefined);
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new CaptureError(message())), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function invalidSelector(selector: string, err: unknown): CaptureError | null {
  if (err instanceof Error && /not a valid selector/i.test(err.message)) {
    return new CaptureError(`"${selector}" is not a valid CSS selector`, { cause: err });
  }
  return null;
}

async function waitForSelector(
  page: Page,
  selector: string,
  options: { visible?: boolean; hidden?: boolean; timeout: number },
  timeoutMessage: () => string,
): Promise<void> {
  try {
    await page.waitForSelector(selector, options);
  } catch (err) {
    if (err instanceof PuppeteerTimeoutError) throw new CaptureError(timeoutMessage(), { cause: err });
    throw invalidSelector(selector, err) ?? err;
  }
}
