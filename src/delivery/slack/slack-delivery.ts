// The delivery port over Slack's Web API. A channel gets chat.postMessage; a person gets a DM
// (conversations.open first, its channel id cached). The first firing message's "<channel>:<ts>"
// is the ref the runner keeps per recipient: repeats and the recovery reply in its thread, and
// that first message is rewritten (chat.update) to show where the alert stands now.
// What a message says comes from src/messages (composed once, drawn as Block Kit there); here it
// is only posted. Slack's own chart and table blocks go when the data fit; if Slack refuses them
// (invalid_blocks: nothing was posted) the same message goes again with the PNG and a text table.
// Content messages carry their files (slack-files.ts) right after the post, in the same channel
// and thread; a file that fails is a note, since the message itself went out.
// Build the client with createDeliveryWebClient() (web-client.ts): retries are done here.
import type { WebClient } from '@slack/web-api';
import { systemClock, type Clock } from '../../clock.js';
import type { Attachment } from '../../content/port.js';
import { recipientKey, type Recipient } from '../../domain/types.js';
import type { Logger } from '../../logger.js';
import { composeMessage } from '../../messages/compose.js';
import { firingStatusDoc } from '../../messages/firing-status.js';
import { showsContent, threadOf, type OutgoingMessage } from '../../messages/outgoing.js';
import type { SlackMessage } from '../../messages/slack/limits.js';
import { renderSlack, type RenderedSlack } from '../../messages/slack/render-slack.js';
import type { Delivery, DeliveryOutcome } from '../../services/delivery-port.js';
import { callSlack, type CallResult } from '../../slack-api/call.js';
import { uploadAttachments, type FileDestination } from './slack-files.js';

export interface SlackDeliveryOptions {
  client: WebClient;
  /** The bot token, which the file upload URL wants as Bearer (the client keeps its own private). */
  token: string;
  logger: Logger;
  /** For the "snooze until" picker's initial time and where a look-up starts; defaults to the system clock. */
  clock?: Clock;
}

/** Where a message lives: `ref` is "<channel id>:<ts>". */
export interface SlackMessageRef {
  channel: string;
  ts: string;
}

export function formatMessageRef(ref: SlackMessageRef): string {
  return `${ref.channel}:${ref.ts}`;
}

/** null for anything that is not "<channel id>:<ts>" (e.g. a ref from another delivery). */
export function parseMessageRef(ref: string | null): SlackMessageRef | null {
  if (ref === null) return null;
  const match = /^([A-Z0-9]+):(\d+\.\d+)$/.exec(ref);
  return match?.[1] !== undefined && match[2] !== undefined ? { channel: match[1], ts: match[2] } : null;
}

/** One message to post: where (a channel, or a thread in it) and what. */
interface PostTarget {
  recipient: Recipient;
  channel: string;
  threadTs: string | undefined;
  content: SlackMessage;
  message: OutgoingMessage;
}

/** What was posted and how its picture was shown. */
interface Posted {
  ref: SlackMessageRef | null;
  picture: RenderedSlack['picture'];
}

/** Slack message metadata: finds a post again after an ambiguous failure (execution + kind). */
const METADATA_EVENT = 'lookout_alert';
/** Posts again after a failure Slack answered, when the look-up shows the message is not there. */
const MAX_REPOSTS = 5;
/** The look-up starts this long before the first attempt (clocks differ a little). */
const LOOKUP_SLACK_S = 60;

export function createSlackDelivery(options: SlackDeliveryOptions): Delivery {
  const { client } = options;
  const clock = options.clock ?? systemClock;
  const baseLogger = options.logger.child({ module: 'slack-delivery' });
  /** DM channel id per user id: conversations.open answers the same id every time. */
  const dmChannels = new Map<string, string>();

  async function send(recipient: Recipient, message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryOutcome> {
    const logger = baseLogger.child({ recipient: recipientKey(recipient), alertId: message.alert.id, executionId: message.executionId, kind: message.kind });
    if (recipient.kind === 'email') {
      return { ok: false, unknown: false, error: 'the Slack delivery cannot send to an email address' };
    }
    let content: RenderedSlack;
    try {
      content = renderSlack(composeMessage(message), { surface: 'message', native: true, now: clock() });
    } catch (err) {
      logger.error({ err }, 'could not build the Slack message');
      return { ok: false, unknown: false, error: 'Lookout could not build the Slack message (a bug); the Lookout log has the details' };
    }
    try {
      return await deliver(recipient, message, content, signal, logger);
    } catch (err) {
      // Every Slack call is wrapped; this is a bug, and a post may have gone out.
      logger.error({ err }, 'Slack delivery failed unexpectedly');
      return { ok: false, unknown: true, error: 'unexpected failure while posting to Slack; the Lookout log has the details' };
    }
  }

  async function deliver(
    recipient: Exclude<Recipient, { kind: 'email' }>,
    message: OutgoingMessage,
    content: RenderedSlack,
    signal: AbortSignal,
    logger: Logger,
  ): Promise<DeliveryOutcome> {
    const thread = threadFor(recipient, message, logger);
    if (thread !== null) {
      // A repeat or the recovery: reply in the first message's thread, then rewrite that message.
      const posted = await postShown({ recipient, channel: thread.channel, threadTs: thread.ts, content: content.message, message }, content, signal, logger);
      if (!posted.ok) return failed(posted.failure);
      const filesNote = await attach(message, posted.value.picture, { channel: thread.channel, threadTs: thread.ts }, signal, logger);
      const state = message.kind === 'resolved' ? 'resolved' : 'firing';
      const value = message.kind === 'repeat' || message.kind === 'resolved' ? message.value : null;
      const series = message.kind === 'repeat' || message.kind === 'resolved' ? message.series : null;
      const status = renderSlack(firingStatusDoc(message.alert, state, value, message.evaluatedAt, series), { surface: 'message', now: clock() });
      const updateNote = await update(thread, status.message, signal, logger);
      return { ok: true, ref: formatMessageRef(thread), note: joinNotes(filesNote, updateNote), ...pictureOf(posted.value) };
    }

    const channel = await conversationFor(recipient, signal, logger);
    if (!channel.ok) return failed(channel.failure);
    const posted = await postShown({ recipient, channel: channel.value, threadTs: undefined, content: content.message, message }, content, signal, logger);
    if (!posted.ok) return failed(posted.failure);
    // A top-level message's files go top-level too, right under it.
    const note = await attach(message, posted.value.picture, { channel: posted.value.ref?.channel ?? channel.value }, signal, logger);
    return { ok: true, ref: posted.value.ref === null ? null : formatMessageRef(posted.value.ref), note, ...pictureOf(posted.value) };
  }

  /**
   * Posts the message with Slack's own chart and table blocks; if Slack refuses them
   * (invalid_blocks: an older workspace or client rollout; nothing was posted), posts it again
   * drawn without them, so the PNG and a text table go instead.
   */
  async function postShown(target: PostTarget, content: RenderedSlack, signal: AbortSignal, logger: Logger): Promise<CallResult<Posted>> {
    const first = await post(target, signal, logger);
    if (first.ok) return { ok: true, value: { ref: first.value, picture: content.picture } };
    if (first.failure.code !== 'invalid_blocks' || !hasNativeBlocks(content.message)) return first;
    logger.warn({ picture: content.picture }, "Slack refused its own chart or table block; posting with the picture and a text table");
    const plain = renderSlack(composeMessage(target.message), { surface: 'message', native: false, now: clock() });
    const second = await post({ ...target, content: plain.message }, signal, logger);
    return second.ok ? { ok: true, value: { ref: second.value, picture: plain.picture } } : second;
  }

  /**
   * Uploads a content message's files (notices and recoveries carry none); a chart Slack drew
   * itself is not uploaded again as a picture.
   */
  async function attach(
    message: OutgoingMessage,
    picture: RenderedSlack['picture'],
    to: FileDestination,
    signal: AbortSignal,
    logger: Logger,
  ): Promise<string | null> {
    if (!showsContent(message)) return null;
    const files = picture === 'native' ? message.attachments.filter((a) => a.kind !== 'image') : message.attachments;
    if (files.length === 0) return null;
    const uploaded = await uploadAttachments({ client, token: options.token, logger }, files, to, signal);
    if (uploaded.ok) return null;
    logger.warn({ files: files.length }, 'the message went out but its files did not');
    return `${describeFiles(files, message.alert.content.kind)} could not be uploaded: ${uploaded.error}`;
  }

  /** The first firing message to thread under, when the ref is usable for this recipient. */
  function threadFor(recipient: Recipient, message: OutgoingMessage, logger: Logger): SlackMessageRef | null {
    const ref = threadOf(message);
    if (ref === null) return null;
    const thread = parseMessageRef(ref);
    // A channel's thread must be in that channel; a person's is in their DM, whose id the ref holds.
    if (thread === null || (recipient.kind === 'slack_channel' && thread.channel !== recipient.id)) {
      logger.warn({ threadRef: ref }, 'thread reference does not fit the recipient; posting at top level');
      return null;
    }
    return thread;
  }

  async function conversationFor(recipient: Exclude<Recipient, { kind: 'email' }>, signal: AbortSignal, logger: Logger): Promise<CallResult<string>> {
    if (recipient.kind === 'slack_channel') return { ok: true, value: recipient.id };
    const cached = dmChannels.get(recipient.id);
    if (cached !== undefined) return { ok: true, value: cached };
    const opened = await callSlack('conversations.open', () => client.conversations.open({ users: recipient.id }), signal, { sideEffect: false }, logger);
    if (!opened.ok) return opened;
    const id = opened.value.channel?.id;
    if (id === undefined) return { ok: false, failure: { unknown: false, error: 'Slack opened no direct message channel for this person', code: null } };
    dmChannels.set(recipient.id, id);
    return { ok: true, value: id };
  }

  async function post(target: PostTarget, signal: AbortSignal, logger: Logger): Promise<CallResult<SlackMessageRef | null>> {
    // Messages Lookout looks through after an ambiguous failure start no earlier than this.
    const since = clock().getTime() / 1000 - LOOKUP_SLACK_S;
    for (let attempt = 1; ; attempt += 1) {
      const result = await postOnce(target, signal, logger);
      // Slack answered a 5xx or internal_error: the request is over, and whether it posted the
      // message can be looked up by its metadata. Not after a timeout, when it may still land.
      if (result.ok || !result.failure.unknown || result.failure.answered !== true || attempt > MAX_REPOSTS) return result;
      const found = await findPosted(target, since, signal, logger);
      if (found === 'unknown') return result;
      if (found !== null) {
        logger.info({ attempt }, 'the post that failed had reached Slack; not posting again');
        return { ok: true, value: found };
      }
      logger.info({ attempt }, 'the post that failed did not reach Slack; posting again');
    }
  }

  async function postOnce(target: PostTarget, signal: AbortSignal, logger: Logger): Promise<CallResult<SlackMessageRef | null>> {
    const { recipient, channel, threadTs, content, message } = target;
    const result = await callSlack(
      'chat.postMessage',
      () =>
        client.chat.postMessage({
          channel,
          text: content.text,
          blocks: content.blocks,
          ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
          unfurl_links: false,
          unfurl_media: false,
          metadata: {
            event_type: METADATA_EVENT,
            event_payload: { alert_id: message.alert.id, execution_id: message.executionId, kind: message.kind },
          },
        }),
      signal,
      { sideEffect: true },
      logger,
    );
    if (!result.ok) {
      // A cached DM that Slack no longer knows is opened afresh next time.
      if (recipient.kind === 'slack_user' && result.failure.code === 'channel_not_found') dmChannels.delete(recipient.id);
      return result;
    }
    const ts = result.value.ts;
    if (ts === undefined) {
      logger.warn('chat.postMessage answered without a ts; the message cannot be threaded');
      return { ok: true, value: null };
    }
    return { ok: true, value: { channel: result.value.channel ?? channel, ts } };
  }

  /**
   * This execution's message of this kind in the channel (or thread) since `since`, found by
   * the metadata every post carries; null when it is not there; 'unknown' when Slack could not
   * be asked (a missing *:history scope, the working timeout).
   */
  async function findPosted(target: PostTarget, since: number, signal: AbortSignal, logger: Logger): Promise<SlackMessageRef | null | 'unknown'> {
    const { channel, threadTs, message } = target;
    const common = { channel, oldest: since.toFixed(6), include_all_metadata: true, limit: 200 };
    const listed = await callSlack(
      threadTs === undefined ? 'conversations.history' : 'conversations.replies',
      () =>
        threadTs === undefined
          ? client.conversations.history(common)
          : client.conversations.replies({ ...common, ts: threadTs }),
      signal,
      { sideEffect: false },
      logger,
    );
    if (!listed.ok) {
      logger.warn({ code: listed.failure.code }, 'could not look up whether the post reached Slack');
      return 'unknown';
    }
    const ours = (listed.value.messages ?? []).find((m) => {
      const metadata = (m as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }).metadata;
      return (
        metadata?.event_type === METADATA_EVENT &&
        metadata.event_payload?.execution_id === message.executionId &&
        metadata.event_payload?.kind === message.kind &&
        (threadTs === undefined || m.ts !== threadTs)
      );
    });
    return ours?.ts === undefined ? null : { channel, ts: ours.ts };
  }

  /** Rewrites the first firing message; a failure is only a note, since the reply went out. */
  async function update(thread: SlackMessageRef, content: SlackMessage, signal: AbortSignal, logger: Logger): Promise<string | null> {
    const result = await callSlack(
      'chat.update',
      () => client.chat.update({ channel: thread.channel, ts: thread.ts, text: content.text, blocks: content.blocks }),
      signal,
      { sideEffect: false },
      logger,
    );
    if (result.ok) return null;
    logger.warn({ code: result.failure.code }, 'could not update the first firing message');
    return `could not update the first message: ${result.failure.error}`;
  }

  return { send };
}

/** "the chart and CSV", "the screenshot", "the CSV": what people would call the files. */
function describeFiles(files: readonly Attachment[], contentKind: string): string {
  const image = contentKind === 'chart' || contentKind === 'screenshot' ? contentKind : 'image';
  const names = [...new Set(files.map((f) => (f.kind === 'csv' ? 'CSV' : image)))];
  const last = names.pop() ?? 'files';
  return `the ${names.length > 0 ? `${names.join(', ')} and ${last}` : last}`;
}

function joinNotes(...notes: (string | null)[]): string | null {
  const present = notes.filter((n): n is string => n !== null);
  return present.length === 0 ? null : present.join('; ');
}

/** The outcome's `picture`, only when the message had one. */
function pictureOf(posted: Posted): { picture?: 'native' | 'image' } {
  return posted.picture === null ? {} : { picture: posted.picture };
}

function hasNativeBlocks(content: SlackMessage): boolean {
  return content.blocks.some((b) => b.type === 'data_visualization' || b.type === 'table');
}

function failed(failure: { unknown: boolean; error: string }): DeliveryOutcome {
  return { ok: false, unknown: failure.unknown, error: failure.error };
}
