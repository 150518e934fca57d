// Run now: an immediate Agenda job that goes through the same claim as scheduled ticks.
// The tick's key is the moment the person asked, carried in the job, so a retried job
// finds its tick claimed and does not run (or send) twice. The job only claims; the
// evaluation runs in the pool like a scheduled one, so the job's lock is short and a
// graceful stop waits for it with the others.
import type { RunNowRequest } from '../services/alert-service.js';
import type { TickRunner } from '../services/tick-runner.js';
import type { EvaluationPool } from './evaluation-pool.js';

export const RUN_NOW_JOB = 'lookout-run-now';

/** The job's data: the service's request, as asked. */
export type RunNowData = RunNowRequest;

export function createRunNowJob(deps: { runner: TickRunner; pool: EvaluationPool }) {
  return async function runNow(data: RunNowData): Promise<void> {
    const claimed = await deps.runner.claim({ alertId: data.alertId, scheduledAt: new Date(data.requestedAt), trigger: 'run_now' });
    if (claimed === null) return;
    deps.pool.submit(`run now ${data.alertId}`, (release) => deps.runner.runClaimed(claimed.alert, claimed.execution, undefined, release));
  };
}
