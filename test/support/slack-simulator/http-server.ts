// One HTTP server on 127.0.0.1 for everything: /api/<method>, /upload/<file id>,
// /response/<id>, and the Socket Mode upgrade on /socket.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SimulatorCore } from './core.js';
import { readBody, sendJson, sendText } from './http-body.js';
import { serveRecorded } from './recorded-endpoint.js';
import type { Json } from './records.js';
import { handleUpload } from './uploads.js';
import { handleWebApi } from './web-api.js';

export function createHttpServer(core: SimulatorCore): Server {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const [, area, name] = path.split('/');
    const route = async (): Promise<void> => {
      if (area === 'api' && name) return handleWebApi(core, req, res, name);
      if (area === 'upload' && name && req.method === 'POST') return handleUpload(core, req, res, name);
      if (area === 'response' && name && req.method === 'POST') return handleResponseUrl(core, req, res, name);
      sendText(res, 404, 'Not Found');
    };
    route().catch((error: unknown) => {
      console.error('slack-simulator: request failed', error);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'simulator_error' });
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname === '/socket') core.socket.handleUpgrade(req, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });
  return server;
}

/** POST /response/<id>: what the app sends to a response_url (JSON, as Bolt's respond() sends). */
async function handleResponseUrl(core: SimulatorCore, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  const raw = await readBody(req);
  let body: Json;
  try {
    body = JSON.parse(raw.toString('utf8')) as Json;
  } catch {
    sendJson(res, 400, { ok: false, error: 'invalid_json' });
    return;
  }
  await serveRecorded(core, res, { method: 'response_url', args: { id, ...body }, tokenKind: 'none' }, () =>
    core.responseUrls.receive(id, body) ? { status: 200, body: { ok: true } } : { status: 404, body: { ok: false, error: 'expired_url' } },
  );
}
