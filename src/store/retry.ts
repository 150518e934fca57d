// Store calls that outlast a short outage of the database (a restart, a failover): a call that
// failed because the database was unreachable is tried again, with a growing pause, until a
// deadline. Every call retried this way is safe to repeat: the store's writes are conditional
// (finish only while WORKING) or idempotent (markSending, heartbeats, claims on a unique key).
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../clock.js';
import { StoreError } from '../errors.js';
import type { Logger } from '../logger.js';

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

/** A store call named for the log (`what`), retried while the database is unreachable until `until`. */
export type PatientCall = <T>(what: string, until: Date, call: () => Promise<T>) => Promise<T>;

/**
 * The services' and the scheduler's store calls: retried as above, the first retry of each
 * call logged once (a long outage would otherwise log every pause of every call).
 */
export function patientStore(deps: { clock: Clock; logger: Logger }): PatientCall {
  return (what, until, call) =>
    withStoreRetry(call, {
      until,
      clock: deps.clock,
      onRetry: (err, attempt) => {
        if (attempt === 1) deps.logger.warn({ err, what }, 'the database is unreachable; retrying');
      },
    });
}
