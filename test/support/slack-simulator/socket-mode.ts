// Socket Mode's server side: one-time URLs from apps.connections.open, the hello frame,
// envelopes to one connection at a time (round-robin), acks awaited within Slack's 3 s,
// abrupt drops, and a shutdown that waits for each socket's close (SLACK-NOTES: closing at
// once leaves the Bolt client waiting 30 s for the close handshake).
// https://docs.slack.dev/apis/events-api/using-socket-mode
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { CallLog, EnvelopeRecord } from './call-log.js';
import type { Ids } from './ids.js';
import type { Json } from './records.js';

interface Pending {
  resolve(payload: Json): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  record: EnvelopeRecord;
}

interface Connection {
  n: number;
  ws: WebSocket;
  ready: boolean;
  pending: Map<string, Pending>;
}

export interface SocketModeDeps {
  log: CallLog;
  ids: Ids;
  appId: string;
  ackTimeoutMs: number;
  origin(): string;
}

/** How long stop() waits for a client to finish the close handshake before cutting it. */
const CLOSE_GRACE_MS = 2000;

export class SocketModeServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private connections: Connection[] = [];
  private readonly closing = new Set<Promise<void>>();
  private opened = 0;
  private turn = 0;
  private stopping = false;

  constructor(private readonly deps: SocketModeDeps) {}

  /** A one-time `ws://…/socket?ticket=…` URL, as apps.connections.open returns. */
  issueUrl(): string {
    const ticket = this.deps.ids.envelope();
    this.tickets.add(ticket);
    return `${this.deps.origin().replace(/^http/, 'ws')}/socket?ticket=${ticket}`;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const ticket = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('ticket') ?? '';
    if (this.stopping) {
      // A reconnection racing stop() would leave a socket nobody waits for.
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  /** Open connections that got their hello. */
  readyCount(): number {
    return this.connections.filter((c) => c.ready).length;
  }

  /** Connections accepted since start, reconnections included. */
  openedCount(): number {
    return this.opened;
  }

  waitForConnection(timeoutMs: number): Promise<void> {
    return this.deps.log.waitUntil(() => this.readyCount() > 0, timeoutMs, 'a Socket Mode connection').then(() => undefined);
  }

  /** Sends an envelope to the next connection and resolves with the ack's payload. */
  send(type: EnvelopeRecord['type'], payload: Json, acceptsResponsePayload: boolean): Promise<Json> {
    const ready = this.connections.filter((c) => c.ready);
    if (ready.length === 0) {
      return Promise.reject(new Error(`slack-simulator: no Socket Mode connection to deliver ${type} (is the app started? after a drop, await waitForConnection())`));
    }
    const conn = ready[this.turn++ % ready.length] as Connection;
    const envelope_id = this.deps.ids.envelope();
    const record: EnvelopeRecord = { envelope_id, type, payload, connection: conn.n, sentAt: new Date() };
    this.deps.log.addEnvelope(record);
    return new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(() => {
        conn.pending.delete(envelope_id);
        record.failure = 'timeout';
        this.deps.log.changed();
        reject(new Error(`slack-simulator: no ack for ${describe(type, payload)} (envelope ${envelope_id}) within ${this.deps.ackTimeoutMs} ms, Slack's limit`));
      }, this.deps.ackTimeoutMs);
      conn.pending.set(envelope_id, { resolve, reject, timer, record });
      const envelope = { envelope_id, type, payload, accepts_response_payload: acceptsResponsePayload, retry_attempt: 0, retry_reason: '' };
      conn.ws.send(JSON.stringify(envelope));
    });
  }

  /** Cuts every connection without a close frame, as a network failure would. */
  drop(): number {
    const dropped = this.connections;
    this.connections = [];
    for (const conn of dropped) {
      this.fail(conn, 'the socket was dropped before the ack');
      conn.ws.terminate();
    }
    this.deps.log.changed();
    return dropped.length;
  }

  /** Closes every socket with a close frame and waits until each has closed. */
  async close(): Promise<void> {
    this.stopping = true;
    const sockets = this.connections.map((c) => c.ws);
    for (const conn of this.connections) {
      this.fail(conn, 'the simulator stopped before the ack');
      if (conn.ws.readyState === WebSocket.OPEN) conn.ws.close(1001, 'simulator stopping');
    }
    // Sockets already closing (the app called stop()) finish their handshake; cut any that stall.
    const grace = setTimeout(() => sockets.forEach((ws) => ws.terminate()), CLOSE_GRACE_MS);
    await Promise.all([...this.closing]);
    clearTimeout(grace);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    const conn: Connection = { n: ++this.opened, ws, ready: false, pending: new Map() };
    this.connections.push(conn);
    this.closing.add(this.closed(conn));
    ws.on('message', (data) => this.onAck(conn, data.toString()));
    ws.on('error', () => undefined); // a client cut mid-frame; 'close' follows
    const hello = {
      type: 'hello',
      num_connections: this.readyCount() + 1,
      debug_info: { host: 'applink-slack-simulator', build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: this.deps.appId },
    };
    ws.send(JSON.stringify(hello), () => {
      conn.ready = ws.readyState === WebSocket.OPEN;
      this.deps.log.changed();
    });
  }

  /** Resolves once the socket has closed (ws emits 'close' after the TCP socket ends). */
  private closed(conn: Connection): Promise<void> {
    const promise = new Promise<void>((resolve) => {
      conn.ws.on('close', () => {
        this.connections = this.connections.filter((c) => c !== conn);
        this.fail(conn, 'the socket closed before the ack');
        this.deps.log.changed();
        resolve();
      });
    });
    void promise.then(() => this.closing.delete(promise));
    return promise;
  }

  private onAck(conn: Connection, text: string): void {
    let message: Json;
    try {
      message = JSON.parse(text) as Json;
    } catch {
      return;
    }
    const id = message.envelope_id;
    const pending = typeof id === 'string' ? conn.pending.get(id) : undefined;
    if (!pending || typeof id !== 'string') return;
    conn.pending.delete(id);
    clearTimeout(pending.timer);
    const payload = message.payload && typeof message.payload === 'object' ? (message.payload as Json) : {};
    pending.record.ack = payload;
    pending.record.ackedAt = new Date();
    this.deps.log.changed();
    pending.resolve(payload);
  }

  private fail(conn: Connection, why: string): void {
    for (const [id, pending] of conn.pending) {
      clearTimeout(pending.timer);
      pending.record.failure = why;
      pending.reject(new Error(`slack-simulator: ${describe(pending.record.type, pending.record.payload)} (envelope ${id}): ${why}`));
    }
    conn.pending.clear();
  }
}

function describe(type: string, payload: Json): string {
  if (type === 'slash_commands') return `slash command ${String(payload.command)} "${String(payload.text)}"`;
  if (type === 'interactive') return `${String(payload.type)} interaction`;
  const event = payload.event as Json | undefined;
  return `${String(event?.type)} event`;
}
