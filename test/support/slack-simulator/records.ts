// What the app produced, in typed form for assertions: messages (with their edit history),
// files (with their bytes), modal and Home views, ephemeral messages and response_url posts.
// The Web API methods and the interaction helpers write here; tests read.

export type Json = Record<string, unknown>;

export interface MessageVersion {
  at: Date;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
}

export interface SimMessage {
  channel: string;
  ts: string;
  /** Set on replies: the parent's ts. */
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  /** Files shared with this message (files.completeUploadExternal). */
  files?: SimFile[];
  /** The bot user: every message here was posted by the app. */
  user: string;
  bot_id: string;
  /** How it got there. */
  via: 'chat.postMessage' | 'files.completeUploadExternal' | 'response_url' | 'ack';
  postedAt: Date;
  /** Earlier versions, oldest first; the fields above are the current one. */
  history: MessageVersion[];
  deleted: boolean;
  /** Every argument of the posting call, parsed. */
  args: Json;
}

export interface SimFile {
  id: string;
  name: string;
  title: string;
  /** `length` declared to files.getUploadURLExternal. */
  declaredLength: number;
  /** The bytes POSTed to the upload URL (empty until then). */
  bytes: Buffer;
  uploaded: boolean;
  completed: boolean;
  mimetype: string;
  filetype: string;
  alt_text?: string;
  snippet_type?: string;
  /** Where files.completeUploadExternal shared it, if anywhere. */
  channel?: string;
  thread_ts?: string;
  initial_comment?: string;
}

/** A view as Slack returns it to the app (views.open/update/push/publish, view payloads). */
export interface SlackView extends Json {
  id: string;
  hash: string;
  type: string;
  blocks: Json[];
  state: { values: StateValues };
  callback_id?: string;
  external_id?: string;
  private_metadata?: string;
  root_view_id: string | null;
  previous_view_id: string | null;
}

export type StateValues = Record<string, Record<string, Json>>;

export interface StoredView {
  id: string;
  /** The user who sees it. */
  user: string;
  type: 'modal' | 'home' | string;
  /** A modal still on the user's stack, or the current Home view. */
  open: boolean;
  current: SlackView;
  /** Every version, oldest first, `current` last. */
  versions: SlackView[];
  /** Field errors from the last view_submission ack with response_action 'errors'. */
  lastErrors?: Record<string, string>;
}

export interface SimEphemeral {
  channel: string;
  user: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  message_ts: string;
  via: 'chat.postEphemeral' | 'response_url' | 'ack';
  at: Date;
}

export interface ResponseUrlPost {
  id: string;
  url: string;
  /** The interaction that issued the URL. */
  source: 'slash_command' | 'block_actions';
  user: string;
  channel?: string;
  /** For a block action on a message: that message's ts. */
  message_ts?: string;
  body: Json;
  at: Date;
}

export class Records {
  readonly messages: SimMessage[] = [];
  readonly files = new Map<string, SimFile>();
  readonly views = new Map<string, StoredView>();
  /** Each user's modal stack, bottom first. */
  readonly modalStacks = new Map<string, string[]>();
  readonly homes = new Map<string, string>();
  readonly ephemerals: SimEphemeral[] = [];
  readonly responses: ResponseUrlPost[] = [];

  /** Messages by "<channel> <ts>": a repeat's chat.update finds its message without a scan. */
  private readonly byKey = new Map<string, SimMessage>();

  constructor(
    private readonly changed: () => void,
    private readonly lean = false,
  ) {}

  addMessage(message: SimMessage): SimMessage {
    const kept = this.lean ? { ...message, blocks: undefined, attachments: undefined, args: {} } : message;
    this.messages.push(kept);
    this.byKey.set(`${kept.channel} ${kept.ts}`, kept);
    this.changed();
    return kept;
  }

  findMessage(channel: string, ts: string): SimMessage | undefined {
    const found = this.byKey.get(`${channel} ${ts}`);
    return found !== undefined && !found.deleted ? found : undefined;
  }

  updateMessage(message: SimMessage, next: { text?: string; blocks?: unknown[]; attachments?: unknown[] }): void {
    message.history.push(
      this.lean ? { at: new Date(), text: message.text } : { at: new Date(), text: message.text, blocks: message.blocks, attachments: message.attachments },
    );
    if (next.text !== undefined) message.text = next.text;
    if (next.blocks !== undefined && !this.lean) message.blocks = next.blocks;
    if (next.attachments !== undefined && !this.lean) message.attachments = next.attachments;
    this.changed();
  }

  deleteMessage(message: SimMessage): void {
    message.deleted = true;
    this.changed();
  }

  addEphemeral(ephemeral: SimEphemeral): void {
    this.ephemerals.push(ephemeral);
    this.changed();
  }

  addResponse(post: ResponseUrlPost): void {
    this.responses.push(post);
    this.changed();
  }

  putFile(file: SimFile): void {
    this.files.set(file.id, file);
    this.changed();
  }

  /** Stores a new view or a new version of one. */
  saveView(user: string, view: SlackView): StoredView {
    const existing = this.views.get(view.id);
    if (existing) {
      existing.current = view;
      existing.versions.push(view);
      this.changed();
      return existing;
    }
    const stored: StoredView = { id: view.id, user, type: view.type, open: true, current: view, versions: [view] };
    this.views.set(view.id, stored);
    this.changed();
    return stored;
  }

  modalStack(user: string): string[] {
    let stack = this.modalStacks.get(user);
    if (!stack) {
      stack = [];
      this.modalStacks.set(user, stack);
    }
    return stack;
  }

  /** Closes modals on a user's stack from `viewId` upwards (all of them when omitted). */
  closeModals(user: string, viewId?: string): void {
    const stack = this.modalStack(user);
    const from = viewId === undefined ? 0 : stack.indexOf(viewId);
    if (from < 0) return;
    for (const id of stack.splice(from)) {
      const stored = this.views.get(id);
      if (stored) stored.open = false;
    }
    this.changed();
  }

  setHome(user: string, viewId: string): void {
    const previous = this.homes.get(user);
    if (previous && previous !== viewId) {
      const old = this.views.get(previous);
      if (old) old.open = false;
    }
    this.homes.set(user, viewId);
    this.changed();
  }

  viewByExternalId(externalId: string): StoredView | undefined {
    return [...this.views.values()].find((v) => v.current.external_id === externalId);
  }
}
