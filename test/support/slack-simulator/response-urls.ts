// response_url endpoints handed out with slash commands and message actions. What the app
// POSTs there is recorded, and applied the way Slack would show it: an ephemeral by default,
// a channel message for `in_channel`, an edit or deletion of the clicked message.
import type { Ids } from './ids.js';
import type { Json, Records, ResponseUrlPost } from './records.js';
import type { Workspace } from './workspace.js';

interface Issued {
  id: string;
  source: ResponseUrlPost['source'];
  user: string;
  channel?: string;
  message_ts?: string;
}

export class ResponseUrls {
  private readonly issued = new Map<string, Issued>();

  constructor(
    private readonly ids: Ids,
    private readonly workspace: Workspace,
    private readonly records: Records,
    private readonly origin: () => string,
  ) {}

  issue(source: Omit<Issued, 'id'>): string {
    const id = this.ids.id('R');
    this.issued.set(id, { id, ...source });
    return `${this.origin()}/response/${id}`;
  }

  /** Applies a POST to /response/<id>; false when the id was never issued. */
  receive(id: string, body: Json): boolean {
    const issued = this.issued.get(id);
    if (!issued) return false;
    const at = new Date();
    this.records.addResponse({ ...issued, url: `${this.origin()}/response/${id}`, body, at });
    const text = typeof body.text === 'string' ? body.text : undefined;
    const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
    const original = issued.channel && issued.message_ts ? this.records.findMessage(issued.channel, issued.message_ts) : undefined;
    if (body.delete_original === true) {
      if (original) this.records.deleteMessage(original);
    } else if (body.replace_original === true && original) {
      this.records.updateMessage(original, { text, blocks, attachments: Array.isArray(body.attachments) ? body.attachments : undefined });
    } else if (body.response_type === 'in_channel' && issued.channel) {
      this.records.addMessage({
        channel: issued.channel,
        ts: this.ids.ts(),
        thread_ts: typeof body.thread_ts === 'string' ? body.thread_ts : undefined,
        text,
        blocks,
        user: this.workspace.bot.id,
        bot_id: this.workspace.bot.bot_id,
        via: 'response_url',
        postedAt: at,
        history: [],
        deleted: false,
        args: body,
      });
    } else {
      this.records.addEphemeral({
        channel: issued.channel ?? '',
        user: issued.user,
        text,
        blocks,
        message_ts: this.ids.ts(),
        via: 'response_url',
        at,
      });
    }
    return true;
  }
}
