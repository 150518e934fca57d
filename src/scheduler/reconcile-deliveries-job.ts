// Every minute (by default): look up the Slack sends whose outcome was unknown
// (services/reconcile-deliveries.ts). One instance holds the job at a time; a second sweep
// running anyway (a lock that ran out, a sweep nudged on another instance) is harmless, since
// the store records each look-up once.
import type { Reconciler } from '../services/reconcile-deliveries.js';

export const RECONCILE_JOB = 'lookout-reconcile-deliveries';
export const RECONCILE_EVERY_MS = 60_000;

export function createReconcileDeliveriesJob(deps: { reconciler: Reconciler }) {
  return async function reconcileDeliveries(): Promise<void> {
    await deps.reconciler.sweep();
  };
}
