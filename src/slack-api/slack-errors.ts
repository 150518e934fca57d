// Slack's error codes in one table (STYLE.md item 8), each with a sentence a person can act
// on, and classifySlackError(), which sorts whatever WebClient threw into what a caller must do
// next: wait and retry (429), give up with the sentence, or report an unknown outcome. The one
// classifier for the Slack app's handlers and for deliveries alike.
import { ErrorCode } from '@slack/web-api';

export interface SlackErrorInfo {
  /** Nothing happened on Slack's side and the same call may succeed later. */
  retryable: boolean;
  /** What to tell people; `{needed}` is replaced by the scope Slack names (missing_scope). */
  message: string;
  /** Slack says part of the operation may have succeeded: a post may have gone out. */
  ambiguous?: boolean;
}

const BAD_TOKEN: SlackErrorInfo = {
  retryable: false,
  message: 'The Slack bot token is wrong, expired or revoked: a Lookout admin must set a valid SLACK_BOT_TOKEN and restart Lookout.',
};

const LOOKOUT_BUG = 'this is a Lookout bug, please report it with the alert name; meanwhile a shorter description or message template may help.';

export const SLACK_ERRORS: Readonly<Record<string, SlackErrorInfo>> = {
  not_in_channel: {
    retryable: false,
    message:
      'Lookout is not a member of this channel: invite it by typing `/invite @Lookout` in the channel (for a public channel an admin may instead add the chat:write.public scope).',
  },
  channel_not_found: {
    retryable: false,
    message: 'The channel was not found: it was deleted, or it is private and Lookout is not in it. Invite Lookout (`/invite @Lookout`) or change the recipients.',
  },
  is_archived: {
    retryable: false,
    message: 'The channel is archived: unarchive it or change the alert’s recipients.',
  },
  missing_scope: {
    retryable: false,
    message: 'Lookout’s Slack app lacks the {needed} scope: a Slack admin must add it to the app (OAuth & Permissions) and reinstall it.',
  },
  invalid_auth: BAD_TOKEN,
  not_authed: BAD_TOKEN,
  token_revoked: BAD_TOKEN,
  token_expired: BAD_TOKEN,
  account_inactive: BAD_TOKEN,
  not_allowed_token_type: {
    retryable: false,
    message: 'SLACK_BOT_TOKEN is not a bot token: a Lookout admin must set the app’s bot token (xoxb-…) and restart Lookout.',
  },
  ratelimited: {
    retryable: true,
    message: 'Slack rate-limited Lookout and it gave up after several waits; the next run will try again.',
  },
  msg_too_long: { retryable: false, message: `Slack refused the message as too long: ${LOOKOUT_BUG}` },
  msg_blocks_too_long: { retryable: false, message: `Slack refused the message as too large: ${LOOKOUT_BUG}` },
  invalid_blocks: { retryable: false, message: `Slack refused the message layout (invalid_blocks): ${LOOKOUT_BUG}` },
  invalid_blocks_format: { retryable: false, message: `Slack refused the message layout (invalid_blocks_format): ${LOOKOUT_BUG}` },
  no_text: { retryable: false, message: `Slack refused an empty message: ${LOOKOUT_BUG}` },
  invalid_arguments: { retryable: false, message: `Slack refused the request’s arguments: ${LOOKOUT_BUG}` },
  user_not_found: {
    retryable: false,
    message: 'The Slack user was not found (deactivated, or from another workspace): change the alert’s recipients or owners.',
  },
  cannot_dm_bot: {
    retryable: false,
    message: 'The recipient is a bot and bots cannot be sent direct messages: change the alert’s recipients or owners to people or channels.',
  },
  restricted_action: {
    retryable: false,
    message: 'The workspace’s settings do not let Lookout post here (for example only admins may post in the channel): ask a Slack admin, or pick another channel.',
  },
  team_access_not_granted: {
    retryable: false,
    message: 'Lookout’s token has not been granted access to this workspace: an org admin must add the Lookout app to the workspace.',
  },
  message_not_found: {
    retryable: false,
    message: 'The earlier Slack message was not found; it was probably deleted.',
  },
  cant_update_message: {
    retryable: false,
    message: 'Slack does not let Lookout edit that message (it was not posted by Lookout’s bot).',
  },
  edit_window_closed: {
    retryable: false,
    message: 'The workspace no longer allows that message to be edited.',
  },
  fatal_error: {
    retryable: false,
    ambiguous: true,
    message: 'Slack failed badly while handling the request (fatal_error); part of it may have gone through.',
  },
  internal_error: {
    retryable: false,
    ambiguous: true,
    message: 'Slack had an internal error while handling the request (internal_error); part of it may have gone through.',
  },
  service_unavailable: {
    retryable: true,
    message: 'Slack is temporarily unavailable; the next run will try again (see https://slack-status.com).',
  },
  request_timeout: {
    retryable: true,
    message: 'Slack received the request incomplete (request_timeout); the next run will try again.',
  },
};

/** The table's sentence for `code`, with the scope filled in; a generic one for codes it lacks. */
export function slackErrorInfo(code: string, data: { needed?: unknown } = {}): SlackErrorInfo {
  const info = SLACK_ERRORS[code];
  if (info === undefined) {
    return { retryable: false, message: `Slack refused the request with the error "${code}"; the Lookout log has the details.` };
  }
  const needed = typeof data.needed === 'string' && data.needed !== '' ? data.needed : 'a required';
  return { ...info, message: info.message.replace('{needed}', needed) };
}

export type SlackErrorClass =
  | { kind: 'rate_limited'; retryAfterS: number }
  | { kind: 'platform'; code: string; retryable: boolean; ambiguous: boolean; message: string }
  | { kind: 'http'; status: number; ambiguous: boolean; message: string }
  | { kind: 'network'; sent: boolean; message: string };

/** Used when Slack's answer carries no usable Retry-After. */
const DEFAULT_RETRY_AFTER_S = 1;

/** Socket errors raised before any byte of the request left: replaying cannot duplicate. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Sorts an error thrown by WebClient (retries off, rate-limited calls rejected). */
export function classifySlackError(err: unknown): SlackErrorClass {
  const e = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return { kind: 'rate_limited', retryAfterS: positiveOr(e.retryAfter, DEFAULT_RETRY_AFTER_S) };
    case ErrorCode.PlatformError: {
      const data = (typeof e.data === 'object' && e.data !== null ? e.data : {}) as Record<string, unknown>;
      const code = typeof data.error === 'string' ? data.error : 'unknown_error';
      if (code === 'ratelimited') {
        const meta = data.response_metadata as { retryAfter?: unknown } | undefined;
        return { kind: 'rate_limited', retryAfterS: positiveOr(meta?.retryAfter, DEFAULT_RETRY_AFTER_S) };
      }
      const info = slackErrorInfo(code, data);
      return { kind: 'platform', code, retryable: info.retryable, ambiguous: info.ambiguous ?? false, message: info.message };
    }
    case ErrorCode.HTTPError: {
      const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
      const text = typeof e.statusMessage === 'string' && e.statusMessage !== '' ? ` (${e.statusMessage})` : '';
      // A 5xx may come from an edge after Slack acted on the request; a 4xx was refused.
      return { kind: 'http', status, ambiguous: status >= 500 || status === 0, message: `Slack answered HTTP ${status}${text}` };
    }
    case ErrorCode.RequestError:
      return networkClass(e.original);
    default:
      // WebClient answers a 429 without a readable Retry-After with a plain error.
      if (typeof e.message === 'string' && e.message.startsWith('Retry header did not contain a valid timeout')) {
        return { kind: 'rate_limited', retryAfterS: DEFAULT_RETRY_AFTER_S };
      }
      return networkClass(err);
  }
}

function networkClass(original: unknown): SlackErrorClass {
  // Duck-typed: fetch's DOMException is not an Error of every realm (Jest's VM, for one).
  const name = typeof original === 'object' && original !== null ? (original as { name?: unknown }).name : undefined;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { kind: 'network', sent: true, message: 'Slack did not answer in time' };
  }
  const cause = socketCause(original);
  if (cause !== null) {
    const sent = !(NOT_SENT_CODES.has(cause.code) || cause.syscall === 'connect' || cause.syscall === 'getaddrinfo');
    return {
      kind: 'network',
      sent,
      message: sent ? `the connection to Slack failed mid-request (${cause.code})` : `Lookout could not connect to Slack (${cause.code})`,
    };
  }
  const message = typeof original === 'object' && original !== null ? (original as { message?: unknown }).message : undefined;
  const text = typeof message === 'string' ? message : String(original);
  return { kind: 'network', sent: true, message: `the request to Slack failed (${text})` };
}

/** The first socket-level code in an error's cause chain (fetch wraps them: "fetch failed"). */
function socketCause(err: unknown, depth = 0): { code: string; syscall: string | undefined } | null {
  if (typeof err !== 'object' || err === null || depth > 5) return null;
  const e = err as { code?: unknown; syscall?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(e.code)) {
    return { code: e.code, syscall: typeof e.syscall === 'string' ? e.syscall : undefined };
  }
  // Happy eyeballs (several addresses) fail with an AggregateError of per-address errors.
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const found = socketCause(inner, depth + 1);
      if (found !== null) return found;
    }
  }
  return socketCause(e.cause, depth + 1);
}

function positiveOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/**
 * What went wrong, in two fields for a log line: platform error, rate limit, HTTP failure, a
 * request that did not get through (with its socket code), or something of our own ('other').
 */
export function summarizeSlackError(err: unknown): { kind: SlackErrorClass['kind'] | 'other'; code: string } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  const fromWebClient = Object.values(ErrorCode).includes(e.code as ErrorCode);
  if (!fromWebClient) return { kind: 'other', code: 'unknown' };
  const cls = classifySlackError(err);
  switch (cls.kind) {
    case 'rate_limited':
      return { kind: cls.kind, code: 'ratelimited' };
    case 'platform':
      return { kind: cls.kind, code: cls.code };
    case 'http':
      return { kind: cls.kind, code: String(cls.status) };
    case 'network':
      return { kind: cls.kind, code: socketCause(e.original)?.code ?? 'request_failed' };
  }
}

/** Slack's error code when `err` is a platform error (e.g. `expired_trigger_id`), else null. */
export function slackErrorCode(err: unknown): string | null {
  const cls = classifySlackError(err);
  return cls.kind === 'platform' ? cls.code : null;
}
