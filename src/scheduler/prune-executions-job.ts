// Daily: delete executions older than each alert's log retention, and the keys a new-rows alert
// has seen longer ago than its key retention (measure.retentionDays), so a key that comes back
// after that counts as new again and the keys stay as many as the retention holds.
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/port.js';

export const PRUNE_JOB = 'lookout-prune-executions';
/** 03:17 UTC: off the hour, when few alerts run. */
export const PRUNE_CRON = '17 3 * * *';

/** Days of 24 hours, as pruneExecutions counts log retention. */
const DAY_MS = 86_400_000;

/** Returns how many executions it deleted. */
export function createPruneExecutionsJob(deps: { store: Store; clock: Clock; logger: Logger }) {
  return async function pruneExecutions(): Promise<number> {
    const now = deps.clock();
    const deleted = await deps.store.pruneExecutions(now);
    deps.logger.info({ deleted }, 'pruned executions past their log retention');

    let keys = 0;
    for (const alert of await deps.store.listAlerts()) {
      if (alert.measure.kind !== 'new_rows') continue;
      keys += await deps.store.pruneKeys(alert.id, new Date(now.getTime() - alert.measure.retentionDays * DAY_MS));
    }
    deps.logger.info({ keys }, 'pruned seen keys past their retention');
    return deleted;
  };
}
