// The Store port on MongoDB, through the official driver. Needs MongoDB 6.0 or later and no
// replica set: there are no transactions. Where the PostgreSQL adapter settles a race with one
// conditional statement, this one uses one single-document conditional write (queries.ts):
// the unique (alertId, scheduledAt) index for claims, `nextRunAt: expected` for advancing,
// `state: 'WORKING'` for finishing and taking over. Where PostgreSQL does two things in one
// statement, this adapter does them one after the other, and the comments say what a crash
// in between leaves behind.
import { randomUUID } from 'node:crypto';
import { type Collection, type Db, MongoClient } from 'mongodb';
import { systemClock, type Clock } from '../../clock.js';
import type { Acknowledgement, Alert, AlertRuntime, DeliveryRecord, Execution, ExecutionState, Mute } from '../../domain/types.js';
import type { AlertVersion, NewAlertVersion } from '../../domain/versions.js';
import { StoreError } from '../../errors.js';
import { withStoreRetry } from '../retry.js';
import { chunks, seenOf } from '../keys.js';
import {
  type AlertChannel,
  type AlertFilter,
  type AlertPatch,
  type ClaimedTick,
  type ClaimRequest,
  type ExecutionFinish,
  type ExecutionFinishing,
  type NewAlert,
  type SendMark,
  type NextRunMove,
  type Store,
  MAX_KEYS_PER_ALERT,
  MAX_VERSIONS_PER_ALERT,
} from '../port.js';
import {
  type AlertVersionDoc,
  backfillKey,
  KEYLESS_ALERTS,
  newestVersionQuery,
  newVersionDoc,
  oldVersionsFilter,
  toVersion,
  versionFilter,
  versionsOfAlertFilter,
  versionsQuery,
} from './versions.js';
import {
  type AlertDoc,
  type AlertKeyDoc,
  type ExecutionDoc,
  type InstanceDoc,
  type SettingDoc,
  newAlertDoc,
  toAlert,
  toExecution,
  toMute,
} from './documents.js';
import { finishBatchOps, finishedByBatchFilter, markSendingsOps, runtimeOps } from './finish-batch.js';
import { alertConflict, duplicatePositions, isDuplicateKey, storeError } from './driver-errors.js';
import { ALERT_KEYS, ALERT_VERSIONS, ALERTS, EXECUTIONS, INSTANCES, SETTINGS, ensureIndexes } from './indexes.js';
import {
  type FindQuery,
  type RetentionGroup,
  type RunningByAlert,
  advanceNextRunFilter,
  advanceNextRunsOps,
  advanceNextRunUpdate,
  alertByIdFilter,
  alertByNameFilter,
  alertFilter,
  alertPatchUpdate,
  claimDoc,
  deliveriesSinceQuery,
  dueAlertsQuery,
  executionByIdFilter,
  executionsOfAlertFilter,
  existingAlertsFilter,
  finishFilter,
  finishUpdate,
  heartbeatUpdate,
  historyQuery,
  instanceFilter,
  keyBeyondBoundQuery,
  keysFromBoundaryFilter,
  keysOfAlertFilter,
  listAlertsQuery,
  alertChannelsPipeline,
  type AlertChannelsFacet,
  liveInstancesQuery,
  markSendingFilter,
  markSendingUpdate,
  MUTE_KEY,
  orphanedAlertIds,
  orphanedExecutionsFilter,
  orphanedKeysFilter,
  pruneFilter,
  pruneKeysFilter,
  reconcileDeliveryFilter,
  reconcileDeliveryUpdate,
  rememberKeysOps,
  retentionGroupsPipeline,
  runningByAlertPipeline,
  runningExecutionQuery,
  runtimeUpdate,
  seenKeysFilter,
  setAcknowledgementFilter,
  setAcknowledgementUpdate,
  setMuteUpdate,
  settingFilter,
  shortestTimeoutQuery,
  staleExecutionsPipeline,
  takeOverFilter,
  takeOverUpdate,
  unknownDeliveriesQuery,
} from './queries.js';

export interface MongoStoreOptions {
  /** mongodb:// or mongodb+srv:// URL; its path names the database. */
  url: string;
  /** Overrides the database named in the URL (tests use a fresh one per run). */
  dbName?: string;
  /** How long to look for a server before an operation fails; 5 s so start-up fails fast. */
  serverSelectionTimeoutMS?: number;
  /** Times the waits for an unreachable server; defaults to the system clock. */
  clock?: Clock;
  /** Keys an alert keeps at most; MAX_KEYS_PER_ALERT unless a test wants a small one. */
  maxKeysPerAlert?: number;
}

const DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 5_000;
/** How long a step after a method's first write waits out an unreachable server. */
const AFTER_WRITE_PATIENCE_MS = 15_000;

/** Connects, creates the indexes, then returns the store. */
export async function createMongoStore(options: MongoStoreOptions): Promise<Store> {
  let client: MongoClient;
  try {
    client = new MongoClient(options.url, {
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? DEFAULT_SERVER_SELECTION_TIMEOUT_MS,
      // Optional fields left undefined are left out, as JSON.stringify does for jsonb on
      // PostgreSQL, instead of being stored as null.
      ignoreUndefined: true,
      appName: 'lookout',
    });
  } catch (err) {
    // A malformed URL: the driver's parser says what is wrong, without the password.
    throw storeError('read its connection URL', err);
  }
  try {
    await client.connect();
    const db = client.db(options.dbName);
    await ensureIndexes(db);
    await backfillKeys(db);
    return new MongoStore(client, db, options.clock ?? systemClock, options.maxKeysPerAlert ?? MAX_KEYS_PER_ALERT);
  } catch (err) {
    await client.close().catch(() => undefined);
    throw storeError('connect and prepare its collections', err);
  }
}

/**
 * Gives each alert stored before keys its key (migration 005 on PostgreSQL). Every instance may
 * run it at every start: only documents still without a key are written, and a key another
 * instance took meanwhile fails on the unique index and is tried again at the next start (the
 * alert reads with its name's key until then).
 */
async function backfillKeys(db: Db): Promise<void> {
  const alerts = db.collection<AlertDoc>(ALERTS);
  const keyless = await alerts.find(KEYLESS_ALERTS).sort({ createdAt: 1, _id: 1 }).project<{ _id: string; name: string }>({ name: 1 }).toArray();
  if (keyless.length === 0) return;
  const taken = new Set((await alerts.find({ key: { $type: 'string' } }).project<{ key: string }>({ key: 1 }).toArray()).map((d) => d.key));
  for (const doc of keyless) {
    const key = backfillKey(doc.name, taken);
    taken.add(key);
    await alerts.updateOne({ _id: doc._id, ...KEYLESS_ALERTS }, { $set: { key } }).catch((err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
    });
  }
}

/** Tries for a version number when others are numbered at the same moment. */
const VERSION_TRIES = 5;

/** 0 means "no limit" to MongoDB but "nothing" to the port (SQL's LIMIT 0). */
function nothingWanted(limit: number | undefined): boolean {
  return limit !== undefined && limit <= 0;
}

/** Another version took the number: try the next. */
class VersionClash extends Error {}

class MongoStore implements Store {
  private closed = false;
  private readonly alerts: Collection<AlertDoc>;
  private readonly executions: Collection<ExecutionDoc>;
  private readonly instances: Collection<InstanceDoc>;
  private readonly alertKeys: Collection<AlertKeyDoc>;
  private readonly alertVersions: Collection<AlertVersionDoc>;
  private readonly settings: Collection<SettingDoc>;

  constructor(
    private readonly client: MongoClient,
    db: Db,
    private readonly clock: Clock,
    private readonly maxKeysPerAlert: number,
  ) {
    this.alerts = db.collection<AlertDoc>(ALERTS);
    this.executions = db.collection<ExecutionDoc>(EXECUTIONS);
    this.instances = db.collection<InstanceDoc>(INSTANCES);
    this.alertKeys = db.collection<AlertKeyDoc>(ALERT_KEYS);
    this.alertVersions = db.collection<AlertVersionDoc>(ALERT_VERSIONS);
    this.settings = db.collection<SettingDoc>(SETTINGS);
  }

  private async run<T>(action: string, op: () => Promise<T>, translate?: (err: unknown) => Error | undefined): Promise<T> {
    // The driver would quietly reconnect a closed client; a closed store stays closed.
    if (this.closed) throw new StoreError(`Lookout's database could not ${action}: the store is closed.`);
    try {
      return await op();
    } catch (err) {
      throw translate?.(err) ?? storeError(action, err);
    }
  }

  /**
   * A step after this method's first write. Were it to fail as "unreachable", a caller retrying
   * the whole method would find that write done and misread it (a claim as taken by someone
   * else, a finish as lost), so the step waits out a short outage itself, and a failure it
   * reports is never "unreachable".
   */
  private async runAfterWrite<T>(action: string, op: () => Promise<T>): Promise<T> {
    try {
      return await withStoreRetry(() => this.run(action, op), { until: new Date(this.clock().getTime() + AFTER_WRITE_PATIENCE_MS), clock: this.clock });
    } catch (err) {
      if (err instanceof StoreError && err.unreachable) throw new StoreError(err.userMessage, { cause: err.cause });
      throw err;
    }
  }

  private findMany<T extends AlertDoc | ExecutionDoc | InstanceDoc | AlertKeyDoc | AlertVersionDoc>(collection: Collection<T>, query: FindQuery<T>): Promise<T[]> {
    const cursor = collection.find(query.filter).sort(query.sort);
    if (query.skip !== undefined) cursor.skip(query.skip);
    if (query.limit !== undefined) cursor.limit(query.limit);
    return cursor.toArray() as Promise<T[]>;
  }

  // --- AlertStore ---

  async createAlert(alert: NewAlert): Promise<Alert> {
    const doc = newAlertDoc(alert);
    await this.run(
      'save the alert',
      () => this.alerts.insertOne(doc),
      (err) => alertConflict(err, alert),
    );
    return toAlert(doc);
  }

  async getAlert(id: string): Promise<Alert | null> {
    const doc = await this.run('read the alert', () => this.alerts.findOne(alertByIdFilter(id)));
    return doc ? toAlert(doc) : null;
  }

  async findAlertByName(name: string): Promise<Alert | null> {
    const doc = await this.run('find the alert', () => this.alerts.findOne(alertByNameFilter(name)));
    return doc ? toAlert(doc) : null;
  }

  async findAlertByKey(key: string): Promise<Alert | null> {
    const doc = await this.run('find the alert', () => this.alerts.findOne({ key }));
    return doc ? toAlert(doc) : null;
  }

  async listAlerts(filter: AlertFilter = {}): Promise<Alert[]> {
    if (nothingWanted(filter.limit)) return [];
    const docs = await this.run('list alerts', () => this.findMany(this.alerts, listAlertsQuery(filter)));
    return docs.map(toAlert);
  }

  async countAlerts(filter: Omit<AlertFilter, 'limit'> = {}): Promise<number> {
    return this.run('count alerts', () => this.alerts.countDocuments(alertFilter(filter)));
  }

  async alertChannels(limit: number): Promise<{ channels: AlertChannel[]; total: number }> {
    const [facet] = await this.run('list the channels alerts post to', () => this.alerts.aggregate<AlertChannelsFacet>(alertChannelsPipeline(limit)).toArray());
    const channels = (facet?.channels ?? []).slice(0, Math.max(0, limit)).map((c) => ({ id: c._id, alertNames: c.names, alerts: c.alerts }));
    return { channels, total: facet?.total[0]?.n ?? 0 };
  }

  async updateAlert(id: string, patch: AlertPatch): Promise<Alert | null> {
    const doc = await this.run(
      'save the change',
      () => this.alerts.findOneAndUpdate(alertByIdFilter(id), alertPatchUpdate(patch), { returnDocument: 'after' }),
      (err) => alertConflict(err, patch),
    );
    return doc ? toAlert(doc) : null;
  }

  async deleteAlert(id: string): Promise<boolean> {
    // Four writes, where PostgreSQL cascades: the alert first, so no new claim is made and no
    // key recorded for it, then its executions, its seen keys and its versions. A crash in
    // between leaves executions, keys or versions no alert points to; nothing reads them (stale
    // look-ups join through the alert, keys and versions are read by alert id; addVersion finds
    // no alert), and the daily prune removes executions and keys.
    const deleted = await this.run('delete the alert', () => this.alerts.deleteOne(alertByIdFilter(id)));
    await this.runAfterWrite("delete the alert's history", () => this.executions.deleteMany(executionsOfAlertFilter(id)));
    await this.runAfterWrite("delete the alert's seen keys", () => this.alertKeys.deleteMany(keysOfAlertFilter(id)));
    await this.runAfterWrite("delete the alert's versions", () => this.alertVersions.deleteMany(versionsOfAlertFilter(id)));
    return deleted.deletedCount === 1;
  }

  async dueAlerts(shard: number, now: Date, limit: number): Promise<Alert[]> {
    if (nothingWanted(limit)) return [];
    const docs = await this.run('find due alerts', () => this.findMany(this.alerts, dueAlertsQuery(shard, now, limit)));
    return docs.map(toAlert);
  }

  async advanceNextRun(id: string, expected: Date, next: Date | null): Promise<boolean> {
    // matchedCount, not modifiedCount: moving to the same time still counts, as in SQL.
    const result = await this.run('move the next run time', () =>
      this.alerts.updateOne(advanceNextRunFilter(id, expected), advanceNextRunUpdate(next)),
    );
    return result.matchedCount === 1;
  }

  async advanceNextRuns(moves: NextRunMove[]): Promise<number> {
    if (moves.length === 0) return 0;
    const result = await this.run('move the next run times', () =>
      this.alerts.bulkWrite(advanceNextRunsOps(moves), { ordered: false }),
    );
    return result.matchedCount;
  }

  async saveRuntime(id: string, runtime: Partial<AlertRuntime>): Promise<void> {
    const update = runtimeUpdate(runtime);
    if (update === null) return;
    await this.run('save the run state', () => this.alerts.updateOne(alertByIdFilter(id), update));
  }

  // --- VersionStore (versions.ts) ---

  async addVersion(version: NewAlertVersion): Promise<AlertVersion | null> {
    // Two writes where PostgreSQL has one statement: the version (numbered after the newest; a
    // number taken at the same moment fails on the unique index and the next is tried), then the
    // oldest beyond the bound. A crash in between leaves one version too many until the next.
    for (let attempt = 1; ; attempt += 1) {
      if ((await this.run('read the alert', () => this.alerts.countDocuments(alertByIdFilter(version.alertId), { limit: 1 }))) === 0) return null;
      const [newest] = await this.run('read the versions', () => this.findMany(this.alertVersions, newestVersionQuery(version.alertId)));
      const doc = newVersionDoc(version, (newest?.version ?? 0) + 1);
      try {
        await this.run('save the version', () => this.alertVersions.insertOne({ ...doc }), (err) => (isDuplicateKey(err) && attempt < VERSION_TRIES ? new VersionClash() : undefined));
      } catch (err) {
        if (err instanceof VersionClash) continue;
        throw err;
      }
      await this.runAfterWrite('forget old versions', () => this.alertVersions.deleteMany(oldVersionsFilter(version.alertId, doc.version, MAX_VERSIONS_PER_ALERT)));
      return toVersion(doc);
    }
  }

  async versions(alertId: string, limit: number): Promise<AlertVersion[]> {
    if (nothingWanted(limit)) return [];
    const docs = await this.run('read the versions', () => this.findMany(this.alertVersions, versionsQuery(alertId, limit)));
    return docs.map(toVersion);
  }

  async getVersion(alertId: string, version: number): Promise<AlertVersion | null> {
    const doc = await this.run('read the version', () => this.alertVersions.findOne(versionFilter(alertId, version)));
    return doc ? toVersion(doc) : null;
  }

  async setAcknowledgement(id: string, ack: Acknowledgement | null, firingSince: Date): Promise<boolean> {
    // One conditional write on the incident the caller saw (queries.ts); matchedCount, not
    // modifiedCount: setting the same acknowledgement again still counts, as in SQL.
    const result = await this.run('save the acknowledgement', () =>
      this.alerts.updateOne(setAcknowledgementFilter(id, firingSince), setAcknowledgementUpdate(ack)),
    );
    return result.matchedCount === 1;
  }

  // --- SettingsStore ---

  async getMute(): Promise<Mute | null> {
    return toMute(await this.run('read the mute', () => this.settings.findOne(settingFilter(MUTE_KEY))));
  }

  async setMute(mute: Mute | null): Promise<void> {
    if (mute === null) {
      await this.run('lift the mute', () => this.settings.deleteOne(settingFilter(MUTE_KEY)));
      return;
    }
    await this.run('save the mute', () => this.settings.updateOne(settingFilter(MUTE_KEY), setMuteUpdate(mute), { upsert: true }));
  }

  // --- ExecutionStore ---

  async claimTick(request: ClaimRequest): Promise<Execution | null> {
    // PostgreSQL inserts through the alert row in one statement; here the alert is looked up
    // first, so a claim for a deleted alert returns null. An alert deleted between the two
    // leaves one orphan execution (see deleteAlert); the tick itself stays claimed once.
    const alert = await this.run('claim the tick', () =>
      this.alerts.findOne(alertByIdFilter(request.alertId), { projection: { _id: 1 } }),
    );
    if (alert === null) return null;
    const doc = claimDoc(request, randomUUID());
    const inserted = await this.run('claim the tick', async () => {
      try {
        await this.executions.insertOne(doc);
        return true;
      } catch (err) {
        // Refused by the unique (alertId, scheduledAt) index: another instance or a retry has it.
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    });
    return inserted ? toExecution(doc) : null;
  }

  async claimTicks(requests: ClaimRequest[]): Promise<ClaimedTick[]> {
    if (requests.length === 0) return [];
    // Three round trips where PostgreSQL needs one statement: which alerts exist, the inserts,
    // then each claimed alert's other WORKING execution.
    const alertIds = [...new Set(requests.map((r) => r.alertId))];
    const existing = await this.run('claim the ticks', () =>
      this.alerts.find(existingAlertsFilter(alertIds), { projection: { _id: 1 } }).toArray(),
    );
    const live = new Set(existing.map((a) => a._id));
    const docs = requests.filter((r) => live.has(r.alertId)).map((r) => claimDoc(r, randomUUID()));
    if (docs.length === 0) return [];

    // Unordered: every document is tried; each one refused as a duplicate is a tick already
    // claimed, and the rest are ours.
    const refused = await this.run('claim the ticks', async () => {
      try {
        await this.executions.insertMany(docs, { ordered: false });
        return new Set<number>();
      } catch (err) {
        // Anything but duplicates (a write concern error, the server gone) may have left some
        // claims in place: WORKING with nothing sent, the shard's next dispatch takes them over.
        const duplicates = duplicatePositions(err);
        if (duplicates === null) throw err;
        return duplicates;
      }
    });
    const claimed = docs.filter((_, i) => !refused.has(i));
    if (claimed.length === 0) return [];

    const running = await this.runAfterWrite('claim the ticks', () =>
      this.executions
        .aggregate<RunningByAlert>(
          runningByAlertPipeline(
            [...new Set(claimed.map((d) => d.alertId))],
            claimed.map((d) => d._id),
          ),
        )
        .toArray(),
    );
    const runningByAlert = new Map(running.map((r) => [r._id, r]));
    return claimed.map((doc) => {
      const other = runningByAlert.get(doc.alertId);
      return {
        execution: toExecution(doc),
        running: other ? { id: other.id, startedAt: other.startedAt, sendStartedAt: other.sendStartedAt ?? null } : null,
      };
    });
  }

  async getExecution(id: string): Promise<Execution | null> {
    const doc = await this.run('read the execution', () => this.executions.findOne(executionByIdFilter(id)));
    return doc ? toExecution(doc) : null;
  }

  async runningExecution(alertId: string, exceptId: string): Promise<Execution | null> {
    const [doc] = await this.run('find the running execution', () =>
      this.findMany(this.executions, runningExecutionQuery(alertId, exceptId)),
    );
    return doc ? toExecution(doc) : null;
  }

  async markSending(id: string, at: Date): Promise<void> {
    await this.run('record the send', () => this.executions.updateOne(markSendingFilter(id), markSendingUpdate(at)));
  }

  async finishExecution(id: string, finish: ExecutionFinish, runtime: Partial<AlertRuntime> = {}): Promise<boolean> {
    // PostgreSQL writes both in one statement. Here the execution is finished first: that
    // write is the compare-and-set that decides whether this caller's result counts at all,
    // so a runtime change is never saved for a result that lost. A crash between the two
    // leaves the alert's runtime one tick behind its log (the next tick may then repeat a
    // send the grace period would have held back); never a tick run twice.
    const finished = await this.run('record the result', () =>
      this.executions.findOneAndUpdate(finishFilter(id), finishUpdate(finish), { projection: { alertId: 1 } }),
    );
    if (finished === null) return false;
    const update = runtimeUpdate(runtime);
    if (update !== null) {
      await this.runAfterWrite('save the run state', () => this.alerts.updateOne(alertByIdFilter(finished.alertId), update));
    }
    return true;
  }

  async finishExecutions(items: ExecutionFinishing[]): Promise<boolean[]> {
    // As finishExecution, finished first and the runtime saved after (a crash between leaves the
    // runtime one tick behind), in three round trips for the batch: the compare-and-sets, which
    // of them this batch won (finish-batch.ts), the runtime changes. Only each id's first item
    // is written: a later one would finish nothing.
    const firsts = new Map<string, number>();
    items.forEach((item, i) => {
      if (!firsts.has(item.id)) firsts.set(item.id, i);
    });
    const sent = items.filter((item, i) => firsts.get(item.id) === i);
    if (sent.length === 0) return [];
    const batchId = randomUUID();
    await this.run('record the results', () => this.executions.bulkWrite(finishBatchOps(sent, batchId), { ordered: false }));
    const won = await this.runAfterWrite('record the results', () =>
      this.executions.find(finishedByBatchFilter(sent.map((item) => item.id), batchId), { projection: { alertId: 1 } }).toArray(),
    );
    const alertOf = new Map(won.map((doc) => [doc._id, doc.alertId]));
    const ops = runtimeOps(sent, alertOf);
    if (ops.length > 0) await this.runAfterWrite('save the run state', () => this.alerts.bulkWrite(ops, { ordered: true }));
    return items.map((item, i) => firsts.get(item.id) === i && alertOf.has(item.id));
  }

  async markSendings(marks: SendMark[]): Promise<void> {
    if (marks.length === 0) return;
    await this.run('record the sends', () => this.executions.bulkWrite(markSendingsOps(marks), { ordered: true }));
  }

  async staleExecutions(shard: number, now: Date, limit: number): Promise<Execution[]> {
    if (nothingWanted(limit)) return [];
    // Two round trips where PostgreSQL has one: the shard's shortest timeout bounds the scan.
    const [shortest] = await this.run('find stale executions', () => this.findMany(this.alerts, shortestTimeoutQuery(shard)));
    if (shortest === undefined) return [];
    const docs = await this.run('find stale executions', () =>
      this.executions.aggregate<ExecutionDoc>(staleExecutionsPipeline(shard, now, limit, shortest.workingTimeoutS)).toArray(),
    );
    return docs.map(toExecution);
  }

  async takeOver(id: string, instance: string, now: Date): Promise<Execution | null> {
    const doc = await this.run('take over the execution', () =>
      this.executions.findOneAndUpdate(takeOverFilter(id), takeOverUpdate(instance, now), { returnDocument: 'after' }),
    );
    return doc ? toExecution(doc) : null;
  }

  async history(alertId: string, limit: number): Promise<Execution[]> {
    if (nothingWanted(limit)) return [];
    const docs = await this.run('read the history', () => this.findMany(this.executions, historyQuery(alertId, limit)));
    return docs.map(toExecution);
  }

  async pruneExecutions(now: Date): Promise<number> {
    // Retention is the daily prune job's, not a TTL index's (why: queries.ts, "log retention").
    // One delete per retention in use; an alert created or edited between the grouping and the
    // deletes is pruned by its old retention, or at the next daily run.
    const groups = await this.run('prune old executions', () =>
      this.alerts.aggregate<RetentionGroup>(retentionGroupsPipeline()).toArray(),
    );
    let deleted = 0;
    for (const group of groups) {
      const result = await this.run('prune old executions', () =>
        this.executions.deleteMany(pruneFilter(group.alertIds, group._id, now)),
      );
      deleted += result.deletedCount;
    }
    // Executions whose alert is gone (a claim that raced a delete, or a crash between a
    // delete's two writes): PostgreSQL's cascade never leaves any.
    const withExecutions = await this.run('prune old executions', () => this.executions.distinct('alertId'));
    const stillThere = await this.run('prune old executions', () =>
      this.alerts.find(existingAlertsFilter(withExecutions), { projection: { _id: 1 } }).toArray(),
    );
    const orphans = orphanedAlertIds(withExecutions, stillThere.map((a) => a._id));
    if (orphans.length > 0) {
      const result = await this.run('prune old executions', () => this.executions.deleteMany(orphanedExecutionsFilter(orphans)));
      deleted += result.deletedCount;
    }
    // Seen keys whose alert is gone, for the same reasons (they are not executions: not counted).
    const withKeys = await this.run('prune old keys', () => this.alertKeys.distinct('alertId'));
    const keysStillThere = await this.run('prune old keys', () =>
      this.alerts.find(existingAlertsFilter(withKeys), { projection: { _id: 1 } }).toArray(),
    );
    const keyOrphans = orphanedAlertIds(withKeys, keysStillThere.map((a) => a._id));
    if (keyOrphans.length > 0) await this.run('prune old keys', () => this.alertKeys.deleteMany(orphanedKeysFilter(keyOrphans)));
    return deleted;
  }

  async deliveriesSince(since: Date, limit: number): Promise<Execution[]> {
    if (nothingWanted(limit)) return [];
    const docs = await this.run('read recent deliveries', () => this.findMany(this.executions, deliveriesSinceQuery(since, limit)));
    return docs.map(toExecution);
  }

  async unknownDeliveries(since: Date, limit: number): Promise<Execution[]> {
    if (nothingWanted(limit)) return [];
    const docs = await this.run('find deliveries of unknown outcome', () =>
      this.findMany(this.executions, unknownDeliveriesQuery(since, limit)),
    );
    return docs.map(toExecution);
  }

  async reconcileDelivery(executionId: string, record: DeliveryRecord, fold: { state: ExecutionState; reason: string | null }): Promise<boolean> {
    // One single-document write: the record and the state it folds to change together.
    const { update, arrayFilters } = reconcileDeliveryUpdate(record, fold);
    const result = await this.run('record the delivery looked up', () =>
      this.executions.updateOne(reconcileDeliveryFilter(executionId, record.recipient), update, { arrayFilters }),
    );
    return result.matchedCount === 1;
  }

  // --- KeyStore ---

  async seenKeys(alertId: string, keys: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const chunk of chunks([...new Set(keys)])) {
      const docs = await this.run('read the keys seen before', () =>
        this.alertKeys.find(seenKeysFilter(alertId, chunk), { projection: { _id: 0, key: 1 } }).toArray(),
      );
      for (const doc of docs) found.add(doc.key);
    }
    return seenOf(keys, found);
  }

  async rememberKeys(alertId: string, keys: string[], at: Date): Promise<void> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return;
    // As a claim does: the alert is looked up first, so a deleted alert's keys are not
    // recorded. One deleted between the two leaves keys the daily prune removes.
    const alert = await this.run('remember the keys seen', () => this.alerts.findOne(alertByIdFilter(alertId), { projection: { _id: 1 } }));
    if (alert === null) return;
    let added = false;
    for (const chunk of chunks(unique)) {
      const upserted = await this.run('remember the keys seen', async () => {
        try {
          return (await this.alertKeys.bulkWrite(rememberKeysOps(alertId, chunk, at), { ordered: false })).upsertedCount;
        } catch (err) {
          // Refused as duplicates only: another writer recorded those keys at the same moment,
          // so they are seen all the same; the others went in.
          if (duplicatePositions(err) === null) throw err;
          return chunk.length;
        }
      });
      if (upserted > 0) added = true;
    }
    if (!added) return;
    // Keeps the newest maxKeysPerAlert: the first key beyond them and every key after it go.
    const [boundary] = await this.run('forget the oldest keys', () =>
      this.findMany(this.alertKeys, keyBeyondBoundQuery(alertId, this.maxKeysPerAlert)),
    );
    if (boundary !== undefined) {
      await this.run('forget the oldest keys', () => this.alertKeys.deleteMany(keysFromBoundaryFilter(alertId, boundary)));
    }
  }

  async pruneKeys(alertId: string, before: Date): Promise<number> {
    const result = await this.run('prune old keys', () => this.alertKeys.deleteMany(pruneKeysFilter(alertId, before)));
    return result.deletedCount;
  }

  // --- Store ---

  // --- InstanceStore ---

  async heartbeat(instance: string, now: Date): Promise<void> {
    // Only this instance writes its document, so the upsert never races another insert of it.
    await this.run('record that this instance is running', () =>
      this.instances.updateOne(instanceFilter(instance), heartbeatUpdate(now), { upsert: true }),
    );
  }

  async liveInstances(since: Date): Promise<string[]> {
    const docs = await this.run('list the running instances', () => this.findMany(this.instances, liveInstancesQuery(since)));
    return docs.map((d) => d._id);
  }

  async leave(instance: string): Promise<void> {
    await this.run('forget this instance', () => this.instances.deleteOne(instanceFilter(instance)));
  }

  async ping(): Promise<void> {
    await this.run('answer', () => this.client.db('admin').command({ ping: 1 }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }
}
