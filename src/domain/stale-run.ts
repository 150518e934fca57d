// The stale-run rule (DESIGN.md, step 2 and "Scheduling"): an execution still WORKING past its
// working timeout is stale — its instance died or hung. Two parties find one: a newer tick of
// the same alert (domain/tick.ts decideStart) and the shard's dispatch (scheduler/dispatch-job.ts,
// which asks the store for them: its query applies the age test). Whoever finds it, one rule settles it:
// a run that may have begun sending is UNKNOWN and never sent again; one that sent nothing is
// taken over once by the dispatch (the tick is run again under the same claim), else ERROR.

/** Whether a run that started at `startedAt` is past its working timeout at `now`. */
export function isStale(startedAt: Date, workingTimeoutS: number, now: Date): boolean {
  return now.getTime() - startedAt.getTime() >= workingTimeoutS * 1000;
}

/** A stale run ends here, recorded with this state and reason. */
export interface StaleFinish {
  kind: 'finish';
  state: 'ERROR' | 'UNKNOWN';
  reason: string;
}

/** What becomes of a stale run: run its tick again here (dispatch only), or finish it. */
export type StaleSettlement = { kind: 'take_over' } | StaleFinish;

/** A newer tick found it: the newer tick runs anyway, so the stale one is only finished. */
export interface FoundByNewerTick {
  foundBy: 'newer_tick';
  run: { sendStartedAt: Date | null };
  workingTimeoutS: number;
}

/** The shard's dispatch found it (its instance stopped heartbeating the claim). */
export interface FoundByDispatch {
  foundBy: 'dispatch';
  run: { sendStartedAt: Date | null; attempt: number; instance: string };
}

export function settleStaleRun(found: FoundByNewerTick): StaleFinish;
export function settleStaleRun(found: FoundByDispatch): StaleSettlement;
export function settleStaleRun(found: FoundByNewerTick | FoundByDispatch): StaleSettlement;
export function settleStaleRun(found: FoundByNewerTick | FoundByDispatch): StaleSettlement {
  const sent = found.run.sendStartedAt !== null;
  if (found.foundBy === 'newer_tick') {
    const reason = `working timeout: still running after ${found.workingTimeoutS} s; a newer tick took over`;
    return { kind: 'finish', state: sent ? 'UNKNOWN' : 'ERROR', reason };
  }
  const { instance } = found.run;
  // It may have sent already: never re-send blindly.
  if (sent) return { kind: 'finish', state: 'UNKNOWN', reason: `the instance running it stopped after it began sending (${instance}); it was not re-sent` };
  // Taken over once only: a run whose instance stopped twice is not tried a third time.
  if (found.run.attempt === 1) return { kind: 'take_over' };
  return { kind: 'finish', state: 'ERROR', reason: `working timeout: the instance running it (${instance}) stopped twice` };
}
