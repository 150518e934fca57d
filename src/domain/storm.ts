// Storm control (issue 4/6): when many alerts fire into one Slack channel at once, the firing
// messages waiting for that channel go as one digest instead of one message each. The rule, in
// one sentence: when a channel's turn comes with a top-level firing message first in line, it
// and every other top-level firing message waiting for that channel (one per alert) go as one
// digest if at least two are waiting and more than `threshold` are waiting or arrived within
// the last `windowS` seconds; otherwise the first in line goes alone.
// It never holds a message back to wait for others: a lone alert goes at its turn, which comes
// at once on a quiet channel (the pace between turns is the queue's, delivery/slack).

export interface StormSettings {
  /** More than this many firing messages for one channel is a storm. */
  threshold: number;
  /** How far back arrivals count, seconds. */
  windowS: number;
}

export const DEFAULT_STORM: StormSettings = { threshold: 5, windowS: 60 };

/** A post waiting for its channel, as the rule sees it. */
export interface WaitingPost {
  alertId: string;
  /** A top-level firing message to a channel (not a reply, a DM, a report, a notice). */
  digestible: boolean;
}

/** What one turn of a channel posts: the first in line alone, or the listed waiting posts as one digest. */
export type StormTurn = { kind: 'one' } | { kind: 'digest'; take: number[] };

/**
 * The turn for `waiting` (in arrival order), given how many digestible posts arrived for the
 * channel within the window (see `arrivalsWithin`). A digest takes each alert once: a second
 * message of the same alert waits for a later turn.
 */
export function planStormTurn(waiting: readonly WaitingPost[], arrivedInWindow: number, settings: StormSettings): StormTurn {
  if (waiting[0]?.digestible !== true) return { kind: 'one' };
  const seen = new Set<string>();
  const take: number[] = [];
  waiting.forEach((post, index) => {
    if (!post.digestible || seen.has(post.alertId)) return;
    seen.add(post.alertId);
    take.push(index);
  });
  const storm = take.length >= 2 && Math.max(take.length, arrivedInWindow) > settings.threshold;
  return storm ? { kind: 'digest', take } : { kind: 'one' };
}

/**
 * The arrival times still inside the window at `now`, newest last, at most `threshold + 1` of
 * them: the rule only asks whether more than `threshold` arrived, so that is all it keeps.
 */
export function arrivalsWithin(arrivals: readonly Date[], now: Date, settings: StormSettings): Date[] {
  const from = now.getTime() - settings.windowS * 1000;
  const recent = arrivals.filter((at) => at.getTime() > from && at.getTime() <= now.getTime());
  return recent.slice(-(settings.threshold + 1));
}
