// The process-wide limit on evaluations running at once, and the set of those in flight,
// so a graceful stop can wait for them. Dispatch hands claimed ticks here and returns at
// once: a slow alert never holds its shard's next dispatch.
// An evaluation may give its slot back before it ends (`release`): once its query, content,
// messages and notices are done, what is left is waiting for its record to be written in a
// batch (store/batched-writes.ts), which holds no rows, connection or page. It stays in
// flight, so a stop still waits for the record.
// Work may also be handed in before it is due (`delayMs`, a tick claimed ahead): it is in flight
// from then on, so a stop waits for it, but takes a slot only when it is due.
import pLimit from 'p-limit';
import type { Logger } from '../logger.js';

export interface EvaluationPool {
  /**
   * Queues work under the concurrency limit, after `delayMs` if given; failures are logged, never
   * thrown. The work's slot is free when it calls `release` or ends, whichever comes first.
   */
  submit(label: string, work: (release: () => void) => Promise<unknown>, delayMs?: number): void;
  /** Evaluations queued or running (a released one until it ends). */
  readonly pending: number;
  /** Evaluations holding a slot now. */
  readonly running: number;
  /** Evaluations waiting for a free slot. */
  readonly queued: number;
  /** Resolves when nothing is queued or running. */
  drain(): Promise<void>;
}

export function createEvaluationPool(concurrency: number, logger: Logger): EvaluationPool {
  const limit = pLimit(concurrency);
  const inFlight = new Set<Promise<unknown>>();
  return {
    submit(label, work, delayMs = 0) {
      const task = new Promise<void>((ended) => {
        const queue = () =>
          void limit(
            () =>
              new Promise<void>((release) => {
                work(release)
                  .catch((err: unknown) => logger.error({ err, label }, 'evaluation failed'))
                  .finally(() => {
                    release();
                    ended();
                  });
              }),
          );
        if (delayMs > 0) setTimeout(queue, delayMs);
        else queue();
      }).finally(() => inFlight.delete(task));
      inFlight.add(task);
    },
    get pending() {
      return inFlight.size;
    },
    get running() {
      return limit.activeCount;
    },
    get queued() {
      return limit.pendingCount;
    },
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
