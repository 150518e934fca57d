// The process-wide limit on evaluations running at once, and the set of those in flight,
// so a graceful stop can wait for them. Dispatch hands claimed ticks here and returns at
// once: a slow alert never holds its shard's next dispatch.
import pLimit from 'p-limit';
import type { Logger } from '../logger.js';

export interface EvaluationPool {
  /** Queues work under the concurrency limit; failures are logged, never thrown. */
  submit(label: string, work: () => Promise<unknown>): void;
  /** Evaluations queued or running. */
  readonly pending: number;
  /** Evaluations running now. */
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
    submit(label, work) {
      const task = limit(work)
        .catch((err: unknown) => logger.error({ err, label }, 'evaluation failed'))
        .finally(() => inFlight.delete(task));
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
