// What a red-team review of the screenshot sandbox found one capture could leave for the next, or
// do to Lookout, and what stops it (each case failed before its fix):
// - a login (HTTP Basic, given to XHR) that Chromium keeps for the browser context, and which the
//   next capture's page was sent with: the context is closed instead of wiped — also when a shared
//   worker gave it (its requests are not the page's: the worker's creation marks the capture);
// - a cross-site frame's storage, keyed to the page's site, which clearing origins misses: the
//   context is closed instead of wiped;
// - a user name and password in the screenshot URL: refused;
// - pictures of any size (a page 120,000 px tall took Lookout to 6.4 GB): cut to MAX_CAPTURE_PIXELS;
// - a dialog or a busy script holding the capture for Puppeteer's 180 s: dialogs are answered, and
//   taking the picture has its own deadline;
// - a DevTools port on 127.0.0.1 whose /json/list a page on an allowed loopback could show: a pipe.
// Real Chromium, pages served by this test on 127.0.0.1 and on 127.0.0.250 (a second site).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createBrowser, type WarmBrowser } from '../../src/capture/browser.js';
import { CaptureError, type ScreenshotRequest } from '../../src/capture/port.js';
import { createScreenshotter, MAX_CAPTURE_PIXELS } from '../../src/capture/screenshot.js';
import type { UrlPolicy } from '../../src/capture/url-guard.js';
import { silentLogger } from '../../src/logger.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SITE_B = '127.0.0.250';
const POLICY: UrlPolicy = { allowedHosts: ['127.0.0.1', SITE_B], allowLoopback: true };
const minute = () => AbortSignal.timeout(60_000);

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;
const html = (res: ServerResponse, body: string, status = 200, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(`<!doctype html><html><body style="margin:0;background:#fff">${body}</body></html>`);
};

async function serve(host: string, handler: Handler): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => handler(req, res, new URL(req.url ?? '/', `http://${host}`)));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, origin: `http://${host}:${(server.address() as AddressInfo).port}` };
}

/** Requests to the login-protected paths, with the Authorization header each came with. */
const logins: { path: string; authorization: string | null }[] = [];
/** What the cross-site frame found in its storage when asked to read it. */
const frameReads: string[] = [];
let pages: { server: Server; origin: string };
let widget: { server: Server; origin: string };
let browser: WarmBrowser;

const PASSWORD = `Basic ${Buffer.from('admin:hunter2').toString('base64')}`;

beforeAll(async () => {
  widget = await serve(SITE_B, (_req, res, url) => {
    if (url.pathname === '/frame') {
      const script = url.searchParams.has('write')
        ? "localStorage.setItem('tok', 'victim-widget-token'); sessionStorage.setItem('tok', 'victim-widget-token'); fetch('/read?ls=' + localStorage.getItem('tok') + '&ss=' + sessionStorage.getItem('tok')).then(() => parent.postMessage('done', '*'));"
        : "fetch('/read?ls=' + localStorage.getItem('tok') + '&ss=' + sessionStorage.getItem('tok')).then(() => parent.postMessage('done', '*'));";
      return html(res, `<script>${script}</script>`);
    }
    if (url.pathname === '/read') frameReads.push(`ls=${url.searchParams.get('ls')} ss=${url.searchParams.get('ss')}`);
    res.writeHead(204).end();
  });
  pages = await serve('127.0.0.1', (req, res, url) => {
    const box = '<div id="chart" style="width:200px;height:100px;background:#36c"></div>';
    switch (url.pathname) {
      case '/private':
      case '/admin': {
        const authorization = req.headers.authorization ?? null;
        logins.push({ path: url.pathname, authorization });
        if (authorization !== PASSWORD) return html(res, 'login', 401, { 'www-authenticate': 'Basic realm="grafana"' });
        return html(res, `${box}<p id="admin">admin page</p>`);
      }
      case '/logs-in':
        // The victim's dashboard logs in through XHR with a user and password of its own.
        return html(
          res,
          `${box}<script>const x = new XMLHttpRequest(); x.open('GET', '/private', true, 'admin', 'hunter2');
           x.onloadend = () => document.body.insertAdjacentHTML('beforeend', '<b id="done">done</b>'); x.send();</script>`,
        );
      case '/logs-in-worker':
        // The same, from a dedicated worker (its requests are the worker's, not the page's).
        return html(res, `${box}<script>const w = new Worker('/login-worker.js'); w.onmessage = () => document.body.insertAdjacentHTML('beforeend', '<b id="done">done</b>');</script>`);
      case '/login-worker.js':
        res.writeHead(200, { 'content-type': 'text/javascript' });
        return res.end("const x = new XMLHttpRequest(); x.open('GET', '/private', true, 'admin', 'hunter2'); x.onloadend = () => postMessage('done'); x.send();");
      case '/logs-in-shared-worker':
        // And from a shared worker, which belongs to the context rather than to the page.
        return html(
          res,
          `${box}<script>const w = new SharedWorker('/login-shared-worker.js'); w.port.onmessage = () => document.body.insertAdjacentHTML('beforeend', '<b id="done">done</b>'); w.port.start();</script>`,
        );
      case '/login-shared-worker.js':
        res.writeHead(200, { 'content-type': 'text/javascript' });
        return res.end("onconnect = (e) => { const x = new XMLHttpRequest(); x.open('GET', '/private', true, 'admin', 'hunter2'); x.onloadend = () => e.ports[0].postMessage('done'); x.send(); };");
      case '/embeds-widget':
        // #done once the frame's report has reached the server.
        return html(
          res,
          `${box}<iframe src="${widget.origin}/frame?${url.searchParams.has('write') ? 'write' : 'read'}"></iframe>
           <script>addEventListener('message', () => document.body.insertAdjacentHTML('beforeend', '<b id=done>done</b>'))</script>`,
        );
      case '/tall':
        return html(res, '<div style="height:120000px;background:#eee"></div>');
      case '/huge-element':
        return html(res, '<div id="chart" style="width:16000px;height:16000px;background:linear-gradient(#f00,#00f)"></div>');
      case '/alerts':
        return html(res, `${box}<script>onload = () => setTimeout(() => alert('hello'), 30)</script>`);
      case '/busy':
        return html(res, `${box}<script>onload = () => setTimeout(() => { for (;;) {} }, 30)</script>`);
      default:
        return html(res, box);
    }
  });
  browser = createBrowser({ chromiumPath: CHROMIUM, concurrency: 1, logger: silentLogger() });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const { server } of [pages, widget]) {
    server?.closeAllConnections();
    server?.close();
  }
});

const shots = (options: { shotTimeoutMs?: number } = {}) => createScreenshotter({ browser, policy: POLICY, auth: {}, logger: silentLogger(), ...options });
function shot(path: string, overrides: Partial<ScreenshotRequest> = {}): ScreenshotRequest {
  return { url: `${pages.origin}${path}`, width: 400, height: 300, scale: 1, selector: '#chart', fullPage: false, waitFor: null, waitForGone: null, ...overrides };
}
const captureError = async (p: Promise<unknown>): Promise<CaptureError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof CaptureError) return err;
    throw err;
  }
  throw new Error('the capture succeeded');
};
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe('what one capture leaves for the next', () => {
  it('a login the page gave XHR is not sent with the next capture’s page', async () => {
    logins.length = 0;
    await shots().capture(shot('/logs-in', { waitFor: '#done' }), minute());
    expect(logins.map((l) => l.authorization)).toContain(PASSWORD);
    logins.length = 0;
    const err = await captureError(shots().capture(shot('/admin'), minute()));
    // Without a login Chromium gives up on the challenge page itself (a fresh context does so too).
    expect(err.message).toMatch(/could not be opened \(ERR_INVALID_AUTH_CREDENTIALS\)|answered HTTP 401/);
    expect(logins).toEqual([{ path: '/admin', authorization: null }]);
  });

  it.each([
    ['a dedicated worker', '/logs-in-worker'],
    ['a shared worker', '/logs-in-shared-worker'],
  ])('nor one %s gave XHR', async (_, path) => {
    logins.length = 0;
    await shots().capture(shot(path, { waitFor: '#done' }), minute());
    expect(logins.map((l) => l.authorization)).toContain(PASSWORD);
    logins.length = 0;
    const err = await captureError(shots().capture(shot('/admin'), minute()));
    expect(err.message).toMatch(/could not be opened \(ERR_INVALID_AUTH_CREDENTIALS\)|answered HTTP 401/);
    expect(logins).toEqual([{ path: '/admin', authorization: null }]);
  });

  it('a cross-site frame’s storage does not reach the next capture', async () => {
    frameReads.length = 0;
    await shots().capture(shot('/embeds-widget?write', { waitFor: '#done' }), minute());
    // Written, and read back within that capture.
    expect(frameReads).toEqual(['ls=victim-widget-token ss=victim-widget-token']);
    await shots().capture(shot('/embeds-widget', { waitFor: '#done' }), minute());
    expect(frameReads.slice(1)).toEqual(['ls=null ss=null']);
  });

  it('a user name and password in the URL are refused before anything opens', async () => {
    logins.length = 0;
    const withLogin = { ...shot('/private'), url: `${pages.origin}/private`.replace('http://', 'http://admin:hunter2@') };
    const err = await captureError(shots().capture(withLogin, minute()));
    expect(err.message).toBe('the screenshot URL is not allowed: the address holds a user name or password; logins to dashboards are set by an admin (screenshots.auth)');
    expect(logins).toEqual([]);
  });
});

describe('bounds on a capture', () => {
  it('cuts a whole page 120,000 px tall to the most pixels a screenshot has', async () => {
    const png = await shots().capture(shot('/tall', { selector: null, fullPage: true, width: 1280, height: 800 }), minute());
    const { width, height } = pngSize(png);
    expect(width).toBe(1280);
    expect(width * height).toBeLessThanOrEqual(MAX_CAPTURE_PIXELS);
    expect(height).toBeGreaterThan(800);
  }, 90_000);

  it('cuts an element of 16,000 × 16,000 px, and a viewport at scale 3', async () => {
    const element = pngSize(await shots().capture(shot('/huge-element', { width: 1920, height: 1080 }), minute()));
    expect(element.width * element.height).toBeLessThanOrEqual(MAX_CAPTURE_PIXELS);
    const viewport = pngSize(await shots().capture(shot('/', { selector: null, width: 4096, height: 8192, scale: 3 }), minute()));
    expect(viewport.width).toBe(4096 * 3);
    expect(viewport.width * viewport.height).toBeLessThanOrEqual(MAX_CAPTURE_PIXELS);
  }, 90_000);

  it('answers a dialog the page opens after loading, and takes the picture', async () => {
    const png = await shots().capture(shot('/alerts'), minute());
    expect(pngSize(png)).toEqual({ width: 200, height: 100 });
  });

  it('gives up on a page whose script never yields, within its own deadline, and the next capture works', async () => {
    const err = await captureError(shots({ shotTimeoutMs: 3_000 }).capture(shot('/busy'), minute()));
    expect(err.message).toMatch(/kept its browser busy for 3 s while the screenshot was taken/);
    expect(pngSize(await shots().capture(shot('/'), minute()))).toEqual({ width: 200, height: 100 });
  }, 60_000);

  it('opens no DevTools port: Chromium is driven over a pipe', async () => {
    const args = await browser.withPage(async (page) => page.browser().process()?.spawnargs ?? [], minute());
    expect(args).toContain('--remote-debugging-pipe');
    expect(args.filter((a) => a.startsWith('--remote-debugging-port'))).toEqual([]);
  });
});
