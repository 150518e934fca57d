// Reconciliation's look-ups in Slack (the SentMessages port). A send whose outcome was unknown is
// looked for by the metadata every post carries — event `lookout_alert` with the execution id
// and kind, or a storm digest (`lookout_digest`) listing the execution — among the channel's (or
// DM's) top-level messages around the send, then among the replies of the threads it may have
// replied in. And an incident's first message is rewritten to the alert's status, as
// slack-delivery.ts does after a repeat. Only reads and chat.update: nothing is posted from here.
// The event types are the ones slack-delivery.ts posts with; test/integration/delivery/slack/
// slack-sent-messages.test.ts finds what the real delivery posted, so the two cannot drift apart.
// https://docs.slack.dev/reference/methods/conversations.history
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../clock.js';
import type { LookupAnswer } from '../../domain/reconcile.js';
import { recipientKey, type Recipient } from '../../domain/types.js';
import type { Logger } from '../../logger.js';
import { firingStatusDoc } from '../../messages/firing-status.js';
import { renderSlack } from '../../messages/slack/render-slack.js';
import type { FiringStatus, SentMessages, SentQuery } from '../../services/delivery-port.js';
import { callSlack } from '../../slack-api/call.js';
import { formatMessageRef, parseMessageRef } from './slack-delivery.js';

export interface SlackSentMessagesOptions {
  client: WebClient;
  logger: Logger;
  clock: Clock;
  /** Messages per page and pages read per place; default 200 and 5 (smaller in tests). */
  pages?: { size: number; max: number };
}

/** An alert's own post (slack-delivery.ts). */
const MESSAGE_EVENT = 'lookout_alert';
/** A storm digest: its payload's `listed` holds { alert_id, execution_id } of every alert in it. */
const DIGEST_EVENT = 'lookout_digest';
/** Slack stamps a message when it handles the post; the look-up starts this long before the send (clocks differ a little). */
const EARLIER_S = 60;
/**
 * Messages per page (Slack recommends at most 200), and pages read at most: a window busier than
 * that gives no answer rather than a wrong "absent".
 */
const PAGES = { size: 200, max: 5 };

/** Where to look: a channel's top-level messages, or one thread's replies, between two Unix times. */
interface Place {
  channel: string;
  threadTs?: string;
  oldest: number;
  latest: number;
}

type Listed = { kind: 'found'; ts: string; digest: boolean } | { kind: 'absent' } | { kind: 'unknown'; why: string };

interface Metadata {
  event_type?: string;
  event_payload?: Record<string, unknown>;
}

export function createSlackSentMessages(options: SlackSentMessagesOptions): SentMessages {
  const { client, clock } = options;
  const pages = options.pages ?? PAGES;
  const baseLogger = options.logger.child({ module: 'slack-sent-messages' });
  /** DM channel id per user id: conversations.open answers the same id every time. */
  const dmChannels = new Map<string, string>();

  async function find(recipient: Exclude<Recipient, { kind: 'email' }>, query: SentQuery, signal: AbortSignal): Promise<LookupAnswer> {
    const logger = baseLogger.child({ recipient: recipientKey(recipient), executionId: query.executionId });
    const channel = await conversationOf(recipient, signal, logger);
    if (!channel.ok) return { kind: 'unanswered', why: channel.why };
    const window = { oldest: query.from.getTime() / 1000 - EARLIER_S, latest: query.until.getTime() / 1000 };

    const top = await list({ channel: channel.id, ...window }, query, signal, logger);
    if (top.kind === 'found') return { kind: 'found', ref: formatMessageRef({ channel: channel.id, ts: top.ts }), reply: false, digest: top.digest };
    if (top.kind === 'unknown') return { kind: 'unanswered', why: top.why };
    // A reply records its thread's ref, as a repeat delivered in time does.
    for (const ref of new Set(query.threads)) {
      const thread = parseMessageRef(ref);
      if (thread === null || thread.channel !== channel.id) continue;
      const reply = await list({ channel: channel.id, threadTs: thread.ts, ...window }, query, signal, logger);
      if (reply.kind === 'found') return { kind: 'found', ref: formatMessageRef(thread), reply: true, digest: false };
      if (reply.kind === 'unknown') return { kind: 'unanswered', why: reply.why };
    }
    return { kind: 'absent' };
  }

  /** The execution's message in one place, page by page. */
  async function list(place: Place, query: SentQuery, signal: AbortSignal, logger: Logger): Promise<Listed> {
    const { channel, threadTs } = place;
    const common = { channel, oldest: place.oldest.toFixed(6), latest: place.latest.toFixed(6), include_all_metadata: true, limit: pages.size };
    let cursor: string | undefined;
    for (let page = 1; page <= pages.max; page += 1) {
      const args = { ...common, ...(cursor !== undefined ? { cursor } : {}) };
      const listed = await callSlack(
        threadTs === undefined ? 'conversations.history' : 'conversations.replies',
        () => (threadTs === undefined ? client.conversations.history(args) : client.conversations.replies({ ...args, ts: threadTs })),
        signal,
        { sideEffect: false },
        logger,
      );
      if (!listed.ok) {
        logger.warn({ code: listed.failure.code }, 'could not look up whether a send reached Slack');
        return { kind: 'unknown', why: listed.failure.error };
      }
      for (const m of listed.value.messages ?? []) {
        if (m.ts === undefined || m.ts === threadTs) continue;
        const metadata = (m as { metadata?: Metadata }).metadata;
        const payload = metadata?.event_payload;
        if (metadata?.event_type === MESSAGE_EVENT && payload?.execution_id === query.executionId && (query.kinds as readonly unknown[]).includes(payload.kind)) {
          return { kind: 'found', ts: m.ts, digest: false };
        }
        if (metadata?.event_type === DIGEST_EVENT && threadTs === undefined && lists(payload, query.executionId)) return { kind: 'found', ts: m.ts, digest: true };
      }
      cursor = listed.value.response_metadata?.next_cursor || undefined;
      if (listed.value.has_more !== true) return { kind: 'absent' };
      if (cursor === undefined) break;
    }
    return { kind: 'unknown', why: `more than ${pages.size * pages.max} messages were posted there meanwhile, too many to look through` };
  }

  async function conversationOf(recipient: Exclude<Recipient, { kind: 'email' }>, signal: AbortSignal, logger: Logger): Promise<{ ok: true; id: string } | { ok: false; why: string }> {
    if (recipient.kind === 'slack_channel') return { ok: true, id: recipient.id };
    const cached = dmChannels.get(recipient.id);
    if (cached !== undefined) return { ok: true, id: cached };
    const opened = await callSlack('conversations.open', () => client.conversations.open({ users: recipient.id }), signal, { sideEffect: false }, logger);
    if (!opened.ok) return { ok: false, why: opened.failure.error };
    const id = opened.value.channel?.id;
    if (id === undefined) return { ok: false, why: 'Slack opened no direct message channel for this person' };
    dmChannels.set(recipient.id, id);
    return { ok: true, id };
  }

  async function showFiring(ref: string, status: FiringStatus, signal: AbortSignal): Promise<string | null> {
    const thread = parseMessageRef(ref);
    if (thread === null) return `the first message's reference ${ref} is not a Slack message`;
    const logger = baseLogger.child({ alertId: status.alert.id, thread: ref });
    // Only the alert's own first message: a storm digest (or anything else) is never rewritten with one alert's status.
    const owner = await ownerOf(thread, signal, logger);
    if (owner !== status.alert.id) return owner === null ? 'could not read the first message to update it' : null;
    const content = renderSlack(firingStatusDoc(status.alert, 'firing', status.value, status.at, status.series), { surface: 'message', now: clock() }).message;
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

  /** The alert id in the metadata of the message at `thread`; '' for a message that is not one alert's; null when Slack could not be asked. */
  async function ownerOf(thread: { channel: string; ts: string }, signal: AbortSignal, logger: Logger): Promise<string | null> {
    const listed = await callSlack(
      'conversations.replies',
      () => client.conversations.replies({ channel: thread.channel, ts: thread.ts, limit: 1, include_all_metadata: true }),
      signal,
      { sideEffect: false },
      logger,
    );
    if (!listed.ok) return null;
    const parent = (listed.value.messages ?? []).find((m) => m.ts === thread.ts);
    if (parent === undefined) return null;
    const metadata = (parent as { metadata?: Metadata }).metadata;
    return metadata?.event_type === MESSAGE_EVENT && typeof metadata.event_payload?.alert_id === 'string' ? metadata.event_payload.alert_id : '';
  }

  return { find, showFiring };
}

/** Whether a digest's metadata lists this execution. */
function lists(payload: Record<string, unknown> | undefined, executionId: string): boolean {
  const listed = payload?.listed;
  return Array.isArray(listed) && listed.some((l) => (l as { execution_id?: unknown } | null)?.execution_id === executionId);
}
