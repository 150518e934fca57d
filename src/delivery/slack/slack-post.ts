// The chat.postMessage calls of the Slack delivery — one alert's message, or a storm digest —
// and the look-up that finds a post again after an ambiguous failure, by the metadata every post
// carries. A 429 is handed back (rateLimited: 'return'): the channel queue (channel-queue.ts)
// owns the wait, for every post to that channel at once.
import type { WebClient } from '@slack/web-api';
import type { Recipient } from '../../domain/types.js';
import type { Logger } from '../../logger.js';
import type { OutgoingMessage } from '../../messages/outgoing.js';
import type { SlackMessage } from '../../messages/slack/limits.js';
import { callSlack, type CallResult } from '../../slack-api/call.js';
import { parseDrawn, type FirstMessage } from './first-message.js';

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
export interface PostTarget {
  recipient: Recipient;
  channel: string;
  threadTs: string | undefined;
  content: SlackMessage;
  message: OutgoingMessage;
}

/** Where a post went; `digest` when it went inside a storm digest. */
export interface Posted {
  ref: SlackMessageRef | null;
  digest: boolean;
}

/** Slack message metadata: finds a post again after an ambiguous failure (execution + kind). */
export const METADATA_EVENT = 'lookout_alert';
/** A digest's metadata lists every alert and execution in it (`listed`: [{ alert_id, execution_id }]). */
export const DIGEST_EVENT = 'lookout_digest';

/** One alert's message. */
export async function postOne(client: WebClient, target: PostTarget, signal: AbortSignal, logger: Logger): Promise<CallResult<Posted>> {
  const { channel, threadTs, content, message } = target;
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
    { sideEffect: true, rateLimited: 'return' },
    logger,
  );
  return posted(result, channel, logger);
}

/** A storm digest listing these (firing) messages, drawn as `content`. */
export async function postDigest(
  client: WebClient,
  channel: string,
  content: SlackMessage,
  listed: readonly OutgoingMessage[],
  signal: AbortSignal,
  logger: Logger,
): Promise<CallResult<Posted>> {
  const result = await callSlack(
    'chat.postMessage',
    () =>
      client.chat.postMessage({
        channel,
        text: content.text,
        blocks: content.blocks,
        unfurl_links: false,
        unfurl_media: false,
        metadata: {
          event_type: DIGEST_EVENT,
          event_payload: { kind: 'firing', listed: listed.map((m) => ({ alert_id: m.alert.id, execution_id: m.executionId })) },
        },
      }),
    signal,
    { sideEffect: true, rateLimited: 'return' },
    logger,
  );
  const out = posted(result, channel, logger);
  return out.ok ? { ok: true, value: { ...out.value, digest: true } } : out;
}

function posted(result: CallResult<{ ts?: string; channel?: string }>, channel: string, logger: Logger): CallResult<Posted> {
  if (!result.ok) return result;
  const ts = result.value.ts;
  if (ts === undefined) {
    logger.warn('chat.postMessage answered without a ts; the message cannot be threaded');
    return { ok: true, value: { ref: null, digest: false } };
  }
  return { ok: true, value: { ref: { channel: result.value.channel ?? channel, ts }, digest: false } };
}

interface Metadata {
  event_type?: string;
  event_payload?: Record<string, unknown>;
}

function metadataOf(message: unknown): Metadata | undefined {
  return (message as { metadata?: Metadata }).metadata;
}

/**
 * This execution's message of this kind in the channel (or thread) since `since` — its own, or a
 * digest that lists it — found by the metadata every post carries; null when it is not there;
 * 'unknown' when Slack could not be asked (a missing *:history scope, the working timeout).
 */
export async function findPosted(client: WebClient, target: PostTarget, since: number, signal: AbortSignal, logger: Logger): Promise<Posted | null | 'unknown'> {
  const { channel, threadTs, message } = target;
  const common = { channel, oldest: since.toFixed(6), include_all_metadata: true, limit: 200 };
  const listed = await callSlack(
    threadTs === undefined ? 'conversations.history' : 'conversations.replies',
    () => (threadTs === undefined ? client.conversations.history(common) : client.conversations.replies({ ...common, ts: threadTs })),
    signal,
    { sideEffect: false },
    logger,
  );
  if (!listed.ok) {
    logger.warn({ code: listed.failure.code }, 'could not look up whether the post reached Slack');
    return 'unknown';
  }
  const found = matchPosted(listed.value.messages ?? [], threadTs, message.executionId, [message.kind]);
  if (found !== null) return { ref: { channel, ts: found.ts }, digest: found.digest };
  return null;
}

/**
 * Among listed messages (a channel's, or a thread's replies without its parent), the one this
 * execution posted of one of these kinds — its own, or a top-level digest that lists it.
 */
export function matchPosted(messages: readonly unknown[], threadTs: string | undefined, executionId: string, kinds: readonly string[]): { ts: string; digest: boolean } | null {
  for (const m of messages) {
    const ts = (m as { ts?: string }).ts;
    if (ts === undefined || ts === threadTs) continue;
    const metadata = metadataOf(m);
    const payload = metadata?.event_payload;
    if (metadata?.event_type === METADATA_EVENT && payload?.execution_id === executionId && kinds.includes(String(payload.kind))) return { ts, digest: false };
    if (metadata?.event_type === DIGEST_EVENT && threadTs === undefined && digestLists(payload, executionId)) return { ts, digest: true };
  }
  return null;
}

/** Rewrites a message in place (the first firing message's status); a failure is a sentence, since what it updates already went out. */
export async function rewriteMessage(client: WebClient, thread: SlackMessageRef, content: SlackMessage, signal: AbortSignal, logger: Logger): Promise<string | null> {
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

/** Whether a digest's metadata lists this execution. */
function digestLists(payload: Record<string, unknown> | undefined, executionId: string): boolean {
  const listed = payload?.listed;
  return Array.isArray(listed) && listed.some((l) => (l as { execution_id?: unknown } | null)?.execution_id === executionId);
}

/**
 * Who the first message of a thread belongs to, by its metadata: 'digest' for a storm digest,
 * 'own' for this alert's own message (or one posted before messages carried metadata), 'other'
 * for anything else; 'unknown' when Slack could not be asked.
 */
export async function threadOwner(
  client: WebClient,
  thread: SlackMessageRef,
  alertId: string,
  signal: AbortSignal,
  logger: Logger,
): Promise<'own' | 'digest' | 'other' | 'unknown'> {
  const listed = await callSlack(
    'conversations.replies',
    () => client.conversations.replies({ channel: thread.channel, ts: thread.ts, limit: 1, include_all_metadata: true }),
    signal,
    { sideEffect: false },
    logger,
  );
  if (!listed.ok) {
    logger.warn({ code: listed.failure.code }, 'could not look up the first message of the thread');
    return 'unknown';
  }
  const parent = (listed.value.messages ?? []).find((m) => m.ts === thread.ts);
  if (parent === undefined) return 'unknown';
  const metadata = metadataOf(parent);
  if (metadata?.event_type === DIGEST_EVENT) return 'digest';
  if (metadata?.event_type === METADATA_EVENT) return metadata.event_payload?.alert_id === alertId ? 'own' : 'other';
  return metadata === undefined ? 'own' : 'other';
}

/**
 * Whose the first message of a thread is and what it shows: as the token the alert kept says
 * (AlertRuntime.drawn), else asked of Slack (threadOwner; nothing known drawn on it then);
 * 'unknown' when Slack could not be asked.
 */
export async function firstMessage(
  client: WebClient,
  thread: SlackMessageRef,
  alertId: string,
  token: string | undefined,
  signal: AbortSignal,
  logger: Logger,
): Promise<FirstMessage | 'unknown'> {
  const known = parseDrawn(formatMessageRef(thread), token);
  if (known !== null) return known;
  const found = await threadOwner(client, thread, alertId, signal, logger);
  return found === 'unknown' ? 'unknown' : found === 'own' ? { owner: 'own', shown: '' } : { owner: found };
}
