// Daily: delete executions older than each alert's log retention.
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/port.js';

export const PRUNE_JOB = 'lookout-prune-executions';
/** 03:17 UTC: off the hour, when few alerts run. */
export const PRUNE_CRON = '17 3 * * *';

export function createPruneExecutionsJob(deps: { store: Store; clock: Clock; logger: Logger }) {
  return async function pruneExecutions(): Promise<number> {
    const deleted = await deps.store.pruneExecutions(deps.clock());
    deps.logger.info({ deleted }, 'pruned executions past their log retention');
    return deleted;
  };
}
