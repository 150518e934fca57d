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
import { matchPosted, rewriteMessage, threadOwner } from './slack-post.js';

export interface SlackSentMessagesOptions {
  client: WebClient;
  logger: Logger;
  clock: Clock;
  /** Messages per page and pages read per place; default 200 and 5 (smaller in tests). */
  pages?: { size: number; max: number };
}

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
      const found = matchPosted(listed.value.messages ?? [], threadTs, query.executionId, query.kinds);
      if (found !== null) return { kind: 'found', ...found };
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
    const owner = await threadOwner(client, thread, status.alert.id, signal, logger);
    if (owner !== 'own') return owner === 'unknown' ? 'could not read the first message to update it' : null;
    const content = renderSlack(firingStatusDoc(status.alert, 'firing', status.value, status.at, status.series), { surface: 'message', now: clock() }).message;
    return rewriteMessage(client, thread, content, signal, logger);
  }

  return { find, showFiring };
}

