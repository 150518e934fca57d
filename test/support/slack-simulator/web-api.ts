// POST /api/<method>: token check, scope check, the method, Slack's JSON answer with the
// X-OAuth-Scopes header (read by `/alert doctor` from auth.test), all through the fault
// rules and into the call log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallRecord } from './call-log.js';
import { parseArgs, readBody } from './http-body.js';
import { type MethodContext, SlackApiError } from './methods/context.js';
import { METHODS } from './methods/index.js';
import type { Answer } from './recorded-endpoint.js';
import { serveRecorded } from './recorded-endpoint.js';
import type { Json } from './records.js';
import type { SimulatorCore } from './core.js';

export function tokenKind(core: SimulatorCore, req: IncomingMessage, args: Json): CallRecord['tokenKind'] {
  const header = req.headers.authorization;
  const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
  // Bolt's auth.test sends the token in the body as well; the body wins, as on Slack.
  const token = typeof args.token === 'string' && args.token !== '' ? args.token : bearer;
  if (!token) return 'none';
  if (token === core.botToken) return 'bot';
  if (token === core.appToken) return 'app';
  return 'invalid';
}

export async function handleWebApi(core: SimulatorCore, req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
  const raw = await readBody(req);
  let args: Json;
  try {
    args = parseArgs(req, raw);
  } catch {
    args = { raw: raw.toString('utf8') };
  }
  const kind = tokenKind(core, req, args);
  // Keep tokens out of the log: tests compare args and a token there is noise.
  const { token: _token, ...logged } = args;
  await serveRecorded(core, res, { method, args: logged, tokenKind: kind }, () => answer(core, method, args, kind));
}

function answer(core: SimulatorCore, method: string, args: Json, kind: CallRecord['tokenKind']): Answer {
  const scopesHeader = kind === 'app' ? 'connections:write' : core.workspace.scopes.join(',');
  const headers: Record<string, string> = kind === 'bot' || kind === 'app' ? { 'x-oauth-scopes': scopesHeader } : {};
  const fail = (error: string, extra: Json = {}): Answer => ({ status: 200, body: { ok: false, error, ...extra }, headers });
  const spec = METHODS[method];
  if (!spec) return fail('unknown_method');
  if (kind === 'none') return fail('not_authed');
  if (kind === 'invalid') return fail('invalid_auth');
  if (kind !== (spec.token ?? 'bot')) return fail('not_allowed_token_type');
  if (spec.scope) {
    headers['x-accepted-oauth-scopes'] = spec.scope;
    if (!core.workspace.hasScope(spec.scope)) return fail('missing_scope', { needed: spec.scope, provided: scopesHeader });
  }
  if (method === 'chat.postMessage') {
    // Slack's pace per channel (pace.ts): too fast is a 429 and nothing is posted.
    const ref = typeof args.channel === 'string' ? args.channel : '';
    const retryAfter = core.pace.take(core.workspace.channel(ref)?.id ?? ref, Date.now());
    if (retryAfter !== null) return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { ...headers, 'retry-after': String(retryAfter) }, paced: retryAfter };
  }
  const ctx: MethodContext = {
    args,
    workspace: core.workspace,
    records: core.records,
    ids: core.ids,
    triggers: core.triggers,
    responseUrls: core.responseUrls,
    origin: core.origin(),
    issueSocketUrl: () => core.socket.issueUrl(),
    defaultPageSize: core.options.pageSize,
  };
  try {
    return { status: 200, body: { ok: true, ...spec.handler(ctx) }, headers };
  } catch (error) {
    if (error instanceof SlackApiError) return fail(error.error, error.extra);
    console.error(`slack-simulator: ${method} failed inside the simulator`, error);
    return { status: 500, body: `slack-simulator internal error in ${method}: ${String(error)}` };
  }
}
