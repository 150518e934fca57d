// What a Web API method handler gets, and the small argument helpers they share. A handler
// returns the success body (without `ok`) or throws SlackApiError for `{ ok: false, error }`.
import type { Ids } from '../ids.js';
import type { Json, Records } from '../records.js';
import type { ResponseUrls } from '../response-urls.js';
import type { Triggers } from '../triggers.js';
import type { SimChannel, Workspace } from '../workspace.js';

export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Json = {},
  ) {
    super(error);
  }
}

export interface MethodContext {
  args: Json;
  workspace: Workspace;
  records: Records;
  ids: Ids;
  triggers: Triggers;
  responseUrls: ResponseUrls;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** A one-time Socket Mode URL for apps.connections.open. */
  issueSocketUrl(): string;
  /** conversations.members page size when the app sends no `limit`. */
  defaultPageSize: number;
}

export interface MethodSpec {
  /** Which token the method takes; 'bot' unless stated. */
  token?: 'bot' | 'app';
  /** The scope checked before the handler runs (handlers check type-dependent ones). */
  scope?: string;
  handler(ctx: MethodContext): Json;
}

export type MethodTable = Record<string, MethodSpec>;

export function requireString(args: Json, key: string, error = 'invalid_arguments'): string {
  const value = args[key];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  throw new SlackApiError(error, { response_metadata: { messages: [`[ERROR] missing required field: ${key}`] } });
}

export function optionalString(args: Json, key: string): string | undefined {
  const value = args[key];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export function optionalArray(args: Json, key: string, error = 'invalid_arguments'): unknown[] | undefined {
  const value = args[key];
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return value;
  throw new SlackApiError(error, { response_metadata: { messages: [`[ERROR] ${key} must be a JSON array`] } });
}

export function requireObject(args: Json, key: string, error = 'invalid_arguments'): Json {
  const value = args[key];
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Json;
  throw new SlackApiError(error, { response_metadata: { messages: [`[ERROR] ${key} must be a JSON object`] } });
}

export function requireScope(ctx: MethodContext, scope: string): void {
  if (!ctx.workspace.hasScope(scope)) {
    throw new SlackApiError('missing_scope', { needed: scope, provided: ctx.workspace.scopes.join(',') });
  }
}

/**
 * A channel the app can see: a private channel or DM the bot is not in is invisible
 * (`channel_not_found`), as Slack hides them.
 */
export function visibleChannel(ctx: MethodContext, ref: string | undefined): SimChannel {
  const channel = ref === undefined ? undefined : ctx.workspace.channel(ref);
  if (!channel) throw new SlackApiError('channel_not_found');
  if (channel.is_private && !ctx.workspace.isBotMember(channel)) throw new SlackApiError('channel_not_found');
  return channel;
}

/**
 * Where a message may be posted: a user id means the bot's DM with that user; a public
 * channel needs membership or `chat:write.public`; otherwise `not_in_channel`.
 */
export function postableChannel(ctx: MethodContext, ref: string | undefined): SimChannel {
  if (ref !== undefined && /^[UW]/.test(ref) && ctx.workspace.user(ref)) return ctx.workspace.dmWith(ref);
  const channel = visibleChannel(ctx, ref);
  if (!ctx.workspace.isBotMember(channel) && !ctx.workspace.hasScope('chat:write.public')) {
    throw new SlackApiError('not_in_channel');
  }
  return channel;
}
