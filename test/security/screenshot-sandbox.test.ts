// The screenshot sandbox against a hostile page. The allow-list holds 127.0.0.1 only (loopback
// allowed); listeners on 127.0.0.2, 127.0.0.3, … and on "localhost" stand for hosts off it, one
// per escape route, and must receive nothing: no TCP connection, no UDP datagram. Each route
// that reaches the network must be seen and refused by the capture's egress proxy; each the
// browser stops earlier must report that it was stopped. Then: a capture leaves nothing behind
// for the next one, credentials go to their exact origin only and stay out of page script's
// reach, names are resolved once (by the proxy) and IPv6 forms embedding a forbidden IPv4
// address are refused.
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page, Target } from 'puppeteer';
import { createBrowser, type WarmBrowser } from '../../src/capture/browser.js';
import type { EgressRules } from '../../src/capture/egress-proxy.js';
import type { Isolation } from '../../src/capture/page-pool.js';
import { CaptureError, type ScreenshotRequest } from '../../src/capture/port.js';
import { createScreenshotter, type ScreenshotAuth } from '../../src/capture/screenshot.js';
import { checkUrl, type LookupAll, type UrlPolicy } from '../../src/capture/url-guard.js';
import { silentLogger } from '../../src/logger.js';
import { startForbiddenListeners, type ForbiddenListeners } from '../support/forbidden-listeners.js';
import { LOCALHOST_ROUTE, NUMBERED_ROUTES, PROXIED_ROUTES, REPORTING_ROUTES, startHostileServer, type HostileServer } from '../support/hostile-pages.js';
import { until } from '../support/until.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const POLICY: UrlPolicy = { allowedHosts: ['127.0.0.1'], allowLoopback: true };
const minute = () => AbortSignal.timeout(60_000);

let listeners: ForbiddenListeners;
let hostile: HostileServer;
/** The same host as `hostile`, another port: an origin credentials must not reach. */
let other: HostileServer;
let browser: WarmBrowser;

beforeAll(async () => {
  listeners = await startForbiddenListeners(NUMBERED_ROUTES, LOCALHOST_ROUTE);
  other = await startHostileServer(listeners);
  hostile = await startHostileServer(listeners, other.origin);
});

afterAll(async () => {
  await Promise.all([hostile?.close(), other?.close()]);
  await listeners?.close();
});

/** A browser per describe block; one page at a time, so each capture gets the page (or the context slot) the last one had. */
function useBrowser(isolation: Isolation = 'wipe'): void {
  beforeAll(() => {
    browser = createBrowser({ chromiumPath: CHROMIUM, concurrency: 1, logger: silentLogger(), isolation });
  });
  afterAll(async () => {
    await browser?.close();
  });
}

/** Rules that record every refusal, in order, and emit 'refused' for each. */
function recordingRules(lookup?: LookupAll) {
  const log: { host: string; reason: string }[] = [];
  const events = new EventEmitter();
  const rules: EgressRules = {
    policy: POLICY,
    lookup,
    onRefused: (host, reason) => {
      log.push({ host, reason });
      events.emit('refused');
    },
  };
  return { rules, log, events };
}

const hitsSoFar = () => listeners.hits.map((h) => `${h.route} (${h.kind})`);
const hostOf = (route: string) => listeners.byRoute.get(route)!.host;

/** Targets a page made: neither Chromium's own (chrome://) nor in the default context. */
function pageMadeTargets(page: Page): Target[] {
  const browserOfPage = page.browser();
  return browserOfPage
    .targets()
    .filter((t) => t.browserContext() !== browserOfPage.defaultBrowserContext() && !/^(chrome|devtools)/.test(t.url()) && t.type() !== 'browser');
}

function shot(url: string, overrides: Partial<ScreenshotRequest> = {}): ScreenshotRequest {
  return { url, width: 400, height: 300, scale: 1, selector: '#chart', fullPage: false, waitFor: null, waitForGone: null, ...overrides };
}

// Both ways of ending a capture (page-pool.ts): the reused, wiped page Lookout uses, and a fresh
// context per capture.
describe.each(['wipe', 'fresh-context'] as const)('a hostile page (isolation: %s)', (isolation) => {
  useBrowser(isolation);

  it('reaches no host off the allow-list by any route: windows, workers, sockets, WebRTC, WebTransport, prefetch, beacons, pings, reports', async () => {
    const { rules, log, events } = recordingRules();
    const refusedRoute = (route: string) => log.some((r) => r.host === hostOf(route));
    // Every route that reports an outcome has one, and every route that reaches the network was
    // refused by the proxy — or something got out, which ends the wait at once.
    await browser.withPage(
      async (page) => {
        await page.goto(hostile.url('/escapes'));
        await until(
          () => listeners.hits.length > 0 || (REPORTING_ROUTES.every((r) => hostile.reports.has(r)) && PROXIED_ROUTES.every(refusedRoute)),
          [listeners.events, 'hit'],
          [events, 'refused'],
          [hostile.events, 'report'],
        );
      },
      minute(),
      rules,
    );

    expect(hitsSoFar()).toEqual([]);
    for (const route of PROXIED_ROUTES) {
      const reason = route === LOCALHOST_ROUTE ? 'localhost is not in screenshots.allowedHosts' : `${hostOf(route)} is not in screenshots.allowedHosts`;
      expect(log.find((r) => r.host === hostOf(route))?.reason).toContain(reason);
    }
    // Stopped before any request: the popup blocker, the refused service worker script, WebRTC
    // without UDP (TURN over TCP went to the proxy: webrtc-turn-tcp above).
    expect(hostile.reports.get('window-open')).toBe('blocked');
    expect(hostile.reports.get('service-worker')).toMatch(/^refused /);
    expect(hostile.reports.get('service-worker-module')).toMatch(/^refused /);
    expect(hostile.reports.get('webrtc')).toBe('gathered');
    expect(hostile.reports.get('webtransport')).not.toBe('open');
    for (const route of ['websocket', 'websocket-tls', 'event-source']) expect(hostile.reports.get(route)).toBe('error');
  });

  it('has a window it opens with a user gesture closed at once, and the window reaches nothing', async () => {
    const { rules, log, events } = recordingRules();
    const windowsClosed = () => log.filter((r) => r.reason.includes('opened a window')).length;
    const left = await browser.withPage(
      async (page) => {
        await page.goto(hostile.url('/gesture'));
        // Puppeteer's clicks are user gestures: the popup blocker lets these windows open. (A
        // window that stays open can keep a click from returning, hence no await for each.)
        const clicking = (async () => {
          for (const selector of ['#open', '#blank', '#same']) await page.click(selector);
        })();
        clicking.catch(() => undefined);
        await until(() => listeners.hits.length > 0 || windowsClosed() >= 3, [listeners.events, 'hit'], [events, 'refused']);
        if (listeners.hits.length === 0) await clicking;
        const others = () => pageMadeTargets(page).filter((t) => t !== page.target());
        await until(() => listeners.hits.length > 0 || others().length === 0, [listeners.events, 'hit'], [page.browserContext(), 'targetdestroyed']);
        return others().map((t) => t.url());
      },
      minute(),
      rules,
    );
    expect(hitsSoFar()).toEqual([]);
    expect(left).toEqual([]);
    expect(windowsClosed()).toBe(3);
  });

  it('leaves nothing behind for the next capture: no window, worker or socket sees the secret dashboard captured after it', async () => {
    const shots = createScreenshotter({ browser, policy: POLICY, auth: {}, logger: silentLogger() });
    let socketsClosed = 0;
    const onClosed = () => void (socketsClosed += 1);
    hostile.events.on('socket-closed', onClosed);
    const spyWindows = () => hostile.seen.filter((s) => s.path === '/spy');
    try {
      const first = shots.capture(shot(hostile.url('/leftovers'), { waitFor: '#done' }), minute());
      first.catch(() => undefined);
      // A window left open would load /spy (and can keep the capture from ever finishing).
      await Promise.race([first, until(() => spyWindows().length > 0, [hostile.events, 'seen'])]);
      expect(spyWindows()).toEqual([]);
      await first;
      // The WebSocket capture 1 held to its (allowed) server is cut when the capture ends.
      await until(() => socketsClosed >= 1, [hostile.events, 'socket-closed']);
    } finally {
      hostile.events.off('socket-closed', onClosed);
    }
    expect(hostile.reports.get('leftovers')).toBe('no window');

    // The next page handed out (the wiped one, or a new context's), and nothing of capture 1 runs beside it.
    const left = await browser.withPage(
      async (page) => pageMadeTargets(page).filter((t) => t !== page.target()).map((t) => `${t.type()} ${t.url()}`),
      minute(),
    );
    expect(left).toEqual([]);

    await shots.capture(shot(hostile.url('/secret')), minute());
    expect(hitsSoFar()).toEqual([]);
    expect(spyWindows()).toEqual([]);
  });
});

describe('credentials', () => {
  useBrowser();

  it('go to the configured origin only, never to page script or another port of the same host', async () => {
    const auth: ScreenshotAuth = {
      [hostile.origin]: { headers: { 'X-Token': 'header-secret' }, cookies: [{ name: 'session', value: 'cookie-secret' }] },
    };
    const shots = createScreenshotter({ browser, policy: POLICY, auth, logger: silentLogger() });
    const seenBefore = hostile.seen.length;
    await shots.capture(shot(hostile.url('/credentials'), { selector: '#verdict', waitFor: 'body[data-done]' }), minute());

    // Page script cannot read the cookie (it never enters the cookie jar)...
    expect(hostile.reports.get('document.cookie')).toBe('');
    // ... the configured origin receives both, on the page and on its own requests, beside the
    // page's own cookies and instead of the one it planted under the same name ...
    const own = hostile.seen.slice(seenBefore).filter((s) => s.path === '/credentials' || s.path === '/seen/fetch');
    expect(own).toEqual([
      { path: '/credentials', cookie: 'session=cookie-secret', token: 'header-secret' },
      { path: '/seen/fetch', cookie: 'theme=dark; session=cookie-secret', token: 'header-secret' },
    ]);
    // ... and the same host on another port receives neither, fetched, embedded or redirected to
    // (the page's own cookie goes there: browser cookies ignore ports).
    const elsewhere = other.seen.filter((s) => s.path.startsWith('/seen/'));
    expect(elsewhere.map((s) => s.path).sort()).toEqual(['/seen/fetch', '/seen/frame', '/seen/image', '/seen/redirected']);
    for (const s of elsewhere) expect({ cookie: s.cookie, token: s.token }).toEqual({ cookie: 'theme=dark', token: null });
  });
});

describe('addresses', () => {
  useBrowser();

  it('are resolved once per capture, by the proxy, which connects to the address it checked (no DNS rebinding)', async () => {
    const answers = ['127.0.0.1', '169.254.169.254'];
    const lookups: string[] = [];
    // A name whose answer changes after the first look-up, as a rebinding attacker's would.
    const lookup: LookupAll = async (hostname) => {
      lookups.push(hostname);
      const address = answers[Math.min(lookups.length - 1, answers.length - 1)]!;
      return [{ address, family: 4 }];
    };
    const port = new URL(hostile.origin).port;
    const policy: UrlPolicy = { allowedHosts: ['dash.rebind.test'], allowLoopback: true };
    const first = recordingRules(lookup);
    first.rules.policy = policy;
    const seenBefore = hostile.seen.length;
    await browser.withPage(
      async (page) => {
        await page.goto(`http://dash.rebind.test:${port}/rebind`);
        await page.evaluate(() => fetch('/again').then((r) => r.text()));
      },
      minute(),
      first.rules,
    );
    // Chromium resolved nothing itself (it cannot: browser.ts); the proxy resolved the name once
    // and sent both requests to the address it checked, though the name now answers otherwise.
    expect(hostile.seen.slice(seenBefore).map((s) => s.path)).toEqual(expect.arrayContaining(['/rebind', '/again']));
    expect(lookups).toEqual(['dash.rebind.test']);

    // The next capture checks again, and the new answer is refused.
    const second = recordingRules(lookup);
    second.rules.policy = policy;
    await browser.withPage(
      async (page) => {
        await page.goto(`http://dash.rebind.test:${port}/rebind-again`).catch(() => null);
      },
      minute(),
      second.rules,
    );
    expect(second.log).toEqual([
      { host: 'dash.rebind.test', reason: 'dash.rebind.test resolves to 169.254.169.254, a link-local/cloud metadata address, which screenshots may never open' },
    ]);
    expect(hostile.seen.map((s) => s.path)).not.toContain('/rebind-again');
  });

  it('in IPv6 forms that embed a forbidden IPv4 address are refused by what they embed', async () => {
    // NAT64 of the metadata address, on the allow-list by mistake.
    const nat64 = '64:ff9b::a9fe:a9fe';
    const shots = createScreenshotter({ browser, policy: { allowedHosts: [nat64], allowLoopback: true }, auth: {}, logger: silentLogger() });
    const err = await shots.capture(shot(`http://[${nat64}]/latest/meta-data/`), minute()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).message).toBe(
      `the screenshot URL is not allowed: ${nat64} is a link-local/cloud metadata address, which screenshots may never open`,
    );
    // 6to4 and Teredo forms of loopback, with loopback not allowed.
    const strict: UrlPolicy = { allowedHosts: ['2002:7f00:1::', '2001:0:4136:e378:8000:63bf:80ff:fffe'], allowLoopback: false };
    await expect(checkUrl('http://[2002:7f00:1::]/', strict)).resolves.toMatchObject({ ok: false, reason: expect.stringContaining('a loopback address') });
    await expect(checkUrl('http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', strict)).resolves.toMatchObject({
      ok: false,
      reason: expect.stringContaining('a loopback address'),
    });
  });
});
