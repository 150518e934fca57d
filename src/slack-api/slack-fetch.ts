// The fetch WebClient calls Slack through. Node's fetch builds WHATWG streams and a Response for
// every call; undici's `request` (the same HTTP client underneath, and what Slack's own Socket
// Mode client uses) does not, and costs less than half the CPU per Web API call
// (bench/slack-fetch.ts; DESIGN.md "A lighter fetch for Slack calls"). WebClient's fetch
// option asks only for the small FetchResponse below.
import { STATUS_CODES } from 'node:http';
import type { FetchFunction } from '@slack/web-api';
import { Agent, request } from 'undici';

// WebClient exports the function's type only.
type FetchRequestInit = NonNullable<Parameters<FetchFunction>[1]>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/** Slack's answers are JSON of at most a few MB (a page of a list); anything larger is refused. */
export const SLACK_RESPONSE_MAX_BYTES = 32 * 1024 * 1024;

/** A FetchFunction over its own connection pool; string bodies (every Web API call) go through `request`. */
export function createSlackFetch({ maxResponseBytes = SLACK_RESPONSE_MAX_BYTES }: { maxResponseBytes?: number } = {}): FetchFunction {
  const dispatcher = new Agent({ maxResponseSize: maxResponseBytes });
  return async (url: string | URL, init: FetchRequestInit = {}): Promise<FetchResponse> => {
    // A multipart body (WebClient's own file uploads, which Lookout does not use) keeps fetch.
    if (init.body !== undefined && typeof init.body !== 'string') return fetch(url, init as RequestInit);
    const res = await request(url, {
      method: (init.method ?? 'GET') as 'GET' | 'POST',
      headers: init.headers,
      body: init.body,
      signal: init.signal,
      dispatcher,
    });
    // Read whole at once: a body left unread would hold its connection.
    const bytes = new Uint8Array(await res.body.arrayBuffer());
    const headers = res.headers;
    const header = (name: string): string | null => {
      const value = headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    };
    const text = () => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    return {
      ok: res.statusCode >= 200 && res.statusCode < 300,
      status: res.statusCode,
      statusText: STATUS_CODES[res.statusCode] ?? '',
      url: String(url),
      headers: {
        get: header,
        entries: () => Object.keys(headers).map((name): [string, string] => [name, header(name) ?? '']),
      },
      arrayBuffer: () => Promise.resolve(bytes.slice().buffer),
      text: () => Promise.resolve(text()),
      json: () => Promise.resolve(JSON.parse(text()) as unknown),
    };
  };
}
