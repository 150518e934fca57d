// What each turn of a channel's queue posts: the first post in line, or — in a storm
// (domain/storm.ts) — the top-level firing messages waiting there as one digest, as many as fit
// one message (messages/slack/render-digest.ts); the rest wait for the next turn.
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../clock.js';
import { arrivalsWithin, planStormTurn, type StormSettings } from '../../domain/storm.js';
import type { Logger } from '../../logger.js';
import { digestEntry } from '../../messages/digest.js';
import type { FiringMessage } from '../../messages/outgoing.js';
import { renderDigest } from '../../messages/slack/render-digest.js';
import type { CallResult } from '../../slack-api/call.js';
import type { Turn } from './channel-queue.js';
import { postDigest, postOne, type Posted, type PostTarget } from './slack-post.js';

/** A post waiting for its channel. */
export interface QueuedPost {
  target: PostTarget;
  logger: Logger;
}

export type PostResult = CallResult<Posted>;

export interface PostTurnsOptions {
  client: WebClient;
  storm: StormSettings;
  clock: Clock;
  logger: Logger;
}

export interface PostTurns {
  /** Counts a digestible post arriving for `channel` (the storm window's arrivals). */
  noteArrival(channel: string): void;
  nextTurn(channel: string, waiting: readonly QueuedPost[]): Turn<PostResult>;
}

/** A top-level firing message to a channel: the only kind a digest lists (not replies, DMs, reports, notices). */
export function isDigestible(target: PostTarget): target is PostTarget & { message: FiringMessage } {
  return target.recipient.kind === 'slack_channel' && target.threadTs === undefined && target.message.kind === 'firing';
}

export function createPostTurns(options: PostTurnsOptions): PostTurns {
  const { client, storm, clock, logger } = options;
  /** Per channel, the latest arrivals of digestible posts (at most threshold + 1 are kept). */
  const arrivals = new Map<string, Date[]>();

  function recentArrivals(channel: string): number {
    const recent = arrivalsWithin(arrivals.get(channel) ?? [], clock(), storm);
    if (recent.length === 0) arrivals.delete(channel);
    else arrivals.set(channel, recent);
    return recent.length;
  }

  return {
    noteArrival(channel) {
      const list = arrivals.get(channel) ?? [];
      list.push(clock());
      arrivals.set(channel, list.slice(-(storm.threshold + 1)));
    },

    nextTurn(channel, waiting) {
      const plan = planStormTurn(
        waiting.map((p) => ({ alertId: p.target.message.alert.id, digestible: isDigestible(p.target) })),
        recentArrivals(channel),
        storm,
      );
      const first = waiting[0];
      if (plan.kind === 'one' || first === undefined) {
        return { take: [0], run: async (signal) => rateLimitedOr(first === undefined ? null : await postOne(client, first.target, signal, first.logger), 1) };
      }
      const listed = plan.take.map((i) => waiting[i]?.target).filter((t): t is PostTarget & { message: FiringMessage } => t !== undefined && isDigestible(t));
      const digest = renderDigest(listed.map((t) => digestEntry(t.message)), clock());
      const take = plan.take.slice(0, digest.count);
      const messages = listed.slice(0, digest.count).map((t) => t.message);
      return {
        take,
        run: async (signal) => {
          logger.info({ channel, alerts: take.length, waiting: waiting.length }, 'storm: posting the waiting firing messages as one digest');
          return rateLimitedOr(await postDigest(client, channel, digest.message, messages, signal, logger), take.length);
        },
      };
    },
  };
}

/** The queue's outcome of one post: Slack's request to wait, or the same result for each post it carried. */
function rateLimitedOr(result: PostResult | null, count: number): Awaited<ReturnType<Turn<PostResult>['run']>> {
  if (result === null) return { kind: 'posted', results: [] };
  if (!result.ok && result.failure.code === 'ratelimited' && result.failure.retryAfterS !== undefined) {
    return { kind: 'rate_limited', retryAfterMs: result.failure.retryAfterS * 1000 };
  }
  return { kind: 'posted', results: Array.from({ length: count }, () => result) };
}
