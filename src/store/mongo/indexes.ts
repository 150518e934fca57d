// The collections and the indexes the store creates on start. Creating an index that exists
// with the same options is a no-op, so every instance may run this at every start, and two
// instances starting together do not race as two CREATE TABLEs do.
import type { Db, IndexDescription } from 'mongodb';

export const ALERTS = 'alerts';
export const EXECUTIONS = 'executions';
/** Running instances by name (`_id`) with `seenAt`; no index beyond `_id` (a handful of documents). */
export const INSTANCES = 'instances';

export const ALERT_INDEXES: IndexDescription[] = [
  // Names are unique ignoring case, as lower(name) is in PostgreSQL: the store keeps the
  // lower-cased name in `nameKey` (a collation index would need the same collation on every
  // query to be used, and lower-cases by different rules than lower()).
  { key: { nameKey: 1 }, name: 'alerts_name_key', unique: true },
  // Keys are unique (issue 5/6). Partial: documents from before keys have none until the
  // start-up backfill gives them one, and a unique index would take every missing key as null.
  { key: { key: 1 }, name: 'alerts_key_key', unique: true, partialFilterExpression: { key: { $type: 'string' } } },
  // The dispatch job's query: a shard's active alerts whose next run has come. Paused alerts
  // (next run null, inactive) stay out of it.
  { key: { shard: 1, nextRunAt: 1 }, name: 'alerts_due', partialFilterExpression: { active: true } },
  // staleExecutions' bound: the shard's shortest working timeout, one index probe.
  { key: { shard: 1, workingTimeoutS: 1 }, name: 'alerts_shard_timeout' },
];

export const EXECUTION_INDEXES: IndexDescription[] = [
  // A tick runs at most once: a second insert of (alertId, scheduledAt) fails with 11000.
  // It also serves history (alertId, newest first) by walking the index backwards, so there is
  // no separate {alertId: 1, scheduledAt: -1} index.
  { key: { alertId: 1, scheduledAt: 1 }, name: 'executions_tick_key', unique: true },
  // runningExecution and the batch claim's look-up: an alert's WORKING executions, oldest first.
  {
    key: { alertId: 1, startedAt: 1 },
    name: 'executions_working_by_alert',
    partialFilterExpression: { state: 'WORKING' },
  },
  // staleExecutions: WORKING executions by start time, oldest first, up to the shard's shortest timeout.
  { key: { state: 1, startedAt: 1 }, name: 'executions_working', partialFilterExpression: { state: 'WORKING' } },
  // deliveriesSince (delivery health, every minute): newest finished first. Not partial: a
  // partial filter on "has a delivery" ('deliveries.0') is not one the planner is known to match.
  { key: { finishedAt: 1 }, name: 'executions_finished' },
  // unknownDeliveries (reconciliation, every minute): only executions that ever had a delivery of
  // unknown outcome, which are few; the query states this filter so the planner can use it.
  { key: { startedAt: 1 }, name: 'executions_unknown_delivery', partialFilterExpression: { 'deliveries.unknown': true } },
];

/** Settings that hold for every alert, by key (`_id`): 'mute'. A handful of documents. */
export const SETTINGS = 'settings';

/** Seen keys of new-rows alerts (AlertKeyDoc). */
export const ALERT_KEYS = 'alertKeys';

export const ALERT_KEY_INDEXES: IndexDescription[] = [
  // A key once per alert: rememberKeys upserts on it, seenKeys looks keys up through it.
  { key: { alertId: 1, key: 1 }, name: 'alert_keys_key', unique: true },
  // pruneKeys (an alert's keys first seen before a time) and the bound (an alert's keys newest
  // first, ties by key, so the walk to the first key beyond the bound reads only the index).
  { key: { alertId: 1, seenAt: 1, key: 1 }, name: 'alert_keys_seen' },
];

/** Versions of alerts' definitions (AlertVersionDoc, issue 5/6). */
export const ALERT_VERSIONS = 'alertVersions';

export const ALERT_VERSION_INDEXES: IndexDescription[] = [
  // A number once per alert (two versions numbered at once: the second retries), and an alert's
  // versions newest first by walking it backwards.
  { key: { alertId: 1, version: 1 }, name: 'alert_versions_key', unique: true },
];

/** Agenda's jobs, in the same database (@agendajs/mongo-backend's default collection). */
export const AGENDA_JOBS = 'agendaJobs';

export const AGENDA_JOB_INDEXES: IndexDescription[] = [
  // Agenda saves a repeating job (every()) by an upsert on {name, type: 'single'}, with no
  // unique index behind it: two instances starting together on a fresh database could each
  // insert the shard jobs. PostgreSQL's backend has this unique index; here the store adds it.
  { key: { name: 1, type: 1 }, name: 'lookout_single_job_key', unique: true, partialFilterExpression: { type: 'single' } },
];

/** Creates the collections' indexes (and so the collections); safe from several instances. */
export async function ensureIndexes(db: Db): Promise<void> {
  await db.collection(ALERTS).createIndexes(ALERT_INDEXES);
  await db.collection(EXECUTIONS).createIndexes(EXECUTION_INDEXES);
  await db.collection(ALERT_KEYS).createIndexes(ALERT_KEY_INDEXES);
  await db.collection(ALERT_VERSIONS).createIndexes(ALERT_VERSION_INDEXES);
  await db.collection(AGENDA_JOBS).createIndexes(AGENDA_JOB_INDEXES);
}
