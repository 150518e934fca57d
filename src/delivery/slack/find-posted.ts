// Finding a message Lookout posted, by the metadata every post carries (event type
// `lookout_alert`, payload: alert id, execution id, kind), in a channel or one thread. Used
// after Slack answered a post with a 5xx (slack-delivery.ts: post again only if it is not
// there) and by reconciliation later (slack-sent-messages.ts). Needs the *:history scopes.
// https://docs.slack.dev/reference/methods/conversations.history
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../logger.js';
import { callSlack } from '../../slack-api/call.js';

/** Slack message metadata event type of Lookout's posts. */
export const METADATA_EVENT = 'lookout_alert';

/** Messages per page; Slack recommends at most 200. */
const PAGE = 200;
/** Pages read at most: a window busier than this gives no answer rather than a wrong "absent". */
const MAX_PAGES = 5;

export interface PostedQuery {
  channel: string;
  /** Look among this thread's replies instead of the channel's top-level messages. */
  threadTs?: string;
  /** Unix seconds: messages after this (and before `latest`, when given). */
  oldest: number;
  latest?: number;
  executionId: string;
  /** Kinds of message that count (the metadata's `kind`). */
  kinds: readonly string[];
}

export type Posted =
  | { kind: 'found'; channel: string; ts: string }
  | { kind: 'absent' }
  /** Slack could not be asked (a missing scope, an outage, the signal) or the window held too many messages. */
  | { kind: 'unknown'; why: string };

interface ListedMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

export async function findPosted(client: WebClient, query: PostedQuery, signal: AbortSignal, logger: Logger): Promise<Posted> {
  const { channel, threadTs } = query;
  const common = {
    channel,
    oldest: query.oldest.toFixed(6),
    ...(query.latest !== undefined ? { latest: query.latest.toFixed(6) } : {}),
    include_all_metadata: true,
    limit: PAGE,
  };
  let cursor: string | undefined;
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const args = { ...common, ...(cursor !== undefined ? { cursor } : {}) };
    const listed = await callSlack(
      threadTs === undefined ? 'conversations.history' : 'conversations.replies',
      () => (threadTs === undefined ? client.conversations.history(args) : client.conversations.replies({ ...args, ts: threadTs })),
      signal,
      { sideEffect: false },
      logger,
    );
    if (!listed.ok) {
      logger.warn({ code: listed.failure.code }, 'could not look up whether the post reached Slack');
      return { kind: 'unknown', why: listed.failure.error };
    }
    const messages = (listed.value.messages ?? []) as ListedMessage[];
    const ours = messages.find((m) => {
      const metadata = m.metadata;
      return (
        metadata?.event_type === METADATA_EVENT &&
        metadata.event_payload?.execution_id === query.executionId &&
        query.kinds.includes(String(metadata.event_payload?.kind)) &&
        (threadTs === undefined || m.ts !== threadTs)
      );
    });
    if (ours?.ts !== undefined) return { kind: 'found', channel, ts: ours.ts };
    cursor = listed.value.response_metadata?.next_cursor || undefined;
    if (listed.value.has_more !== true) return { kind: 'absent' };
    if (cursor === undefined) break;
  }
  return { kind: 'unknown', why: `more than ${PAGE * MAX_PAGES} messages were posted there meanwhile, too many to look through` };
}
