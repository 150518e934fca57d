// chat.* — messages posted by the app, their edits, ephemerals and permalinks.
// https://docs.slack.dev/reference/methods/chat.postMessage
import type { Json, SimMessage } from '../records.js';
import type { Workspace } from '../workspace.js';
import { type MethodTable, optionalArray, optionalString, postableChannel, requireString, SlackApiError, visibleChannel } from './context.js';
import { checkMessage } from './validate.js';

/** The message object Slack returns from chat.postMessage and chat.update. */
export function messageJson(m: SimMessage, workspace: Workspace): Json {
  return {
    type: 'message',
    text: m.text ?? '',
    user: m.user,
    bot_id: m.bot_id,
    app_id: workspace.appId,
    team: workspace.team.id,
    ts: m.ts,
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.attachments ? { attachments: m.attachments } : {}),
    ...(m.files ? { files: m.files.map((f) => ({ id: f.id, name: f.name, title: f.title })) } : {}),
    ...(m.history.length ? { edited: { user: m.user, ts: m.ts } } : {}),
    bot_profile: { id: m.bot_id, app_id: workspace.appId, name: workspace.bot.real_name, team_id: workspace.team.id },
  };
}

export const chatMethods: MethodTable = {
  'chat.postMessage': {
    scope: 'chat:write',
    handler(ctx) {
      const channel = postableChannel(ctx, optionalString(ctx.args, 'channel'));
      checkMessage(ctx.args, { nativeBlocks: ctx.workspace.nativeBlocks });
      const message = ctx.records.addMessage({
        channel: channel.id,
        ts: ctx.ids.ts(),
        thread_ts: optionalString(ctx.args, 'thread_ts'),
        text: optionalString(ctx.args, 'text'),
        blocks: optionalArray(ctx.args, 'blocks', 'invalid_blocks_format'),
        attachments: optionalArray(ctx.args, 'attachments', 'invalid_attachments'),
        metadata: ctx.args.metadata,
        user: ctx.workspace.bot.id,
        bot_id: ctx.workspace.bot.bot_id,
        via: 'chat.postMessage',
        postedAt: new Date(),
        history: [],
        deleted: false,
        args: ctx.args,
      });
      return { channel: channel.id, ts: message.ts, message: messageJson(message, ctx.workspace) };
    },
  },

  'chat.update': {
    scope: 'chat:write',
    handler(ctx) {
      const channel = visibleChannel(ctx, optionalString(ctx.args, 'channel'));
      const ts = requireString(ctx.args, 'ts', 'message_not_found');
      const message = ctx.records.findMessage(channel.id, ts);
      if (!message) throw new SlackApiError('message_not_found');
      const next = { ...ctx.args };
      // An update may leave text out and keep the blocks' fallback: only check what is sent.
      if (next.text === undefined && next.blocks === undefined && next.attachments === undefined) throw new SlackApiError('no_text');
      if (next.text !== undefined || next.blocks !== undefined) checkMessage({ text: next.text ?? message.text, blocks: next.blocks, attachments: next.attachments }, { nativeBlocks: ctx.workspace.nativeBlocks });
      ctx.records.updateMessage(message, {
        text: optionalString(ctx.args, 'text'),
        blocks: optionalArray(ctx.args, 'blocks', 'invalid_blocks_format'),
        attachments: optionalArray(ctx.args, 'attachments', 'invalid_attachments'),
      });
      return { channel: channel.id, ts, text: message.text ?? '', message: messageJson(message, ctx.workspace) };
    },
  },

  'chat.delete': {
    scope: 'chat:write',
    handler(ctx) {
      const channel = visibleChannel(ctx, optionalString(ctx.args, 'channel'));
      const ts = requireString(ctx.args, 'ts', 'message_not_found');
      const message = ctx.records.findMessage(channel.id, ts);
      if (!message) throw new SlackApiError('message_not_found');
      ctx.records.deleteMessage(message);
      return { channel: channel.id, ts };
    },
  },

  'chat.postEphemeral': {
    scope: 'chat:write',
    handler(ctx) {
      const channel = postableChannel(ctx, optionalString(ctx.args, 'channel'));
      const userId = requireString(ctx.args, 'user', 'user_not_found');
      if (!ctx.workspace.user(userId)) throw new SlackApiError('user_not_found');
      if (!channel.members.has(userId)) throw new SlackApiError('user_not_in_channel');
      checkMessage(ctx.args, { nativeBlocks: ctx.workspace.nativeBlocks });
      const message_ts = ctx.ids.ts();
      ctx.records.addEphemeral({
        channel: channel.id,
        user: userId,
        text: optionalString(ctx.args, 'text'),
        blocks: optionalArray(ctx.args, 'blocks', 'invalid_blocks_format'),
        thread_ts: optionalString(ctx.args, 'thread_ts'),
        message_ts,
        via: 'chat.postEphemeral',
        at: new Date(),
      });
      return { message_ts };
    },
  },

  'chat.getPermalink': {
    handler(ctx) {
      const channel = visibleChannel(ctx, optionalString(ctx.args, 'channel'));
      const ts = requireString(ctx.args, 'message_ts', 'message_not_found');
      if (!ctx.records.findMessage(channel.id, ts)) throw new SlackApiError('message_not_found');
      return { channel: channel.id, permalink: `https://${ctx.workspace.team.domain}.slack.com/archives/${channel.id}/p${ts.replace('.', '')}` };
    },
  },
};
