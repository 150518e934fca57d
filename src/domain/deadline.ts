// When an execution's working time ends, as one value on the injected clock: the query, the
// capture and every delivery take what is left of it, the email fallback keeps its share, and
// the execution's store writes wait out an unreachable database until a grace past it.
export interface Deadline {
  readonly at: Date;
}

export function deadlineAfter(start: Date, ms: number): Deadline {
  return { at: new Date(start.getTime() + ms) };
}

/** Milliseconds left at `now` (0 once passed). */
export function msLeft(deadline: Deadline, now: Date): number {
  return Math.max(0, deadline.at.getTime() - now.getTime());
}

/**
 * How long past its working timeout an execution keeps trying to record its result while the
 * database is unreachable: a restart near the end of a run must not leave it unrecorded.
 */
export const RECORD_GRACE_MS = 30_000;

/**
 * Until when a store write of the execution waits out an unreachable database: the record grace
 * past the deadline, or past `now` once the deadline has gone by (a run that ended at its
 * deadline still gets the whole grace to record that).
 */
export function recordBy(deadline: Deadline, now: Date): Date {
  return new Date(Math.max(deadline.at.getTime(), now.getTime()) + RECORD_GRACE_MS);
}
