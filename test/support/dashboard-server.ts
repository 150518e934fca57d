// A real HTTP server standing in for the dashboards people screenshot: fixed shapes and
// colours the tests can find in the PNG, a spinner, a slow page, redirects and a page that
// shows whether credentials arrived.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DashboardServer {
  /** http://127.0.0.1:<port><path> */
  url(path: string): string;
  /** Path and query of every request, in order. */
  requests: string[];
  /** Resolves once a request for `path` (query ignored) has arrived. */
  waitForRequest(path: string): Promise<void>;
  close(): Promise<void>;
}

const page = (body: string, style = '') =>
  `<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;background:#fff}${style}</style></head><body>${body}</body></html>`;

const PAGES: Record<string, string> = {
  '/dashboard': page(
    '<h1>Orders</h1><p>Stuck payments by hour</p><div id="chart"></div>',
    '#chart{position:absolute;left:40px;top:120px;width:600px;height:300px;background:#0000ff}',
  ),
  // Dashboards show a loader, then swap in the data: the capture must wait past it.
  '/spinner': page(
    `<div id="spinner"></div><script>
      setTimeout(() => {
        document.getElementById('spinner').remove();
        const ready = document.createElement('div');
        ready.className = 'ready';
        document.body.appendChild(ready);
      }, 2000);
    </script>`,
    '#spinner{width:400px;height:400px;background:#ff0000}.ready{width:400px;height:400px;background:#00ff00}',
  ),
  '/never': page('<h1>Nothing to wait for here</h1>'),
  // Data fetched by a dedicated worker: the chart appears once the worker's request answers.
  '/worker-dashboard': page(
    `<script>
      const worker = new Worker('/data-worker.js');
      worker.onmessage = (e) => { const chart = document.createElement('div'); chart.id = 'chart'; chart.textContent = e.data; document.body.appendChild(chart); };
    </script>`,
    '#chart{width:300px;height:200px;background:#0000ff}',
  ),
  '/blank': page(''),
  // Its load handler fetches three pieces of data at once, slowly, and only then paints the
  // chart green: a capture must count the burst, though it starts after the load event.
  '/after-load': page(
    `<div id="chart"></div><script>
      addEventListener('load', () => {
        Promise.all([1, 2, 3].map((i) => fetch('/slow-data?part=' + i).then((r) => r.text()))).then(() => {
          document.getElementById('chart').style.background = '#00ff00';
        });
      });
    </script>`,
    '#chart{width:300px;height:200px;background:#ff0000}',
  ),
};

export async function startDashboardServer(): Promise<DashboardServer> {
  const requests: string[] = [];
  const waiters: { path: string; resolve: () => void }[] = [];
  const timers = new Set<NodeJS.Timeout>();

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://dashboard.test');
    requests.push(`${url.pathname}${url.search}`);
    for (const w of waiters.filter((w) => w.path === url.pathname)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
    const html = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/data-worker.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      return res.end("fetch('/data.json').then((r) => r.text()).then((t) => postMessage(t));");
    }
    if (url.pathname === '/slow-data') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end('{"orders":42}');
      }, 400);
      timers.add(timer);
      return;
    }
    if (url.pathname === '/data.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return res.end('{"orders":42}');
    }
    const fixed = PAGES[url.pathname];
    if (fixed !== undefined) return html(200, fixed);
    switch (url.pathname) {
      case '/forbidden':
        return html(403, page('<h1>Log in first</h1>'));
      case '/redirect':
        res.writeHead(302, { location: url.searchParams.get('to') ?? '/dashboard' });
        return res.end();
      case '/slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          html(200, page('<h1>Finally</h1>'));
        }, 10_000);
        timers.add(timer);
        return;
      }
      case '/auth': {
        const cookies = (req.headers.cookie ?? '').split(';').map((c) => c.trim().split('=')[0]);
        const arrived = req.headers['x-token'] !== undefined || cookies.includes('session');
        // A green box when credentials came with the request, a red one when they did not.
        return html(200, page('<div id="verdict"></div>', `#verdict{width:200px;height:200px;background:${arrived ? '#00ff00' : '#ff0000'}}`));
      }
      case '/traces': {
        // Green when nothing of an earlier visit came back (cookies set by the server and by the
        // page, local and session storage, IndexedDB, window.name); then it leaves all of them behind, and
        // keeps writing while it is open.
        const came = (req.headers.cookie ?? '') !== '';
        res.setHeader('set-cookie', 'served=1; Path=/');
        return html(
          200,
          page(
            `<div id="verdict"></div><script>
              (async () => {
                const db = await new Promise((ok) => { const r = indexedDB.open('traces'); r.onupgradeneeded = () => r.result.createObjectStore('s'); r.onsuccess = () => ok(r.result); });
                const stored = await new Promise((ok) => { const r = db.transaction('s').objectStore('s').get('k'); r.onsuccess = () => ok(r.result); });
                const clean = ${came ? 'false' : 'true'} && document.cookie === 'served=1' && localStorage.length === 0 && sessionStorage.length === 0 && stored === undefined && window.name === '';
                document.getElementById('verdict').style.background = clean ? '#00ff00' : '#ff0000';
                document.cookie = 'seen=1; path=/';
                sessionStorage.setItem('seen', '1');
                window.name = 'seen';
                db.transaction('s', 'readwrite').objectStore('s').put('1', 'k');
                setInterval(() => localStorage.setItem('seen', String(Date.now())), 5);
              })();
            </script>`,
            '#verdict{width:200px;height:200px;background:#0000ff}',
          ),
        );
      }
      default:
        return html(404, page('<h1>Not found</h1>'));
    }
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    waitForRequest(path) {
      if (requests.some((r) => r.split('?')[0] === path)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ path, resolve }));
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
