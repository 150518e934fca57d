// The delivery port over Slack's Web API. A channel gets chat.postMessage; a person gets a DM
// (conversations.open first, its channel id cached). The first firing message's "<channel>:<ts>"
// is the ref the runner keeps per recipient: repeats and the recovery reply in its thread, and
// that first message is rewritten (chat.update) to show where the alert stands now, when that
// changed (a repeat that changes nothing on it is the reply alone). Whose the first message is and
// what it shows travel with the alert (first-message.ts), not in this instance's memory.
// Every post waits its turn in its channel's queue (channel-queue.ts: Slack's pace of about one
// message a second per channel, a 429 pausing that channel); in a storm the waiting firing
// messages go as one digest (channel-turns.ts), whose ref each listed alert gets: its repeats and
// recovery reply in the digest's thread, and the digest itself is never rewritten.
// What a message says comes from src/messages (composed once, drawn as Block Kit there); here it
// is only posted. Slack's own chart and table blocks go when the data fit; if Slack refuses them
// (invalid_blocks: nothing was posted) the same message goes again with the PNG and a text table.
// Content messages carry their files (slack-files.ts) right after the post, in the same channel
// and thread; a file that fails is a note, since the message itself went out.
// Build the client with createSlackClient() (slack-api/client.ts): retries are done here.
import type { WebClient } from '@slack/web-api';
import { systemClock, type Clock } from '../../clock.js';
import type { Attachment } from '../../content/port.js';
import { SLACK_POSTS, type Config } from '../../config.js';
import { recipientKey, type Recipient } from '../../domain/types.js';
import type { Logger } from '../../logger.js';
import { composeMessage } from '../../messages/compose.js';
import { firingStatusDoc, firingStatusShown } from '../../messages/firing-status.js';
import { showsContent, threadOf, type OutgoingMessage } from '../../messages/outgoing.js';
import type { SlackMessage } from '../../messages/slack/limits.js';
import { renderSlack, type RenderedSlack } from '../../messages/slack/render-slack.js';
import type { Delivery, DeliveryOutcome } from '../../services/delivery-port.js';
import { callSlack, RATE_LIMIT_TIMEOUT, type CallResult } from '../../slack-api/call.js';
import { createChannelQueue, type Queued } from './channel-queue.js';
import { createPostTurns, isDigestible, type PostResult, type QueuedPost } from './channel-turns.js';
import { formatDrawn, shownHash } from './first-message.js';
import { uploadAttachments, type FileDestination } from './slack-files.js';
import { findPosted, firstMessage, formatMessageRef, parseMessageRef, rewriteMessage, type Posted, type PostTarget, type SlackMessageRef } from './slack-post.js';

export interface SlackDeliveryOptions {
  client: WebClient;
  /** The bot token, which the file upload URL wants as Bearer (the client keeps its own private). */
  token: string;
  logger: Logger;
  /** For the "snooze until" picker's initial time and where a look-up starts; defaults to the system clock. */
  clock?: Clock;
  /** Slack's pace per channel and the storm rule (config `slack.*`); defaults: SLACK_POSTS. */
  posts?: Config['slackPosts'];
}

export { formatMessageRef, parseMessageRef, type SlackMessageRef } from './slack-post.js';

/** What was posted and how its picture was shown. */
interface Shown {
  posted: Posted;
  picture: RenderedSlack['picture'];
}

/** Posts again after a failure Slack answered, when the look-up shows the message is not there. */
const MAX_REPOSTS = 5;
/** The look-up starts this long before the first attempt (clocks differ a little). */
const LOOKUP_SLACK_S = 60;

export function createSlackDelivery(options: SlackDeliveryOptions): Delivery {
  const { client } = options;
  const clock = options.clock ?? systemClock;
  const settings = options.posts ?? SLACK_POSTS;
  const baseLogger = options.logger.child({ module: 'slack-delivery' });
  /** DM channel id per user id: conversations.open answers the same id every time. */
  const dmChannels = new Map<string, string>();
  const turns = createPostTurns({ client, storm: settings.storm, clock, logger: baseLogger });
  const queue = createChannelQueue<QueuedPost, PostResult>({
    intervalMs: 1000 / settings.channelPostsPerS,
    maxWaiting: settings.channelQueueMax,
    nextTurn: turns.nextTurn,
    logger: baseLogger,
  });

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
      const shown = await postShown({ recipient, channel: thread.channel, threadTs: thread.ts, content: content.message, message }, content, signal, logger);
      if (!shown.ok) return failed(shown.failure);
      const filesNote = await attach(message, shown.value.picture, { channel: thread.channel, threadTs: thread.ts }, signal, logger);
      const first = await updateFirst(thread, message, signal, logger);
      return { ok: true, ref: formatMessageRef(thread), note: joinNotes(filesNote, first.note), ...first.drawn, ...pictureOf(shown.value) };
    }

    const channel = await conversationFor(recipient, signal, logger);
    if (!channel.ok) return failed(channel.failure);
    const target: PostTarget = { recipient, channel: channel.value, threadTs: undefined, content: content.message, message };
    const shown = await postShown(target, content, signal, logger);
    if (!shown.ok) return failed(shown.failure);
    const { ref, digest } = shown.value.posted;
    const refText = ref === null ? null : formatMessageRef(ref);
    // The first message as posted: this alert's own, or the digest it went in.
    const drawn = refText === null ? {} : { drawn: formatDrawn(refText, digest ? { owner: 'digest' } : { owner: 'own', shown: '' }) };
    if (digest) {
      // A digest lists the alert with its buttons; its chart, table and files are left out.
      const files = showsContent(message) && message.attachments.length > 0 ? `posted in a storm digest, without ${describeFiles(message.attachments, message.alert.content.kind)}` : null;
      return { ok: true, ref: refText, note: files, digest: true, ...drawn };
    }
    // A top-level message's files go top-level too, right under it.
    const note = await attach(message, shown.value.picture, { channel: ref?.channel ?? channel.value }, signal, logger);
    return { ok: true, ref: refText, note, ...drawn, ...pictureOf(shown.value) };
  }

  /**
   * Posts the message with Slack's own chart and table blocks; if Slack refuses them
   * (invalid_blocks: an older workspace or client rollout; nothing was posted), posts it again
   * drawn without them, so the PNG and a text table go instead.
   */
  async function postShown(target: PostTarget, content: RenderedSlack, signal: AbortSignal, logger: Logger): Promise<CallResult<Shown>> {
    const first = await post(target, signal, logger);
    if (first.ok) return { ok: true, value: { posted: first.value, picture: first.value.digest ? null : content.picture } };
    if (first.failure.code !== 'invalid_blocks' || !hasNativeBlocks(content.message)) return first;
    logger.warn({ picture: content.picture }, "Slack refused its own chart or table block; posting with the picture and a text table");
    const plain = renderSlack(composeMessage(target.message), { surface: 'message', native: false, now: clock() });
    const second = await post({ ...target, content: plain.message }, signal, logger);
    return second.ok ? { ok: true, value: { posted: second.value, picture: second.value.digest ? null : plain.picture } } : second;
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

  async function post(target: PostTarget, signal: AbortSignal, logger: Logger): Promise<CallResult<Posted>> {
    // Messages Lookout looks through after an ambiguous failure start no earlier than this.
    const since = clock().getTime() / 1000 - LOOKUP_SLACK_S;
    if (isDigestible(target)) turns.noteArrival(target.channel);
    for (let attempt = 1; ; attempt += 1) {
      const result = await queued(target, signal, logger);
      // Slack answered a 5xx or internal_error: the request is over, and whether it posted the
      // message can be looked up by its metadata. Not after a timeout, when it may still land.
      if (result.ok || !result.failure.unknown || result.failure.answered !== true || attempt > MAX_REPOSTS) return result;
      const found = await findPosted(client, target, since, signal, logger);
      if (found === 'unknown') return result;
      if (found !== null) {
        logger.info({ attempt }, 'the post that failed had reached Slack; not posting again');
        return { ok: true, value: found };
      }
      logger.info({ attempt }, 'the post that failed did not reach Slack; posting again');
    }
  }

  /** One post through its channel's queue, as a call result. */
  async function queued(target: PostTarget, signal: AbortSignal, logger: Logger): Promise<PostResult> {
    const outcome = await queue.submit(target.channel, { target, logger }, signal);
    const result = queuedResult(outcome);
    // A cached DM that Slack no longer knows is opened afresh next time.
    if (!result.ok && target.recipient.kind === 'slack_user' && result.failure.code === 'channel_not_found') dmChannels.delete(target.recipient.id);
    return result;
  }

  /**
   * Rewrites the first message of the incident to show where the alert stands now — only when
   * that message is this alert's own: a storm digest lists other alerts too and is left as it is.
   * Whose it is and what it shows come with the message (`threadDrawn`); Slack is asked whose it is
   * only when that is unknown (a thread from before, or one found again by reconciliation).
   * A failure is only a note, since the reply went out. `drawn` is what the message shows after.
   */
  async function updateFirst(thread: SlackMessageRef, message: OutgoingMessage, signal: AbortSignal, logger: Logger): Promise<{ note: string | null; drawn: { drawn?: string } }> {
    const ref = formatMessageRef(thread);
    const threadDrawn = message.kind === 'repeat' || message.kind === 'resolved' ? message.threadDrawn : undefined;
    const first = await firstMessage(client, thread, message.alert.id, threadDrawn, signal, logger);
    if (first === 'unknown') return { note: 'could not check that the first message is this alert’s own, so it was not updated', drawn: {} };
    if (first.owner !== 'own') return { note: null, drawn: { drawn: formatDrawn(ref, first) } };
    const state = message.kind === 'resolved' ? 'resolved' : 'firing';
    const value = message.kind === 'repeat' || message.kind === 'resolved' ? message.value : null;
    const series = message.kind === 'repeat' || message.kind === 'resolved' ? message.series : null;
    const at = message.evaluatedAt;
    // A run that changes nothing the message shows is only the reply: one Slack call, not two.
    // chat.update is Tier 3 (about 50 a minute per workspace), so rewriting every repeat cannot last.
    const shown = shownHash(renderSlack(firingStatusShown(message.alert, state, value, at, series), { surface: 'message', now: at }).message.blocks);
    if (first.shown === shown) return { note: null, drawn: { drawn: formatDrawn(ref, first) } };
    const status = renderSlack(firingStatusDoc(message.alert, state, value, at, series), { surface: 'message', now: clock() });
    const note = await rewriteMessage(client, thread, status.message, signal, logger);
    return { note, drawn: { drawn: formatDrawn(ref, { owner: 'own', shown: note === null ? shown : '' }) } };
  }

  return { send };
}

/** How a post left its channel's queue, as the call result the rest of the delivery reads. */
function queuedResult(outcome: Queued<PostResult>): PostResult {
  switch (outcome.kind) {
    case 'done':
      return outcome.result;
    case 'full':
      return {
        ok: false,
        failure: {
          unknown: false,
          code: null,
          error: `${outcome.waiting} messages were already waiting for this channel (Slack takes about one a second per channel), which is as many as Lookout keeps; this one was not sent`,
        },
      };
    case 'expired':
      return {
        ok: false,
        failure: {
          unknown: false,
          code: outcome.rateLimited ? 'ratelimited' : null,
          error: outcome.rateLimited
            ? RATE_LIMIT_TIMEOUT
            : 'the working timeout ran out while the message waited its turn for the channel (Slack takes about one message a second per channel); it was not sent',
        },
      };
    case 'aborted_in_flight':
      return {
        ok: false,
        failure: { unknown: true, answered: false, code: null, error: 'the working timeout ran out while waiting for Slack to answer; the message may or may not have been posted, so Lookout did not send it again' },
      };
    case 'crashed':
      return { ok: false, failure: { unknown: true, answered: false, code: null, error: 'unexpected failure while posting to Slack; the Lookout log has the details' } };
  }
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
function pictureOf(shown: Shown): { picture?: 'native' | 'image' } {
  return shown.picture === null ? {} : { picture: shown.picture };
}

function hasNativeBlocks(content: SlackMessage): boolean {
  return content.blocks.some((b) => b.type === 'data_visualization' || b.type === 'table');
}

function failed(failure: { unknown: boolean; error: string }): DeliveryOutcome {
  return { ok: false, unknown: failure.unknown, error: failure.error };
}
