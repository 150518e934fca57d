// Keeps Home tabs in step with alerts without flooding views.publish (Tier 4, per user): a
// burst of changes for one person becomes one publish, at most one per person per interval.
// Failures are logged, never thrown: a stale Home is not worth failing a tick or a click for.
import { systemClock, type Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';

export interface HomeRefresherOptions {
  publish(userId: string): Promise<void>;
  logger: Logger;
  /** At most one publish per person per this long. */
  intervalMs?: number;
  /** Wait this long before a first publish, so a burst coalesces. */
  settleMs?: number;
  /** Defaults to the system clock. */
  clock?: Clock;
}

export interface HomeRefresher {
  refresh(userIds: readonly string[]): void;
  /** Drops pending publishes (on shutdown). */
  stop(): void;
}

export function createHomeRefresher(options: HomeRefresherOptions): HomeRefresher {
  const intervalMs = options.intervalMs ?? 5000;
  const settleMs = options.settleMs ?? 250;
  const clock = options.clock ?? systemClock;
  const pending = new Map<string, NodeJS.Timeout>();
  const lastPublished = new Map<string, number>();
  let stopped = false;

  const publishNow = (userId: string): void => {
    pending.delete(userId);
    if (stopped) return;
    lastPublished.set(userId, clock().getTime());
    options.publish(userId).catch((err: unknown) => options.logger.warn({ err, userId }, 'Home refresh failed'));
  };

  return {
    refresh(userIds) {
      if (stopped) return;
      for (const userId of new Set(userIds)) {
        // A publish already waiting reads the alerts when it runs, so it covers this change too.
        if (pending.has(userId)) continue;
        const since = clock().getTime() - (lastPublished.get(userId) ?? 0);
        const timer = setTimeout(() => publishNow(userId), Math.max(settleMs, intervalMs - since));
        timer.unref();
        pending.set(userId, timer);
      }
    },
    stop() {
      stopped = true;
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}
