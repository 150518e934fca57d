// Many executions finished, and many sends marked, in a few round trips (finishExecutions,
// markSendings): the builders, run by store.ts. A bulk write says how many of its updates
// matched, not which, so each finish also writes the batch's id: the executions that carry it
// afterwards are the ones this batch finished (a finish that lost to another instance's matched
// nothing and wrote nothing), and reading them back gives their alerts for the runtime changes.
import type { AnyBulkWriteOperation, Filter } from 'mongodb';
import type { AlertRuntime } from '../../domain/types.js';
import type { ExecutionFinishing, SendMark } from '../port.js';
import type { AlertDoc, ExecutionDoc } from './documents.js';
import { alertByIdFilter, finishFilter, finishUpdate, markSendingFilter, markSendingUpdate, runtimeUpdate } from './queries.js';

/** One compare-and-set per item (still WORKING), each also recording the batch. Ids must be distinct. */
export function finishBatchOps(items: readonly ExecutionFinishing[], batchId: string): AnyBulkWriteOperation<ExecutionDoc>[] {
  return items.map(({ id, finish }) => {
    const update = finishUpdate(finish);
    return { updateOne: { filter: finishFilter(id), update: { ...update, $set: { ...update.$set, finishBatch: batchId } } } };
  });
}

/** The executions among `ids` that this batch finished. */
export function finishedByBatchFilter(ids: readonly string[], batchId: string): Filter<ExecutionDoc> {
  return { _id: { $in: [...ids] }, finishBatch: batchId };
}

/**
 * The runtime changes of the items finished, as updates to their alerts in the items' order
 * (run ordered, so several items of one alert apply one after the other).
 */
export function runtimeOps(
  items: readonly ExecutionFinishing[],
  alertOf: ReadonlyMap<string, string>,
): AnyBulkWriteOperation<AlertDoc>[] {
  const ops: AnyBulkWriteOperation<AlertDoc>[] = [];
  for (const item of items) {
    const alertId = alertOf.get(item.id);
    const update = alertId === undefined ? null : runtimeUpdate(item.runtime ?? ({} as Partial<AlertRuntime>));
    if (alertId !== undefined && update !== null) ops.push({ updateOne: { filter: alertByIdFilter(alertId), update } });
  }
  return ops;
}

/** The marks, earliest first: run ordered, each execution keeps its earliest (the filter wants none yet). */
export function markSendingsOps(marks: readonly SendMark[]): AnyBulkWriteOperation<ExecutionDoc>[] {
  return [...marks]
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .map((m) => ({ updateOne: { filter: markSendingFilter(m.id), update: markSendingUpdate(m.at) } }));
}
