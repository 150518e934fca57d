// Run now: an immediate Agenda job that goes through the same claim as scheduled ticks.
// The tick's key is the moment the person asked, carried in the job, so a retried job
// finds its tick claimed and does not run (or send) twice.
import type { TickRunner } from '../services/tick-runner.js';

export const RUN_NOW_JOB = 'lookout-run-now';

export interface RunNowData {
  alertId: string;
  /** ISO time of the request: the execution's scheduled time. */
  requestedAt: string;
  requestedBy: string;
}

export function createRunNowJob(deps: { runner: TickRunner }) {
  return async function runNow(data: RunNowData): Promise<void> {
    await deps.runner.runTick({ alertId: data.alertId, scheduledAt: new Date(data.requestedAt), trigger: 'run_now' });
  };
}
