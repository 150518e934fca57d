// One shard's dispatch: take over dead instances' claims, then find the shard's due alerts,
// claim each tick (the unique execution makes it exactly-once), move each alert's next run time
// to its next future tick, and hand the claims to the pool.
// With a lead (DESIGN.md, "Dispatch ahead of the minute"), alerts due within it are claimed
// before their tick and start at it: at a busy minute the claims, and the reading of thousands
// of alerts, are done by the time the evaluations are due, instead of delaying them.
import type { Clock } from '../clock.js';
import { nextRunAfter } from '../domain/schedule.js';
import { settleStaleRun } from '../domain/stale-run.js';
import type { Schedule } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { TickRunner } from '../services/tick-runner.js';
import type { Store } from '../store/port.js';
import { patientStore } from '../store/retry.js';
import type { EvaluationPool } from './evaluation-pool.js';

export interface DispatchDeps {
  store: Store;
  runner: TickRunner;
  pool: EvaluationPool;
  clock: Clock;
  instance: string;
  logger: Logger;
  /** Due alerts fetched per round trip. */
  batchSize?: number;
  /** Alerts due within this many milliseconds after now are claimed now and start at their tick; default 0. */
  leadMs?: number;
  /** Told what each dispatch did (metrics); must not throw. */
  onDispatched?(result: DispatchResult): void;
}

export interface DispatchResult {
  claimed: number;
  alreadyClaimed: number;
  takenOver: number;
  abandoned: number;
}

/**
 * How long one dispatch waits out an unreachable database (a restart) before it gives up and
 * leaves the shard to the next minute's dispatch, which finds the same alerts still due.
 */
const DISPATCH_STORE_PATIENCE_MS = 15_000;

/** A store call of one dispatch, retried while the database is unreachable. */
type Stored = <T>(what: string, call: () => Promise<T>) => Promise<T>;

export function createDispatchJob(deps: DispatchDeps) {
  const { store, clock, logger } = deps;
  const batchSize = deps.batchSize ?? 500;
  const patient = patientStore({ clock, logger });

  async function recoverStale(shard: number, now: Date, result: DispatchResult, stored: Stored): Promise<void> {
    for (const stale of await stored('find stale executions', () => store.staleExecutions(shard, now, batchSize))) {
      // Past its working timeout (the store's query tests the age): domain/stale-run.ts settles it.
      const settled = settleStaleRun({ foundBy: 'dispatch', run: stale });
      if (settled.kind === 'take_over') {
        const taken = await stored('take over an execution', () => store.takeOver(stale.id, deps.instance, now));
        const alert = taken && (await stored('read the alert', () => store.getAlert(stale.alertId)));
        if (taken && alert) {
          result.takenOver += 1;
          deps.pool.submit(`takeover ${stale.id}`, (release) => deps.runner.runClaimed(alert, taken, undefined, release));
        }
        continue;
      }
      const done = await stored('finish a stale execution', () =>
        store.finishExecution(stale.id, { state: settled.state, reason: settled.reason, finishedAt: now }),
      );
      if (done) result.abandoned += 1;
    }
  }

  /** Runs one dispatch of one shard; `signal` stops it between batches. */
  return async function dispatchShard(shard: number, signal?: AbortSignal): Promise<DispatchResult> {
    const result: DispatchResult = { claimed: 0, alreadyClaimed: 0, takenOver: 0, abandoned: 0 };
    const now = clock();
    const horizon = new Date(now.getTime() + (deps.leadMs ?? 0));
    const until = new Date(now.getTime() + DISPATCH_STORE_PATIENCE_MS);
    const stored: Stored = (what, call) => patient(what, until, call);
    /** An alert's tick is still ahead: it was claimed within the lead. */
    const ahead = (tick: Date) => tick.getTime() > now.getTime();
    // Many alerts share a schedule and a tick; within one dispatch `now` is fixed, so compute each once.
    const nextRuns = new Map<string, Date>();
    const nextAfter = (schedule: Schedule, tick: Date): Date => {
      // Downtime gives one catch-up run: the next run is the next tick after now (or after the
      // tick itself when it is still ahead).
      const from = ahead(tick) ? tick : now;
      const key = `${schedule.cron}\u0000${schedule.timezone}\u0000${from.getTime()}`;
      let next = nextRuns.get(key);
      if (next === undefined) {
        next = nextRunAfter(schedule, from);
        nextRuns.set(key, next);
      }
      return next;
    };
    await recoverStale(shard, now, result, stored);
    for (;;) {
      if (signal?.aborted) break;
      const due = (await stored('find due alerts', () => store.dueAlerts(shard, horizon, batchSize))).filter((a) => a.nextRunAt !== null);
      // Claim first, then move on: a crash in between leaves the alerts due, and the next
      // dispatch finds their ticks claimed and only moves them on. Nothing is lost or doubled.
      // A claim whose answer was lost to a broken connection is retried and then found taken:
      // it waits, WORKING, for the takeover of stale executions. Never run twice.
      const claimed = await stored('claim ticks', () =>
        store.claimTicks(
          due.map((alert) => ({
            alertId: alert.id,
            scheduledAt: alert.nextRunAt!,
            trigger: 'schedule' as const,
            instance: deps.instance,
            // A tick claimed ahead starts at the tick: its working timeout counts from there.
            now: ahead(alert.nextRunAt!) ? alert.nextRunAt! : clock(),
          })),
        ),
      );
      await stored('move next runs', () =>
        store.advanceNextRuns(due.map((alert) => ({ id: alert.id, expected: alert.nextRunAt!, next: nextAfter(alert.schedule, alert.nextRunAt!) }))),
      );
      const byAlert = new Map(due.map((alert) => [alert.id, alert]));
      for (const { execution, running } of claimed) {
        const alert = byAlert.get(execution.alertId);
        if (alert === undefined) continue;
        result.claimed += 1;
        const wait = Math.max(0, execution.scheduledAt.getTime() - clock().getTime());
        // Claimed ahead while an earlier run was still working: by the tick that run may have
        // ended and changed the alert's state, so both are read again when it starts (an alert
        // deleted meanwhile took its executions with it: nothing to run).
        const run =
          wait > 0 && running !== null
            ? async (release: () => void) => {
                const fresh = await store.getAlert(alert.id).catch(() => alert);
                if (fresh !== null) await deps.runner.runClaimed(fresh, execution, undefined, release);
              }
            : (release: () => void) => deps.runner.runClaimed(alert, execution, running, release);
        deps.pool.submit(`tick ${alert.id}`, run, wait);
      }
      result.alreadyClaimed += due.length - claimed.length;
      if (due.length < batchSize) break;
    }
    if (result.claimed + result.takenOver + result.abandoned > 0) logger.debug({ shard, ...result }, 'dispatched');
    deps.onDispatched?.(result);
    return result;
  };
}

export type DispatchShard = ReturnType<typeof createDispatchJob>;
