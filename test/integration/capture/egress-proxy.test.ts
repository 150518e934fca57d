// The egress proxy on its own, spoken to as Chromium does: CONNECT for tunnels, absolute-form
// requests for http. It refuses everything until a capture opens it, forwards only to allowed
// hosts at the address it checked, strips what is meant for it, and cuts every connection on shut.
import { once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEgressProxy, type EgressProxy, type EgressRules } from '../../../src/capture/egress-proxy.js';
import type { LookupAll } from '../../../src/capture/url-guard.js';
import { silentLogger } from '../../../src/logger.js';

let proxy: EgressProxy;
let web: Server;
let webPort: number;
const webSeen: { path: string; headers: IncomingHttpHeaders }[] = [];
/** An echo server: what a tunnel reaches. */
let echo: ReturnType<typeof createTcpServer>;
let echoPort: number;
let echoConnections = 0;

// dash.test exists only for the proxy's resolver (the system's cannot resolve it).
const lookup: LookupAll = async (hostname) => {
  if (hostname === 'dash.test') return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
};
const refused: { host: string; reason: string }[] = [];
const rules: EgressRules = { policy: { allowedHosts: ['dash.test'], allowLoopback: true }, lookup, onRefused: (host, reason) => void refused.push({ host, reason }) };

beforeAll(async () => {
  proxy = await startEgressProxy({ logger: silentLogger() });
  web = createServer((req, res) => {
    webSeen.push({ path: req.url ?? '', headers: req.headers });
    res.end('hello');
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  webPort = (web.address() as AddressInfo).port;
  echo = createTcpServer((socket) => {
    echoConnections += 1;
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as AddressInfo).port;
});

afterAll(async () => {
  await proxy.close();
  web.closeAllConnections();
  await new Promise<void>((resolve) => web.close(() => resolve()));
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

const proxyPort = () => Number(new URL(proxy.url).port);

/** An absolute-form GET through the proxy: status and body. */
async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  // A connection per request: the proxy cuts its connections whenever a capture starts or ends.
  const req = request({ host: '127.0.0.1', port: proxyPort(), path: url, agent: false, headers: { host: new URL(url).host, ...headers } });
  req.end();
  const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
  let body = '';
  for await (const chunk of res) body += String(chunk);
  return { status: res.statusCode ?? 0, body };
}

/** A CONNECT through the proxy: the status line, and the socket when it was let through. */
async function tunnel(authority: string): Promise<{ status: string; socket: Socket }> {
  const socket = connect(proxyPort(), '127.0.0.1');
  await once(socket, 'connect');
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  const [data] = (await once(socket, 'data')) as [Buffer];
  return { status: data.toString('latin1').split('\r\n')[0] ?? '', socket };
}

describe('the egress proxy', () => {
  it('refuses everything while no capture has it open', async () => {
    await expect(get(`http://dash.test:${webPort}/closed`)).resolves.toMatchObject({ status: 403 });
    const { status, socket } = await tunnel(`dash.test:${echoPort}`);
    expect(status).toBe('HTTP/1.1 403 Forbidden');
    socket.destroy();
    expect(webSeen).toEqual([]);
    expect(echoConnections).toBe(0);
    expect(refused).toEqual([]); // nothing to report to while no capture runs
  });

  it('forwards plain http to the address it resolved, without what was meant for the proxy', async () => {
    proxy.open(rules);
    const answer = await get(`http://dash.test:${webPort}/page?q=1`, { 'proxy-authorization': 'Basic eA==', 'proxy-connection': 'keep-alive', 'x-kept': 'yes' });
    expect(answer).toEqual({ status: 200, body: 'hello' });
    const seen = webSeen.at(-1)!;
    expect(seen.path).toBe('/page?q=1');
    expect(seen.headers).toMatchObject({ host: `dash.test:${webPort}`, 'x-kept': 'yes' });
    expect(seen.headers['proxy-authorization']).toBeUndefined();
    expect(seen.headers['proxy-connection']).toBeUndefined();
    proxy.shut();
  });

  it('refuses a host off the allow-list, and says why', async () => {
    proxy.open(rules);
    const before = webSeen.length;
    await expect(get(`http://localhost:${webPort}/`)).resolves.toMatchObject({ status: 403 });
    const { status, socket } = await tunnel(`127.0.0.1:${echoPort}`);
    socket.destroy();
    expect(status).toBe('HTTP/1.1 403 Forbidden');
    expect(webSeen.length).toBe(before);
    expect(echoConnections).toBe(0);
    expect(refused).toEqual([
      { host: 'localhost', reason: 'localhost is not in screenshots.allowedHosts in lookout.config.yml' },
      { host: '127.0.0.1', reason: '127.0.0.1 is not in screenshots.allowedHosts in lookout.config.yml' },
    ]);
    proxy.shut();
  });

  it('tunnels to an allowed host, and cuts the tunnel when the capture ends', async () => {
    proxy.open(rules);
    const { status, socket } = await tunnel(`dash.test:${echoPort}`);
    expect(status).toBe('HTTP/1.1 200 Connection Established');
    socket.write('ping');
    const [echoed] = (await once(socket, 'data')) as [Buffer];
    expect(echoed.toString()).toBe('ping');
    const closed = once(socket, 'close');
    expect(proxy.shut()).toEqual([{ scheme: 'tunnel', host: 'dash.test', port: echoPort }]);
    await closed;
    // Refused again at once.
    const again = await tunnel(`dash.test:${echoPort}`);
    again.socket.destroy();
    expect(again.status).toBe('HTTP/1.1 403 Forbidden');
  });
});
