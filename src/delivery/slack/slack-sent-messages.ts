// Reconciliation's look-ups in Slack (the SentMessages port): a send whose outcome was unknown
// is looked for by its metadata (find-posted.ts) among the channel's (or DM's) top-level
// messages around the send, then in the threads it may have replied in; and an incident's
// first message is rewritten to the alert's status as slack-delivery.ts does after a repeat.
// Only reads and chat.update: nothing is ever posted from here.
import type { WebClient } from '@slack/web-api';
import { recipientKey, type Recipient } from '../../domain/types.js';
import type { Logger } from '../../logger.js';
import type { LookupAnswer } from '../../domain/reconcile.js';
import { firingStatusDoc } from '../../messages/firing-status.js';
import { renderSlack } from '../../messages/slack/render-slack.js';
import type { FiringStatus, SentMessages, SentQuery } from '../../services/delivery-port.js';
import { callSlack } from '../../slack-api/call.js';
import { findPosted } from './find-posted.js';
import { formatMessageRef, parseMessageRef } from './slack-delivery.js';
import type { Clock } from '../../clock.js';

export interface SlackSentMessagesOptions {
  client: WebClient;
  logger: Logger;
  clock: Clock;
}

/** Slack stamps a message when it handles the post; the look-up starts this long before the send (clocks differ a little). */
const EARLIER_S = 60;

export function createSlackSentMessages(options: SlackSentMessagesOptions): SentMessages {
  const { client, clock } = options;
  const baseLogger = options.logger.child({ module: 'slack-sent-messages' });
  /** DM channel id per user id: conversations.open answers the same id every time. */
  const dmChannels = new Map<string, string>();

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

  async function find(recipient: Exclude<Recipient, { kind: 'email' }>, query: SentQuery, signal: AbortSignal): Promise<LookupAnswer> {
    const logger = baseLogger.child({ recipient: recipientKey(recipient), executionId: query.executionId });
    const channel = await conversationOf(recipient, signal, logger);
    if (!channel.ok) return { kind: 'unanswered', why: channel.why };
    const window = { oldest: query.from.getTime() / 1000 - EARLIER_S, latest: query.until.getTime() / 1000, executionId: query.executionId, kinds: query.kinds };

    const top = await findPosted(client, { channel: channel.id, ...window }, signal, logger);
    if (top.kind === 'found') return { kind: 'found', ref: formatMessageRef(top), reply: false };
    if (top.kind === 'unknown') return { kind: 'unanswered', why: top.why };
    // A reply records its thread's ref, as a repeat delivered in time does.
    for (const ref of new Set(query.threads)) {
      const thread = parseMessageRef(ref);
      if (thread === null || thread.channel !== channel.id) continue;
      const reply = await findPosted(client, { channel: channel.id, threadTs: thread.ts, ...window }, signal, logger);
      if (reply.kind === 'found') return { kind: 'found', ref: formatMessageRef(thread), reply: true };
      if (reply.kind === 'unknown') return { kind: 'unanswered', why: reply.why };
    }
    return { kind: 'absent' };
  }

  async function showFiring(ref: string, status: FiringStatus, signal: AbortSignal): Promise<string | null> {
    const thread = parseMessageRef(ref);
    if (thread === null) return `the first message's reference ${ref} is not a Slack message`;
    const logger = baseLogger.child({ alertId: status.alert.id, thread: ref });
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

  return { find, showFiring };
}
