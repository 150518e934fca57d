// files.getUploadURLExternal → POST the bytes to upload_url (see ../uploads.ts) →
// files.completeUploadExternal, the only upload flow Slack still has.
// https://docs.slack.dev/reference/methods/files.completeUploadExternal
import { extname } from 'node:path';
import type { Json, SimFile } from '../records.js';
import { type MethodContext, type MethodTable, optionalArray, optionalString, postableChannel, requireString, SlackApiError } from './context.js';

const MIME: Record<string, string> = {
  csv: 'text/csv',
  txt: 'text/plain',
  json: 'application/json',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  pdf: 'application/pdf',
};

function fileJson(ctx: MethodContext, f: SimFile): Json {
  return {
    id: f.id,
    name: f.name,
    title: f.title,
    mimetype: f.mimetype,
    filetype: f.filetype,
    size: f.bytes.length,
    user: ctx.workspace.bot.id,
    created: Math.floor(Date.now() / 1000),
    // Sharing completes asynchronously on Slack: the answer does not carry the message ts.
    shares: {},
  };
}

export const fileMethods: MethodTable = {
  'files.getUploadURLExternal': {
    scope: 'files:write',
    handler(ctx) {
      const filename = requireString(ctx.args, 'filename');
      const length = Number(requireString(ctx.args, 'length'));
      if (!Number.isInteger(length) || length < 0) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] length must be a whole number of bytes'] } });
      const filetype = extname(filename).slice(1).toLowerCase() || 'text';
      const file: SimFile = {
        id: ctx.ids.id('F'),
        name: filename,
        title: filename,
        declaredLength: length,
        bytes: Buffer.alloc(0),
        uploaded: false,
        completed: false,
        mimetype: MIME[filetype] ?? 'application/octet-stream',
        filetype,
        alt_text: optionalString(ctx.args, 'alt_text'),
        snippet_type: optionalString(ctx.args, 'snippet_type'),
      };
      ctx.records.putFile(file);
      return { upload_url: `${ctx.origin}/upload/${file.id}`, file_id: file.id };
    },
  },

  'files.completeUploadExternal': {
    scope: 'files:write',
    handler(ctx) {
      const entries = optionalArray(ctx.args, 'files') ?? [];
      if (entries.length === 0) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] files is required'] } });
      // The destination is checked first so a refused share changes nothing.
      const channelRef = optionalString(ctx.args, 'channel_id') ?? optionalString(ctx.args, 'channels');
      const channel = channelRef === undefined ? undefined : postableChannel(ctx, channelRef);
      const files = entries.map((entry) => {
        const { id, title } = (entry ?? {}) as Json;
        const file = typeof id === 'string' ? ctx.records.files.get(id) : undefined;
        if (!file || !file.uploaded) throw new SlackApiError('file_not_found');
        if (typeof title === 'string' && title !== '') file.title = title;
        return file;
      });
      const thread_ts = optionalString(ctx.args, 'thread_ts');
      const initial_comment = optionalString(ctx.args, 'initial_comment');
      for (const file of files) {
        file.completed = true;
        file.channel = channel?.id;
        file.thread_ts = thread_ts;
        file.initial_comment = initial_comment;
        ctx.records.putFile(file);
      }
      if (channel) {
        ctx.records.addMessage({
          channel: channel.id,
          ts: ctx.ids.ts(),
          thread_ts,
          text: initial_comment ?? '',
          blocks: optionalArray(ctx.args, 'blocks', 'invalid_blocks_format'),
          files,
          user: ctx.workspace.bot.id,
          bot_id: ctx.workspace.bot.bot_id,
          via: 'files.completeUploadExternal',
          postedAt: new Date(),
          history: [],
          deleted: false,
          args: ctx.args,
        });
      }
      return { files: files.map((f) => fileJson(ctx, f)) };
    },
  },
};
