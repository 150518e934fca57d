// Lookout's Slack clients call Slack through createSlackFetch (undici's request, not Node's
// fetch). The real WebClient over it, against a local HTTP server that answers as Slack's edge
// can: what WebClient reads from an answer (JSON, status, Retry-After, headers) arrives intact,
// and each way a call can fail is still told apart as before (classifySlackError).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebAPIRateLimitedError, type FetchFunction, type WebClient } from '@slack/web-api';
import { createSlackClient } from '../../../src/slack-api/client.js';
import { classifySlackError } from '../../../src/slack-api/slack-errors.js';
import { createSlackFetch } from '../../../src/slack-api/slack-fetch.js';
import { silentLogger } from '../../../src/logger.js';
import { freePort } from '../../support/ports.js';

interface Seen {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
/** What the server answers for a method (the path's last part). */
const answers = new Map<string, (res: ServerResponse) => void>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const method = (req.url ?? '').split('/').pop() ?? '';
      const answer = answers.get(method);
      if (answer) return answer(res);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-oauth-scopes': 'chat:write,files:write' });
      res.end(JSON.stringify({ ok: true, channel: 'C0ALERTS1', ts: '1700000000.000100', text: 'héllo ✓' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const client = (options: { timeoutMs?: number; maxResponseBytes?: number; url?: string; sameRealm?: boolean } = {}): WebClient => {
  const fetch = createSlackFetch(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {});
  return createSlackClient({
    token: 'xoxb-test-token',
    slackApiUrl: options.url ?? base,
    logger: silentLogger(),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.sameRealm === true ? { fetch: sameRealm(fetch) } : options.maxResponseBytes !== undefined ? { fetch } : {}),
  });
};

/**
 * The fetch, its failures re-made as this realm's Errors. Under Jest's VM, Node's own errors
 * (a socket's ECONNREFUSED, AbortSignal's DOMException) are not `instanceof Error` for WebClient,
 * which then keeps only String(error); outside Jest there is one realm and this changes nothing.
 */
const sameRealm =
  (fetch: FetchFunction): FetchFunction =>
  async (url, init) => {
    try {
      return await fetch(url, init);
    } catch (err) {
      const e = err as { name?: string; message?: string; code?: string; syscall?: string };
      throw Object.assign(new Error(e.message ?? String(err)), { name: e.name ?? 'Error', code: e.code, syscall: e.syscall });
    }
  };

const failure = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (err) {
    return classifySlackError(err);
  }
  throw new Error('the call succeeded');
};

describe('createSlackFetch under WebClient', () => {
  it('sends the call as WebClient builds it and reads the JSON answer and its headers', async () => {
    seen.length = 0;
    const result = await client().chat.postMessage({ channel: 'C0ALERTS1', text: 'Payments stuck — 42', blocks: [{ type: 'divider' }] });
    expect(result).toMatchObject({ ok: true, channel: 'C0ALERTS1', ts: '1700000000.000100', text: 'héllo ✓' });
    // WebClient reads the granted scopes from the answer's headers.
    expect(result.response_metadata?.scopes).toEqual(['chat:write', 'files:write']);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.path).toBe('/api/chat.postMessage');
    expect(seen[0]!.headers.authorization).toBe('Bearer xoxb-test-token');
    expect(seen[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(seen[0]!.body);
    expect(form.get('text')).toBe('Payments stuck — 42');
    expect(JSON.parse(form.get('blocks') ?? 'null')).toEqual([{ type: 'divider' }]);
  });

  it('hands a 429 back with its Retry-After', async () => {
    answers.set('chat.update', (res) => {
      res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
      res.end('{"ok":false,"error":"ratelimited"}');
    });
    let caught: unknown;
    await client()
      .chat.update({ channel: 'C0ALERTS1', ts: '1.2', text: 'x' })
      .catch((err: unknown) => (caught = err));
    expect(caught).toBeInstanceOf(WebAPIRateLimitedError);
    expect(classifySlackError(caught)).toEqual({ kind: 'rate_limited', retryAfterS: 7 });
  });

  it('names an HTTP failure by its status, as Node would', async () => {
    answers.set('chat.delete', (res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html>upstream down</html>');
    });
    expect(await failure(client().chat.delete({ channel: 'C0ALERTS1', ts: '1.2' }))).toEqual({
      kind: 'http',
      status: 503,
      ambiguous: true,
      message: 'Slack answered HTTP 503 (Service Unavailable)',
    });
  });

  it('turns a redirect into a failure instead of following it', async () => {
    const forbidden = createServer((_, res) => res.end('{"ok":true}'));
    await new Promise<void>((resolve) => forbidden.listen(0, '127.0.0.1', resolve));
    const elsewhere = `http://127.0.0.1:${(forbidden.address() as AddressInfo).port}/`;
    let followed = false;
    forbidden.on('request', () => (followed = true));
    answers.set('chat.getPermalink', (res) => {
      res.writeHead(302, { location: elsewhere });
      res.end();
    });
    const cls = await failure(client().chat.getPermalink({ channel: 'C0ALERTS1', message_ts: '1.2' }));
    forbidden.close();
    expect(cls).toMatchObject({ kind: 'http', status: 302 });
    expect(followed).toBe(false);
  });

  it('says a silent Slack did not answer in time', async () => {
    answers.set('conversations.info', () => undefined);
    expect(await failure(client({ timeoutMs: 200, sameRealm: true }).conversations.info({ channel: 'C0ALERTS1' }))).toEqual({
      kind: 'network',
      sent: true,
      message: 'Slack did not answer in time',
    });
  });

  it('says nothing was sent when nothing listens', async () => {
    const port = await freePort();
    const down = client({ url: `http://127.0.0.1:${port}/api/`, sameRealm: true });
    expect(await failure(down.auth.test())).toEqual({ kind: 'network', sent: false, message: 'Lookout could not connect to Slack (ECONNREFUSED)' });
  });

  it('refuses an answer larger than its cap, and the next call works', async () => {
    answers.set('users.list', (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, members: Array.from({ length: 500 }, (_, i) => ({ id: `U${i}`, name: 'x'.repeat(40) })) }));
    });
    const small = client({ maxResponseBytes: 4096 });
    const cls = await failure(small.users.list({}));
    expect(cls).toMatchObject({ kind: 'network', sent: true });
    expect(cls.kind === 'network' && cls.message).toContain('UND_ERR_RES_EXCEEDED_MAX_SIZE');
    await expect(small.auth.test()).resolves.toMatchObject({ ok: true });
  });
});
