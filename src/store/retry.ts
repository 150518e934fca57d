// Store calls that outlast a short outage of the database (a restart, a failover): a call that
// failed because the database was unreachable is tried again, with a growing pause, until a
// deadline. Every call retried this way is safe to repeat: the store's writes are conditional
// (finish only while WORKING) or idempotent (markSending, heartbeats, claims on a unique key).
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../clock.js';
import { StoreError } from '../errors.js';

export interface StoreRetryOptions {
  /** After this (on `clock`) the last failure is thrown. */
  until: Date;
  clock: Clock;
  /** Called before each pause (to log the first one, say). */
  onRetry?: (err: StoreError, attempt: number) => void;
  /** First pause; doubles up to 2 s. */
  firstPauseMs?: number;
}

export async function withStoreRetry<T>(call: () => Promise<T>, options: StoreRetryOptions): Promise<T> {
  let pause = options.firstPauseMs ?? 250;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof StoreError) || !err.unreachable || options.clock().getTime() + pause > options.until.getTime()) throw err;
      options.onRetry?.(err, attempt);
      await delay(pause);
      pause = Math.min(pause * 2, 2_000);
    }
  }
}
