// One line per Slack channel that every post to it waits in (issue 4/6, storm control). Slack
// takes about one message a second per channel and answers faster posting with HTTP 429 and
// Retry-After (SLACK-NOTES.md, "Rate limits"); so a channel's turns come at most once per
// `intervalMs`, and a 429 pauses that channel — only that one — for as long as Slack asked,
// after which the same posts get the next turn. Channels never wait for each other.
// Bounded: at most `maxWaiting` posts wait per channel (one more is refused at once), and each
// waits only as long as its own signal (its execution's working timeout) lets it.
// What a turn posts — the first in line, or several as one digest — is the caller's choice
// (nextTurn); the queue only keeps the order, the pace and the time.
import type { Logger } from '../../logger.js';

/** One turn of a channel: which waiting posts it takes and how it posts them. */
export interface Turn<R> {
  /** Indices into the waiting posts, the first in line among them. */
  take: number[];
  /**
   * Posts them; `signal` fires once every taken post's own signal has. Results are in the order
   * of `take`. 'rate_limited' means nothing was posted: they wait again, first in line.
   */
  run(signal: AbortSignal): Promise<{ kind: 'posted'; results: R[] } | { kind: 'rate_limited'; retryAfterMs: number }>;
}

export interface ChannelQueueOptions<P, R> {
  /** Least time between the starts of two turns of one channel. */
  intervalMs: number;
  /** Posts that may wait per channel; one more is refused ('full'). */
  maxWaiting: number;
  /** The next turn of `channel` for the posts waiting there, oldest first (never empty). */
  nextTurn(channel: string, waiting: readonly P[]): Turn<R>;
  logger: Logger;
}

/** How a post left the queue. */
export type Queued<R> =
  | { kind: 'done'; result: R }
  /** Refused on arrival: this many were waiting already. */
  | { kind: 'full'; waiting: number }
  /** Its signal fired while it waited (`rateLimited`: while Slack's Retry-After held the channel); nothing was sent. */
  | { kind: 'expired'; rateLimited: boolean }
  /** Its signal fired while it was being posted with others (a digest); it may have been. */
  | { kind: 'aborted_in_flight' }
  /** Its turn failed unexpectedly (a bug); it may have been posted. */
  | { kind: 'crashed' };

export interface ChannelQueue<P, R> {
  /** Waits for the post's turn in `channel` and resolves with how it went; never rejects. */
  submit(channel: string, post: P, signal: AbortSignal): Promise<Queued<R>>;
  /** Posts waiting for `channel` (not counting one being posted). */
  waiting(channel: string): number;
}

interface Entry<P, R> {
  post: P;
  signal: AbortSignal;
  /**
   * Being posted: 'alone' lets its own signal end the call (the call's result says how);
   * 'shared' (in a digest) stops waiting for the others at its own signal.
   */
  inFlight: false | 'alone' | 'shared';
  settled: boolean;
  settle(outcome: Queued<R>): void;
}

interface Lane<P, R> {
  waiting: Entry<P, R>[];
  /** Monotonic ms before which the next turn may not start. */
  nextAt: number;
  /** Whether that wait is Slack's Retry-After rather than the pace. */
  rateLimited: boolean;
  running: boolean;
  /** Ends the pump's wait early, once nothing waits any more (all expired). */
  wake: (() => void) | null;
}

export function createChannelQueue<P, R>(options: ChannelQueueOptions<P, R>): ChannelQueue<P, R> {
  const { intervalMs, maxWaiting, nextTurn, logger } = options;
  const lanes = new Map<string, Lane<P, R>>();
  const now = (): number => performance.now();

  function laneOf(channel: string): Lane<P, R> {
    let lane = lanes.get(channel);
    if (lane === undefined) {
      lane = { waiting: [], nextAt: 0, rateLimited: false, running: false, wake: null };
      lanes.set(channel, lane);
    }
    return lane;
  }

  function submit(channel: string, post: P, signal: AbortSignal): Promise<Queued<R>> {
    return new Promise<Queued<R>>((resolve) => {
      if (signal.aborted) {
        resolve({ kind: 'expired', rateLimited: false });
        return;
      }
      const lane = laneOf(channel);
      if (lane.waiting.length >= maxWaiting) {
        resolve({ kind: 'full', waiting: lane.waiting.length });
        return;
      }
      const onAbort = (): void => {
        if (entry.inFlight === 'alone') return;
        if (entry.inFlight === 'shared') {
          entry.settle({ kind: 'aborted_in_flight' });
          return;
        }
        const at = lane.waiting.indexOf(entry);
        if (at >= 0) lane.waiting.splice(at, 1);
        entry.settle({ kind: 'expired', rateLimited: lane.rateLimited && lane.nextAt > now() });
        if (lane.waiting.length === 0) lane.wake?.();
      };
      const entry: Entry<P, R> = {
        post,
        signal,
        inFlight: false,
        settled: false,
        settle(outcome) {
          if (entry.settled) return;
          entry.settled = true;
          signal.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      lane.waiting.push(entry);
      void pump(channel, lane);
    });
  }

  /** Runs the channel's turns while posts wait; one pump per lane at a time. */
  async function pump(channel: string, lane: Lane<P, R>): Promise<void> {
    if (lane.running) return;
    lane.running = true;
    try {
      while (lane.waiting.length > 0) {
        const wait = lane.nextAt - now();
        if (wait > 0) {
          await sleep(lane, wait);
          continue; // posts may have left (expired) meanwhile
        }
        await takeTurn(channel, lane);
      }
    } finally {
      lane.running = false;
      forgetWhenIdle(channel, lane);
    }
  }

  async function takeTurn(channel: string, lane: Lane<P, R>): Promise<void> {
    const waiting = [...lane.waiting];
    let turn: Turn<R>;
    try {
      turn = nextTurn(channel, waiting.map((e) => e.post));
    } catch (err) {
      logger.error({ err, channel }, 'could not plan the next post to a channel');
      const first = lane.waiting.shift();
      first?.settle({ kind: 'crashed' });
      return;
    }
    const taken = [...new Set(turn.take)].map((i) => waiting[i]).filter((e): e is Entry<P, R> => e !== undefined);
    if (taken.length === 0) {
      // A turn that takes nothing would spin: the first in line goes as a failure instead.
      lane.waiting.shift()?.settle({ kind: 'crashed' });
      return;
    }
    lane.waiting = lane.waiting.filter((e) => !taken.includes(e));
    for (const e of taken) e.inFlight = taken.length === 1 ? 'alone' : 'shared';
    const live = whileAnyLive(taken.map((e) => e.signal));
    let outcome: Awaited<ReturnType<Turn<R>['run']>> | null;
    try {
      outcome = await turn.run(live.signal);
    } catch (err) {
      logger.error({ err, channel }, 'a post to a channel failed unexpectedly');
      outcome = null;
    } finally {
      live.done();
    }
    if (outcome?.kind === 'rate_limited') {
      // Nothing was posted: pause the channel as Slack asked, then the same posts go first.
      lane.nextAt = now() + Math.max(outcome.retryAfterMs, intervalMs);
      lane.rateLimited = true;
      // One whose signal fired meanwhile is not posted later: it expired.
      for (const e of taken) if (!e.settled && e.signal.aborted) e.settle({ kind: 'expired', rateLimited: true });
      const back = taken.filter((e) => !e.settled);
      for (const e of back) e.inFlight = false;
      lane.waiting.unshift(...back);
      logger.info({ channel, retryAfterMs: outcome.retryAfterMs, waiting: lane.waiting.length }, 'Slack asked to slow down; the channel waits');
      return;
    }
    lane.nextAt = now() + intervalMs;
    lane.rateLimited = false;
    taken.forEach((e, i) => {
      const result = outcome?.results[i];
      e.settle(result === undefined ? { kind: 'crashed' } : { kind: 'done', result });
    });
  }

  /** Drops an idle lane once its pace no longer holds anything back. */
  function forgetWhenIdle(channel: string, lane: Lane<P, R>): void {
    setTimeout(() => {
      if (!lane.running && lane.waiting.length === 0 && lanes.get(channel) === lane) lanes.delete(channel);
    }, Math.max(0, lane.nextAt - now())).unref();
  }

  return { submit, waiting: (channel) => lanes.get(channel)?.waiting.length ?? 0 };
}

/** Waits `ms`, or until the lane is woken because nothing waits any more. */
function sleep(lane: { wake: (() => void) | null }, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      lane.wake = null;
      resolve();
    };
    const timer = setTimeout(done, ms);
    lane.wake = done;
  });
}

/**
 * A signal that fires once all of `signals` have: a digest is posted for as long as any of its
 * alerts' executions still has time (each of them stops waiting at its own deadline anyway).
 */
function whileAnyLive(signals: readonly AbortSignal[]): { signal: AbortSignal; done(): void } {
  if (signals.length === 1 && signals[0] !== undefined) return { signal: signals[0], done: () => undefined };
  const controller = new AbortController();
  const check = (): void => {
    if (signals.every((s) => s.aborted)) controller.abort();
  };
  for (const s of signals) s.addEventListener('abort', check, { once: true });
  check();
  return {
    signal: controller.signal,
    done: () => {
      for (const s of signals) s.removeEventListener('abort', check);
    },
  };
}
