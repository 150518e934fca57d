// The browser's only way out. Each browser context Lookout opens sends all of its traffic here
// (Chromium's per-context proxyServer): pages, popups, iframes, dedicated/shared/service workers,
// WebSockets (Chromium tunnels ws:// and wss:// with CONNECT), beacons, keepalive fetches,
// prefetch/preconnect, and WebRTC's TURN over TCP (UDP is off: browser.ts). A connection goes
// through only to an allowed host, and to the very address checked (url-guard.ts checkHost), so a
// name that answers differently after the check (DNS rebinding) gains nothing; Chromium cannot
// resolve names itself (browser.ts). Until a capture opens the proxy it refuses everything, and
// closing it cuts every connection it carries: nothing a capture started can talk after it ended.
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logger.js';
import { checkHost, type HostVerdict, type LookupAll, type UrlPolicy } from './url-guard.js';

/** What one capture may reach, and where its refusals go. */
export interface EgressRules {
  policy: UrlPolicy;
  /** A connection was refused: the host (never a path or query) and why. */
  onRefused(host: string, reason: string): void;
  /** Name resolution; tests pass a fake. */
  lookup?: LookupAll;
}

/** Where a capture's connections went: scheme ("http" or "tunnel", i.e. https/wss), host and port. */
export interface Reached {
  scheme: 'http' | 'tunnel';
  host: string;
  port: number;
}

export interface EgressProxy {
  /** "http://127.0.0.1:<port>", Chromium's proxyServer for one browser context. */
  readonly url: string;
  /** Lets connections allowed by `rules` through, until `shut`. */
  open(rules: EgressRules): void;
  /** Refuses everything again and cuts every connection; returns where the capture went. */
  shut(): Reached[];
  /** Shuts, and stops listening. */
  close(): Promise<void>;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) and the proxy's own: never forwarded.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = new Set(String(headers.connection ?? '').toLowerCase().split(',').map((h) => h.trim()));
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !named.has(name)));
}

/** "host:port" or "[v6]:port" of a CONNECT, normalised the way URLs are; null if malformed. */
export function parseAuthority(authority: string): { host: string; port: number } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:/?#@[\]]+):(\d{1,5})$/.exec(authority);
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  try {
    return { host: new URL(`http://${m[1]}/`).hostname, port };
  } catch {
    return null;
  }
}

const CONNECT_TIMEOUT_MS = 10_000;

export async function startEgressProxy({ logger: log }: { logger: Logger }): Promise<EgressProxy> {
  /** Null while no capture runs: everything is refused. */
  let rules: EgressRules | null = null;
  /** One check per host while a capture runs, so all its connections to a name use one address. */
  let verdicts = new Map<string, Promise<HostVerdict>>();
  let reached = new Map<string, Reached>();
  /** Every socket in either direction, so shutting can cut them all. */
  let sockets = new Set<Duplex>();
  let agent = new Agent({ keepAlive: true });
  let closed = false;

  const tracked = new WeakSet<Duplex>();
  function track(socket: Duplex): void {
    sockets.add(socket);
    // Keep-alive sockets come back for each request: listen once.
    if (tracked.has(socket)) return;
    tracked.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A reset from either end is ordinary; each handler below cleans up on 'close'.
    socket.on('error', () => undefined);
  }

  /** The address to connect to, or a refusal. */
  async function decide(host: string): Promise<{ ok: true; address: string } | { ok: false; reason: string }> {
    const current = rules;
    if (current === null) return { ok: false, reason: 'no capture is running' };
    let verdict = verdicts.get(host);
    if (!verdict) {
      verdict = checkHost(host, current.policy, current.lookup);
      verdicts.set(host, verdict);
    }
    const result = await verdict;
    // The capture may have ended while the name resolved.
    if (rules !== current) return { ok: false, reason: 'the capture ended' };
    if (!result.ok) {
      current.onRefused(host.replace(/^\[|\]$/g, ''), result.reason);
      return result;
    }
    return { ok: true, address: result.addresses[0]! };
  }

  /** Plain http: an absolute-form request ("GET http://host:port/path"), forwarded to the checked address. */
  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (target.protocol !== 'http:') {
      res.writeHead(400).end();
      return;
    }
    const port = Number(target.port || 80);
    const decision = await decide(target.hostname);
    if (!decision.ok) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('refused by Lookout');
      return;
    }
    reached.set(`http ${target.hostname} ${port}`, { scheme: 'http', host: target.hostname, port });
    const headers = endToEnd(req.headers);
    headers.host ??= target.host;
    const upstream = httpRequest({
      host: decision.address,
      port,
      method: req.method,
      path: `${target.pathname}${target.search}`,
      // The Host header names the site; the connection goes to the checked address.
      headers,
      setHost: false,
      agent,
    });
    upstream.on('socket', track);
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(upstream);
  }

  /** https and wss (and ws: Chromium tunnels it too): CONNECT host:port, piped to the checked address. */
  async function tunnel(req: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    const target = parseAuthority(req.url ?? '');
    if (!target) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const decision = await decide(target.host);
    if (!decision.ok || client.destroyed) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    reached.set(`tunnel ${target.host} ${target.port}`, { scheme: 'tunnel', ...target });
    const upstream: Socket = connect({ host: decision.address, port: target.port, timeout: CONNECT_TIMEOUT_MS });
    track(upstream);
    let connected = false;
    upstream.once('timeout', () => upstream.destroy());
    upstream.once('connect', () => {
      connected = true;
      upstream.setTimeout(0);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.once('close', () => {
      if (connected) client.destroy();
      else client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    client.once('close', () => upstream.destroy());
  }

  const server = createServer((req, res) => {
    forward(req, res).catch((err: unknown) => {
      log.debug({ err }, 'egress proxy request failed');
      res.destroy();
    });
  });
  server.on('connection', track);
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    track(client);
    tunnel(req, client, head).catch((err: unknown) => {
      log.debug({ err }, 'egress proxy tunnel failed');
      client.destroy();
    });
  });
  // Chromium sends WebSockets through CONNECT; an absolute-form Upgrade is nothing it sends.
  server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => {
    track(socket);
    socket.end('HTTP/1.1 501 Not Implemented\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  function shut(): Reached[] {
    rules = null;
    verdicts = new Map();
    const went = [...reached.values()];
    reached = new Map();
    const cut = sockets;
    sockets = new Set();
    for (const socket of cut) socket.destroy();
    agent.destroy();
    agent = new Agent({ keepAlive: true });
    return went;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    open(next) {
      if (closed) throw new Error('the egress proxy is closed');
      shut();
      rules = next;
    },
    shut,
    async close() {
      closed = true;
      shut();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
