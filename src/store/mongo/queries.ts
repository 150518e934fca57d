// Every filter, update document and pipeline the MongoDB adapter sends, as pure builders, so
// their meaning is tested on sample documents (test/unit/store/mongo-queries.test.ts, with
// mingo) without a server. store.ts only runs them. Each race the port names is settled by one
// single-document conditional write (the filter states what the caller last saw), so nothing
// here needs a transaction or a replica set.
import type { AnyBulkWriteOperation, Document, Filter, UpdateFilter } from 'mongodb';
import type { Acknowledgement, AlertRuntime, DeliveryRecord, ExecutionState, Mute } from '../../domain/types.js';
import { ALERT_CHANNEL_NAMES, type AlertFilter, type AlertPatch, type ClaimRequest, type ExecutionFinish, type NextRunMove } from '../port.js';
import {
  type AlertDoc,
  type AlertKeyDoc,
  type ExecutionDoc,
  type InstanceDoc,
  type SettingDoc,
  alertPatchFields,
  nameKey,
  runtimeFields,
} from './documents.js';
import { ALERTS } from './indexes.js';

/** A find: filter, order and, when set, how many to pass over and how many at most. */
export interface FindQuery<T> {
  filter: Filter<T>;
  sort: Record<string, 1 | -1>;
  skip?: number;
  limit?: number;
}

const DAY_MS = 86_400_000;

// --- alerts ---

export function alertByIdFilter(id: string): Filter<AlertDoc> {
  return { _id: id };
}

/** Case-insensitive, through the lower-cased key the unique index holds. */
export function alertByNameFilter(name: string): Filter<AlertDoc> {
  return { nameKey: nameKey(name) };
}

/** Oldest first; `owners: x` matches an array holding x. */
export function listAlertsQuery(filter: AlertFilter): FindQuery<AlertDoc> {
  return {
    filter: alertFilter(filter),
    sort: { createdAt: 1, _id: 1 },
    ...(filter.limit === undefined ? {} : { limit: filter.limit }),
  };
}

/** What alertChannelsPipeline answers: the first `limit` channels, and how many in all. */
export interface AlertChannelsFacet {
  channels: { _id: string; names: string[]; alerts: number }[];
  total: { n: number }[];
}

/**
 * The Slack channels alerts post to (store.alertChannels): each (channel, alert) once, oldest
 * alert first, grouped by channel keeping only the first names ($firstN, MongoDB 5.2+) and a
 * count, so a channel of a hundred thousand alerts groups into a small document; ordered by the
 * oldest alert naming it, then its id.
 */
export function alertChannelsPipeline(limit: number): Document[] {
  return [
    { $unwind: '$recipients' },
    { $match: { 'recipients.kind': 'slack_channel' } },
    { $group: { _id: { channel: '$recipients.id', alert: '$_id' }, name: { $first: '$name' }, createdAt: { $first: '$createdAt' } } },
    { $sort: { createdAt: 1, '_id.alert': 1 } },
    { $group: { _id: '$_id.channel', first: { $min: '$createdAt' }, names: { $firstN: { input: '$name', n: ALERT_CHANNEL_NAMES } }, alerts: { $sum: 1 } } },
    {
      $facet: {
        channels: [{ $sort: { first: 1, _id: 1 } }, { $limit: Math.max(1, limit) }, { $project: { _id: 1, names: 1, alerts: 1 } }],
        total: [{ $count: 'n' }],
      },
    },
  ];
}

/** The alerts an AlertFilter keeps, its limit aside. */
export function alertFilter(filter: Omit<AlertFilter, 'limit'>): Filter<AlertDoc> {
  return {
    ...(filter.owner === undefined ? {} : { owners: filter.owner }),
    ...(filter.ids === undefined ? {} : { _id: { $in: [...filter.ids] } }),
  };
}

/** Sets the changed fields only; a rename sets `nameKey` with `name`. */
export function alertPatchUpdate(patch: AlertPatch): UpdateFilter<AlertDoc> {
  return { $set: alertPatchFields(patch) };
}

/** Null when there is nothing to save (an empty $set is refused by the server). */
export function runtimeUpdate(runtime: Partial<AlertRuntime>): UpdateFilter<AlertDoc> | null {
  const fields = runtimeFields(runtime);
  return Object.keys(fields).length === 0 ? null : { $set: fields };
}

/**
 * A shard's active alerts whose next run time has come, earliest first. A null next run never
 * matches `$lte` a date (MongoDB compares only values of one type), like NULL in SQL.
 */
export function dueAlertsQuery(shard: number, now: Date, limit: number): FindQuery<AlertDoc> {
  return { filter: { active: true, shard, nextRunAt: { $lte: now } }, sort: { nextRunAt: 1, _id: 1 }, limit };
}

/** Compare-and-set: matches only while the next run time is still `expected`. */
export function advanceNextRunFilter(id: string, expected: Date): Filter<AlertDoc> {
  return { _id: id, nextRunAt: expected };
}

export function advanceNextRunUpdate(next: Date | null): UpdateFilter<AlertDoc> {
  return { $set: { nextRunAt: next } };
}

/** advanceNextRun for many alerts, as one unordered bulk write; each update is its own CAS. */
export function advanceNextRunsOps(moves: NextRunMove[]): AnyBulkWriteOperation<AlertDoc>[] {
  return moves.map((m) => ({
    updateOne: { filter: advanceNextRunFilter(m.id, m.expected), update: advanceNextRunUpdate(m.next) },
  }));
}

/** Which of these alerts still exist (a claim for a deleted alert is left out). */
export function existingAlertsFilter(ids: string[]): Filter<AlertDoc> {
  return { _id: { $in: ids } };
}

/**
 * Compare-and-set on the incident: matches only while the alert's firingSince is the one the
 * caller saw, so an acknowledgement never lands on a resolved or a newer incident.
 */
export function setAcknowledgementFilter(id: string, firingSince: Date): Filter<AlertDoc> {
  return { _id: id, firingSince };
}

export function setAcknowledgementUpdate(ack: Acknowledgement | null): UpdateFilter<AlertDoc> {
  return { $set: { ack } };
}

// --- settings ---

/** The key of the admins' mute in the settings collection. */
export const MUTE_KEY = 'mute';

export function settingFilter(key: string): Filter<SettingDoc> {
  return { _id: key };
}

/** With `upsert: true`: sets the mute, inserting its document the first time. */
export function setMuteUpdate(mute: Mute): UpdateFilter<SettingDoc> {
  return { $set: { value: mute } };
}

// --- executions ---

/** The WORKING execution a claim inserts; the unique (alertId, scheduledAt) index refuses a second. */
export function claimDoc(request: ClaimRequest, id: string): ExecutionDoc {
  return {
    _id: id,
    alertId: request.alertId,
    scheduledAt: request.scheduledAt,
    trigger: request.trigger,
    state: 'WORKING',
    reason: null,
    value: null,
    rowCount: null,
    instance: request.instance,
    attempt: 1,
    startedAt: request.now,
    finishedAt: null,
    sendStartedAt: null,
    deliveries: [],
    series: [],
    ownersNotified: false,
    queryMs: null,
    deliveryMs: null,
  };
}

export function executionByIdFilter(id: string): Filter<ExecutionDoc> {
  return { _id: id };
}

export function executionsOfAlertFilter(alertId: string): Filter<ExecutionDoc> {
  return { alertId };
}

/** The oldest other WORKING execution of an alert. */
export function runningExecutionQuery(alertId: string, exceptId: string): FindQuery<ExecutionDoc> {
  return {
    filter: { alertId, state: 'WORKING', _id: { $ne: exceptId } },
    sort: { startedAt: 1, _id: 1 },
    limit: 1,
  };
}

/** One row per alert of runningByAlertPipeline. */
export interface RunningByAlert {
  /** The alert id. */
  _id: string;
  id: string;
  startedAt: Date;
  sendStartedAt: Date | null;
}

/**
 * For a batch claim: each alert's oldest WORKING execution other than the ones this batch
 * inserted (PostgreSQL's statement does not see its own inserts either).
 */
export function runningByAlertPipeline(alertIds: string[], exceptIds: string[]): Document[] {
  return [
    { $match: { alertId: { $in: alertIds }, state: 'WORKING', _id: { $nin: exceptIds } } },
    { $sort: { startedAt: 1, _id: 1 } },
    {
      $group: {
        _id: '$alertId',
        id: { $first: '$_id' },
        startedAt: { $first: '$startedAt' },
        sendStartedAt: { $first: '$sendStartedAt' },
      },
    },
  ];
}

/** Only the first delivery's start counts: a later call matches nothing. */
export function markSendingFilter(id: string): Filter<ExecutionDoc> {
  return { _id: id, sendStartedAt: null };
}

export function markSendingUpdate(at: Date): UpdateFilter<ExecutionDoc> {
  return { $set: { sendStartedAt: at } };
}

/** Finishing is a compare-and-set on the state: only a WORKING execution finishes. */
export function finishFilter(id: string): Filter<ExecutionDoc> {
  return { _id: id, state: 'WORKING' };
}

/** Durations are whole milliseconds, as in the PostgreSQL adapter's integer columns. */
function wholeMs(ms: number | null | undefined): number | null {
  return ms === null || ms === undefined ? null : Math.round(ms);
}

/** Every part of a result, with the defaults for the parts it leaves out. */
export function finishUpdate(finish: ExecutionFinish): UpdateFilter<ExecutionDoc> {
  return {
    $set: {
      state: finish.state,
      reason: finish.reason,
      value: finish.value ?? null,
      rowCount: finish.rowCount ?? null,
      deliveries: finish.deliveries ?? [],
      series: finish.series ?? [],
      ownersNotified: finish.ownersNotified ?? false,
      queryMs: wholeMs(finish.queryMs),
      deliveryMs: wholeMs(finish.deliveryMs),
      finishedAt: finish.finishedAt,
    },
  };
}

/** The shard's alert with the shortest working timeout (alerts_shard_timeout), for staleExecutionsPipeline. */
export function shortestTimeoutQuery(shard: number): FindQuery<AlertDoc> {
  return { filter: { shard }, sort: { workingTimeoutS: 1 }, limit: 1 };
}

/**
 * WORKING executions of a shard's alerts started more than the alert's working timeout before
 * `now`, oldest first. As the PostgreSQL adapter's, it reads by start time only the runs older
 * than `shortestTimeoutS`, the shard's shortest working timeout (shortestTimeoutQuery), not the
 * many that started within it, then joins each to its alert; an execution whose alert is gone
 * drops out at $unwind.
 */
export function staleExecutionsPipeline(shard: number, now: Date, limit: number, shortestTimeoutS: number): Document[] {
  return [
    { $match: { state: 'WORKING', startedAt: { $lt: new Date(now.getTime() - shortestTimeoutS * 1000) } } },
    { $sort: { startedAt: 1, _id: 1 } },
    {
      // The let/$expr form: the server serves `$eq` on _id from its index (5.0+), and mingo,
      // which the unit tests use, runs it as the server does (it runs a concise
      // localField + pipeline lookup's pipeline over every alert, unlike the server).
      $lookup: {
        from: ALERTS,
        let: { alertId: '$alertId' },
        pipeline: [
          { $match: { $expr: { $eq: ['$_id', '$$alertId'] }, shard } },
          { $project: { _id: 0, workingTimeoutS: 1 } },
        ],
        as: 'alert',
      },
    },
    { $unwind: '$alert' },
    {
      $match: {
        $expr: { $lt: ['$startedAt', { $subtract: [now, { $multiply: ['$alert.workingTimeoutS', 1000] }] }] },
      },
    },
    { $limit: limit },
    { $project: { alert: 0 } },
  ];
}

/** A stale first-attempt claim that sent nothing, still WORKING: then and only then taken over. */
export function takeOverFilter(id: string): Filter<ExecutionDoc> {
  return { _id: id, state: 'WORKING', attempt: 1, sendStartedAt: null };
}

export function takeOverUpdate(instance: string, now: Date): UpdateFilter<ExecutionDoc> {
  return { $set: { attempt: 2, instance, startedAt: now, trigger: 'takeover' } };
}

/** Newest first, by walking the unique (alertId, scheduledAt) index backwards. */
export function historyQuery(alertId: string, limit: number): FindQuery<ExecutionDoc> {
  return { filter: { alertId }, sort: { scheduledAt: -1 }, limit };
}

/**
 * Finished executions that delivered something, finished at or after `since`, newest first.
 * A null finishedAt (WORKING) never matches `$gte` a date.
 */
export function deliveriesSinceQuery(since: Date, limit: number): FindQuery<ExecutionDoc> {
  return { filter: { finishedAt: { $gte: since }, 'deliveries.0': { $exists: true } }, sort: { finishedAt: -1, _id: -1 }, limit };
}

/**
 * Finished executions started at or after `since` with a delivery of unknown outcome not yet
 * looked up (`reconciled: null` matches a missing field too), oldest first. The plain
 * `deliveries.unknown: true` is the partial index's filter (indexes.ts): stating it lets the
 * planner use that index; the $elemMatch then asks for both on one record.
 */
export function unknownDeliveriesQuery(since: Date, limit: number): FindQuery<ExecutionDoc> {
  return {
    filter: {
      'deliveries.unknown': true,
      startedAt: { $gte: since },
      finishedAt: { $ne: null },
      deliveries: { $elemMatch: { unknown: true, reconciled: null } },
    },
    sort: { startedAt: 1, _id: 1 },
    limit,
  };
}

/** A finished execution holding a record for this recipient. */
export function reconcileDeliveryFilter(executionId: string, recipient: string): Filter<ExecutionDoc> {
  // Only a record still unknown and not looked up yet: two sweeps at once, one wins.
  return { _id: executionId, state: { $ne: 'WORKING' }, deliveries: { $elemMatch: { recipient, unknown: true, reconciled: null } } };
}

/** Replaces that recipient's record (through the array filter) and sets the folded state. */
export function reconcileDeliveryUpdate(
  record: DeliveryRecord,
  fold: { state: ExecutionState; reason: string | null },
): { update: UpdateFilter<ExecutionDoc>; arrayFilters: Document[] } {
  return {
    update: { $set: { 'deliveries.$[d]': record, state: fold.state, reason: fold.reason } },
    arrayFilters: [{ 'd.recipient': record.recipient }],
  };
}

// --- log retention ---
// Executions are deleted by the daily prune job through these, not by a TTL index on an
// `expireAt` set at claim time: retention is per alert and may be edited (an edit must apply
// to the executions already kept, as it does on PostgreSQL), and pruneExecutions(now) must do
// the deleting at a time the caller gives, where a TTL monitor deletes on the server's clock
// about once a minute.

/** One group per retention in use: { _id: days, alertIds }. */
export interface RetentionGroup {
  _id: number;
  alertIds: string[];
}

/**
 * Alerts grouped by their log retention, so pruning costs one delete per distinct retention,
 * not one per alert. (A group is one document, so one retention can hold a few hundred
 * thousand alerts at most.)
 */
export function retentionGroupsPipeline(): Document[] {
  return [{ $group: { _id: '$logRetentionDays', alertIds: { $push: '$_id' } } }];
}

/** Executions of these alerts scheduled more than `days` 24-hour days before `now`. */
export function pruneFilter(alertIds: string[], days: number, now: Date): Filter<ExecutionDoc> {
  return { alertId: { $in: alertIds }, scheduledAt: { $lt: new Date(now.getTime() - days * DAY_MS) } };
}

/** Alert ids that executions name but no alert document has. */
export function orphanedAlertIds(named: string[], existing: string[]): string[] {
  const present = new Set(existing);
  return [...new Set(named)].filter((id) => !present.has(id));
}

/** Every execution of these (deleted) alerts. */
export function orphanedExecutionsFilter(alertIds: string[]): Filter<ExecutionDoc> {
  return { alertId: { $in: alertIds } };
}

// --- seen keys (new-rows alerts) ---

/** Every key of an alert (deleting the alert). */
export function keysOfAlertFilter(alertId: string): Filter<AlertKeyDoc> {
  return { alertId };
}

/** Which of these keys the alert has; served by the unique {alertId, key} index. */
export function seenKeysFilter(alertId: string, keys: string[]): Filter<AlertKeyDoc> {
  return { alertId, key: { $in: keys } };
}

/**
 * One upsert per key, to run unordered: a key not yet there is inserted with `at`, a key
 * already there is left as it is ($setOnInsert), so it keeps its first time and calling again
 * changes nothing. The server retries an upsert that races another on the unique index.
 */
export function rememberKeysOps(alertId: string, keys: string[], at: Date): AnyBulkWriteOperation<AlertKeyDoc>[] {
  return keys.map((key) => ({
    updateOne: { filter: { alertId, key }, update: { $setOnInsert: { alertId, key, seenAt: at } }, upsert: true },
  }));
}

/** The first key beyond the newest `keep` (newest first, ties by key), or none while within. */
export function keyBeyondBoundQuery(alertId: string, keep: number): FindQuery<AlertKeyDoc> {
  return { filter: { alertId }, sort: { seenAt: -1, key: -1 }, skip: keep, limit: 1 };
}

/** That key and every key after it in the same order: older, or as old and not greater. */
export function keysFromBoundaryFilter(alertId: string, boundary: Pick<AlertKeyDoc, 'seenAt' | 'key'>): Filter<AlertKeyDoc> {
  return {
    alertId,
    $or: [{ seenAt: { $lt: boundary.seenAt } }, { seenAt: boundary.seenAt, key: { $lte: boundary.key } }],
  };
}

/** An alert's keys first seen before `before`. */
export function pruneKeysFilter(alertId: string, before: Date): Filter<AlertKeyDoc> {
  return { alertId, seenAt: { $lt: before } };
}

/** Every key of these (deleted) alerts. */
export function orphanedKeysFilter(alertIds: string[]): Filter<AlertKeyDoc> {
  return { alertId: { $in: alertIds } };
}

// --- instances ---

/** The instance's document, by name. */
export function instanceFilter(instance: string): Filter<InstanceDoc> {
  return { _id: instance };
}

/** With `upsert: true`: inserts the instance the first time, then only moves `seenAt`. */
export function heartbeatUpdate(now: Date): UpdateFilter<InstanceDoc> {
  return { $set: { seenAt: now } };
}

export function liveInstancesQuery(since: Date): FindQuery<InstanceDoc> {
  return { filter: { seenAt: { $gte: since } }, sort: { _id: 1 } };
}
