// conversations.* — channel facts, members (paginated), DMs and joining.
// https://docs.slack.dev/reference/methods/conversations.info
import type { Json, SimMessage } from '../records.js';
import { messageJson } from './chat.js';
import type { SimChannel } from '../workspace.js';
import { type MethodContext, type MethodTable, optionalString, requireScope, requireString, SlackApiError, visibleChannel } from './context.js';

function channelJson(ctx: MethodContext, c: SimChannel): Json {
  const common = { id: c.id, created: c.created, is_archived: false, is_org_shared: false, context_team_id: ctx.workspace.team.id };
  if (c.is_im) return { ...common, is_im: true, is_channel: false, is_group: false, is_private: true, user: c.user, is_member: true };
  return {
    ...common,
    name: c.name,
    name_normalized: c.name,
    is_channel: !c.is_mpim,
    is_group: c.is_private && !c.is_mpim,
    is_im: false,
    is_mpim: c.is_mpim,
    is_private: c.is_private,
    is_general: c.name === 'general',
    is_shared: false,
    is_ext_shared: false,
    is_member: ctx.workspace.isBotMember(c),
    num_members: c.members.size,
  };
}

/** The scope that lets the bot read this kind of conversation. */
function readScope(c: SimChannel): string {
  if (c.is_im) return 'im:read';
  if (c.is_mpim) return 'mpim:read';
  return c.is_private ? 'groups:read' : 'channels:read';
}

/** The scope that lets the bot read this kind of conversation's messages. */
function historyScope(c: SimChannel): string {
  if (c.is_im) return 'im:history';
  if (c.is_mpim) return 'mpim:history';
  return c.is_private ? 'groups:history' : 'channels:history';
}

/** A stored message as conversations.history returns it; metadata only when asked for. */
function historyJson(ctx: MethodContext, m: SimMessage): Json {
  const withMetadata = ctx.args.include_all_metadata === 'true' || ctx.args.include_all_metadata === true;
  return { ...messageJson(m, ctx.workspace), ...(withMetadata && m.metadata !== undefined ? { metadata: parseMetadata(m.metadata) } : {}) };
}

/** Metadata arrives as a JSON string in a form-encoded post. */
function parseMetadata(metadata: unknown): unknown {
  if (typeof metadata !== 'string') return metadata;
  try {
    return JSON.parse(metadata) as unknown;
  } catch {
    return metadata;
  }
}

/** Messages with oldest < ts < latest (Slack's default: exclusive bounds), at most `limit`. */
function window(ctx: MethodContext, messages: SimMessage[]): SimMessage[] {
  const oldest = Number(optionalString(ctx.args, 'oldest') ?? '0');
  const latest = Number(optionalString(ctx.args, 'latest') ?? 'Infinity');
  return messages.filter((m) => !m.deleted && Number(m.ts) > oldest && Number(m.ts) < latest);
}

/** Slack's cursors are opaque base64; this one names the next member to return. */
const encodeCursor = (userId: string): string => Buffer.from(`user:${userId}`).toString('base64');
const decodeCursor = (cursor: string): string => Buffer.from(cursor, 'base64').toString('utf8').replace(/^user:/, '');

export const conversationMethods: MethodTable = {
  // https://docs.slack.dev/reference/methods/conversations.history: top-level messages, newest first.
  'conversations.history': {
    handler(ctx) {
      const channel = visibleChannel(ctx, optionalString(ctx.args, 'channel'));
      requireScope(ctx, historyScope(channel));
      const limit = Number(optionalString(ctx.args, 'limit') ?? 100) || 100;
      const top = window(ctx, ctx.records.messages.filter((m) => m.channel === channel.id && (m.thread_ts === undefined || m.thread_ts === m.ts)));
      const newestFirst = top.sort((a, b) => Number(b.ts) - Number(a.ts));
      return { messages: newestFirst.slice(0, limit).map((m) => historyJson(ctx, m)), has_more: newestFirst.length > limit };
    },
  },

  // https://docs.slack.dev/reference/methods/conversations.replies: the parent, then its replies, oldest first.
  'conversations.replies': {
    handler(ctx) {
      const channel = visibleChannel(ctx, optionalString(ctx.args, 'channel'));
      requireScope(ctx, historyScope(channel));
      const ts = requireString(ctx.args, 'ts', 'thread_not_found');
      const parent = ctx.records.findMessage(channel.id, ts);
      if (!parent) throw new SlackApiError('thread_not_found');
      const replies = window(ctx, ctx.records.messages.filter((m) => m.channel === channel.id && m.thread_ts === ts && m.ts !== ts));
      const thread = [parent, ...replies.sort((a, b) => Number(a.ts) - Number(b.ts))];
      const limit = Number(optionalString(ctx.args, 'limit') ?? 1000) || 1000;
      return { messages: thread.slice(0, limit).map((m) => historyJson(ctx, m)), has_more: thread.length > limit };
    },
  },

  'conversations.info': {
    handler(ctx) {
      const channel = visibleChannel(ctx, optionalString(ctx.args, 'channel'));
      requireScope(ctx, readScope(channel));
      return { channel: channelJson(ctx, channel) };
    },
  },

  'conversations.members': {
    handler(ctx) {
      const channel = visibleChannel(ctx, optionalString(ctx.args, 'channel'));
      requireScope(ctx, readScope(channel));
      const limit = Number(optionalString(ctx.args, 'limit') ?? ctx.defaultPageSize) || ctx.defaultPageSize;
      const all = [...channel.members];
      const cursor = optionalString(ctx.args, 'cursor');
      const start = cursor === undefined ? 0 : all.indexOf(decodeCursor(cursor));
      if (start < 0) throw new SlackApiError('invalid_cursor');
      const members = all.slice(start, start + limit);
      const next = all[start + limit];
      return { members, response_metadata: { next_cursor: next === undefined ? '' : encodeCursor(next) } };
    },
  },

  'conversations.open': {
    handler(ctx) {
      const users = (optionalString(ctx.args, 'users') ?? '').split(',').map((u) => u.trim()).filter(Boolean);
      if (users.length === 0) throw new SlackApiError('users_list_not_supplied');
      for (const user of users) if (!ctx.workspace.user(user)) throw new SlackApiError('user_not_found');
      requireScope(ctx, users.length === 1 ? 'im:write' : 'mpim:write');
      const [only] = users;
      const channel = users.length === 1 && only !== undefined ? ctx.workspace.dmWith(only) : ctx.workspace.mpimWith(users);
      const full = ctx.args.return_im === 'true' || ctx.args.return_im === true;
      return { channel: full ? channelJson(ctx, channel) : { id: channel.id } };
    },
  },

  'conversations.join': {
    scope: 'channels:join',
    handler(ctx) {
      const ref = requireString(ctx.args, 'channel', 'channel_not_found');
      const channel = ctx.workspace.channel(ref);
      if (!channel || (channel.is_private && !ctx.workspace.isBotMember(channel))) {
        // A private channel the bot is not in is invisible; one it can see cannot be joined.
        throw new SlackApiError(channel && channel.is_private ? 'method_not_supported_for_channel_type' : 'channel_not_found');
      }
      if (channel.is_private || channel.is_im || channel.is_mpim) throw new SlackApiError('method_not_supported_for_channel_type');
      const already = ctx.workspace.isBotMember(channel);
      ctx.workspace.botJoin(channel.id);
      return { channel: channelJson(ctx, channel), ...(already ? { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } } : {}) };
    },
  },
};
