// Slack-looking identifiers: ids are uppercase alphanumerics after a one-letter kind
// (U user, C channel, D DM, V view, F file), message ts are "<seconds>.<micros>" strings
// that only grow, which is what Slack promises and what threading relies on.
import { randomBytes, randomUUID } from 'node:crypto';

export interface Ids {
  /** A fresh id such as `V0SIM00007` for the given one-letter prefix. */
  id(prefix: string): string;
  /** A fresh, strictly increasing message ts such as "1764043200.000100". */
  ts(): string;
  /** A view hash, opaque to the app, changed on every update. */
  hash(): string;
  /** A trigger_id in Slack's "<n>.<n>.<hex>" shape. */
  trigger(): string;
  /** An envelope id, a UUID like Slack's. */
  envelope(): string;
  /** An event id such as `Ev0SIM00003`. */
  event(): string;
}

export function createIds(): Ids {
  let counter = 0;
  let lastMicros = 0;
  const next = (): string => String(++counter).padStart(5, '0');
  return {
    id: (prefix) => `${prefix}0SIM${next()}`,
    ts() {
      // Steps of 100 µs past the previous value, or the wall clock when that is later.
      lastMicros = Math.max(Date.now() * 1000, lastMicros + 100);
      return `${Math.floor(lastMicros / 1e6)}.${String(lastMicros % 1e6).padStart(6, '0')}`;
    },
    hash: () => `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
    trigger: () => `${Date.now()}.${next()}.${randomBytes(16).toString('hex')}`,
    envelope: () => randomUUID(),
    event: () => `Ev0SIM${next()}`,
  };
}

/** Seconds since the epoch, the unit of Slack's `event_time`, `created` and friends. */
export function unixSeconds(at: Date = new Date()): number {
  return Math.floor(at.getTime() / 1000);
}
