// Hosts a capture must never reach: a TCP and a UDP listener on each of 127.0.0.2, 127.0.0.3, …
// (one address per escape route, so a refusal or a hit says which route it was), plus one on
// 127.0.0.1 that pages name "localhost". None of these names is on the tests' allow-list
// (which holds 127.0.0.1 only). Every TCP connection and UDP datagram is recorded.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface Hit {
  route: string;
  kind: 'tcp' | 'udp';
  /** For a datagram, its first bytes (a STUN or QUIC message), as latin1; empty for TCP. */
  data: string;
}

export interface ForbiddenListener {
  route: string;
  /** The host pages aim at: "127.0.0.N", or "localhost". */
  host: string;
  tcpPort: number;
  udpPort: number;
  /** `${scheme}://host:tcpPort${path}`. */
  url(scheme: string, path?: string): string;
}

export interface ForbiddenListeners {
  byRoute: Map<string, ForbiddenListener>;
  /** Route of a host, for a refusal that names it. */
  routeOf(host: string): string | undefined;
  hits: Hit[];
  /** Emits 'hit' for each connection or datagram. */
  events: EventEmitter;
  close(): Promise<void>;
}

export async function startForbiddenListeners(routes: string[], localhostRoute?: string): Promise<ForbiddenListeners> {
  const hits: Hit[] = [];
  const events = new EventEmitter();
  const servers: Server[] = [];
  const udps: UdpSocket[] = [];
  const sockets = new Set<Socket>();
  const byRoute = new Map<string, ForbiddenListener>();

  async function listen(route: string, bindAddress: string, host: string): Promise<void> {
    const record = (kind: Hit['kind'], data: Buffer) => {
      hits.push({ route, kind, data: data.subarray(0, 120).toString('latin1') });
      events.emit('hit');
    };
    // A connection counts the moment it is made (a preconnect sends nothing); it is then closed,
    // so that a page which did get out still finishes loading and a test fails fast.
    const tcp = createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      record('tcp', Buffer.alloc(0));
      socket.destroy();
    });
    await new Promise<void>((resolve) => tcp.listen(0, bindAddress, resolve));
    servers.push(tcp);
    const udp = createSocket('udp4');
    udp.on('message', (data) => record('udp', data));
    await new Promise<void>((resolve) => udp.bind(0, bindAddress, resolve));
    udps.push(udp);
    const tcpPort = (tcp.address() as AddressInfo).port;
    byRoute.set(route, {
      route,
      host,
      tcpPort,
      udpPort: udp.address().port,
      url: (scheme, path = '/') => `${scheme}://${host}:${tcpPort}${path}`,
    });
  }

  for (const [i, route] of routes.entries()) await listen(route, `127.0.0.${i + 2}`, `127.0.0.${i + 2}`);
  if (localhostRoute) await listen(localhostRoute, '127.0.0.1', 'localhost');
  const routeByHost = new Map([...byRoute.values()].map((l) => [l.host, l.route]));

  return {
    byRoute,
    routeOf: (host) => routeByHost.get(host),
    hits,
    events,
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      for (const udp of udps) udp.close();
    },
  };
}
