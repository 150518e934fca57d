// Request bodies as WebClient and Bolt send them: form-encoded Web API calls whose nested
// values (blocks, view, files, …) are JSON strings, JSON bodies (response_url posts, other
// clients), and multipart uploads (filesUploadV2 posts the bytes as field `body`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Json } from './records.js';

/** Fields Slack takes as JSON inside form bodies; decoded so tests see objects. */
const JSON_FIELDS = new Set(['blocks', 'view', 'attachments', 'files', 'metadata', 'unfurls', 'file_uploads']);

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Web API arguments from the query string and a form or JSON body, nested JSON decoded. */
export function parseArgs(req: IncomingMessage, raw: Buffer): Json {
  const args: Json = {};
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  for (const [key, value] of url.searchParams) args[key] = value;
  const type = contentType(req);
  if (type === 'application/json' && raw.length > 0) {
    Object.assign(args, JSON.parse(raw.toString('utf8')) as Json);
  } else if (raw.length > 0) {
    for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) args[key] = value;
  }
  for (const key of Object.keys(args)) {
    const value = args[key];
    if (JSON_FIELDS.has(key) && typeof value === 'string' && /^\s*[[{]/.test(value)) {
      try {
        args[key] = JSON.parse(value);
      } catch {
        // Leave it as sent: the method answers invalid_arguments / invalid_blocks.
      }
    }
  }
  return args;
}

/** Multipart fields: files as Buffers (with their file name), strings as strings. */
export async function parseMultipart(req: IncomingMessage, raw: Buffer): Promise<Map<string, { value: Buffer | string; filename?: string }>> {
  // Node's fetch Response parses multipart/form-data for us; no parser to maintain here.
  const form = await new Response(raw, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
  const fields = new Map<string, { value: Buffer | string; filename?: string }>();
  for (const [key, value] of form.entries()) {
    if (typeof value === 'string') fields.set(key, { value });
    else fields.set(key, { value: Buffer.from(await value.arrayBuffer()), filename: value.name });
  }
  return fields;
}

export function contentType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
