// The upload URL from files.getUploadURLExternal. WebClient 8.2's filesUploadV2 POSTs
// multipart/form-data with the bytes in field `body` (file name "Untitled") and the bot
// token as Bearer; other clients send raw bytes. Both are stored; Slack answers "OK - <n>".
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatorCore } from './core.js';
import { contentType, parseMultipart, readBody } from './http-body.js';
import { serveRecorded } from './recorded-endpoint.js';
import { tokenKind } from './web-api.js';

export async function handleUpload(core: SimulatorCore, req: IncomingMessage, res: ServerResponse, fileId: string): Promise<void> {
  const raw = await readBody(req);
  const type = contentType(req);
  let bytes = raw;
  let field: string | undefined;
  if (type === 'multipart/form-data') {
    const fields = await parseMultipart(req, raw);
    // `body` is what WebClient sends; otherwise take the first file part.
    const chosen = fields.get('body') ? (['body', fields.get('body')] as const) : [...fields.entries()].find(([, f]) => Buffer.isBuffer(f.value));
    if (chosen?.[1]) {
      field = chosen[0];
      bytes = Buffer.isBuffer(chosen[1].value) ? chosen[1].value : Buffer.from(chosen[1].value, 'utf8');
    }
  }
  const args = { file_id: fileId, content_type: type, ...(field ? { field } : {}), bytes: bytes.length };
  await serveRecorded(core, res, { method: 'upload', args, tokenKind: tokenKind(core, req, {}) }, () => {
    const file = core.records.files.get(fileId);
    if (!file) return { status: 404, body: 'Not Found' };
    file.bytes = bytes;
    file.uploaded = true;
    core.records.putFile(file);
    return { status: 200, body: `OK - ${bytes.length}` };
  });
}
