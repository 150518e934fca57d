// When an execution's working time ends, as one value on the injected clock: the query, the
// capture and every delivery take what is left of it, and the email fallback keeps its share.
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
