// The MongoDB adapter's filters, updates and pipelines (src/store/mongo/queries.ts), checked for
// their shape and, through mingo (MongoDB's query language in memory), for their meaning on
// sample documents. mingo is not a server: this shows the builders say what the adapter means;
// only the contract suite against a real MongoDB (MONGODB_URL) shows the server agrees.
import { describe, expect, it } from '@jest/globals';
import { find } from 'mingo';
import { NO_TRIAGE_RUNTIME, type Execution } from '../../../../src/domain/types.js';
import type { ExecutionFinish } from '../../../../src/store/port.js';
import { type AlertDoc, type ExecutionDoc, newAlertDoc, toAlert, toExecution } from '../../../../src/store/mongo/documents.js';
import { AGENDA_JOB_INDEXES, ALERT_INDEXES, ALERTS, EXECUTION_INDEXES } from '../../../../src/store/mongo/indexes.js';
import {
  type FindQuery,
  advanceNextRunFilter,
  advanceNextRunsOps,
  advanceNextRunUpdate,
  alertByIdFilter,
  alertByNameFilter,
  alertPatchUpdate,
  claimDoc,
  dueAlertsQuery,
  executionByIdFilter,
  executionsOfAlertFilter,
  existingAlertsFilter,
  finishFilter,
  finishUpdate,
  heartbeatUpdate,
  historyQuery,
  instanceFilter,
  listAlertsQuery,
  alertFilter,
  liveInstancesQuery,
  markSendingFilter,
  markSendingUpdate,
  orphanedAlertIds,
  orphanedExecutionsFilter,
  pruneFilter,
  retentionGroupsPipeline,
  alertChannelsPipeline,
  type AlertChannelsFacet,
  runningByAlertPipeline,
  runningExecutionQuery,
  runtimeUpdate,
  staleExecutionsPipeline,
  shortestTimeoutQuery,
  takeOverFilter,
  takeOverUpdate,
} from '../../../../src/store/mongo/queries.js';
import { newAlertFixture } from '../../../contract/store-contract.js';
import { type Plain, aggregate, alertDoc, applyUpdate, executionDoc, matches, plain, run } from './mingo.js';

const T0 = new Date('2026-03-01T09:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

describe('MongoDB documents', () => {
  it('a new alert document reads back as the created alert, with empty runtime', () => {
    const spec = newAlertFixture({ name: 'CPU High', nextRunAt: T0 });
    const doc = newAlertDoc(spec);
    expect(doc).toMatchObject({ _id: spec.id, name: 'CPU High', nameKey: 'cpu high', threads: [], series: [], keysSeededAt: null, snoozedUntil: null });
    expect(toAlert(doc)).toEqual({
      ...spec,
      snoozedUntil: null,
      updatedBy: spec.createdBy,
      updatedAt: spec.createdAt,
      lastState: null,
      lastEvaluatedAt: null,
      lastSentAt: null,
      lastSentTick: null,
      firingSince: null,
      lastErrorNoticeAt: null,
      threads: {},
      drawn: {},
      series: {},
      keysSeededAt: null,
      ...NO_TRIAGE_RUNTIME,
    });
  });

  it('keeps thread references as a list, since recipient keys hold dots', () => {
    const update = runtimeUpdate({ threads: { 'email:ops@example.com': 'm1', 'channel:C1': 'C1:1.2' } });
    expect(update).toEqual({
      $set: {
        threads: [
          { key: 'email:ops@example.com', ref: 'm1' },
          { key: 'channel:C1', ref: 'C1:1.2' },
        ],
      },
    });
    const doc = alertDoc();
    applyUpdate([doc], alertByIdFilter(doc._id), update);
    expect(toAlert(doc).threads).toEqual({ 'email:ops@example.com': 'm1', 'channel:C1': 'C1:1.2' });
  });

  it('a claim document reads back as a fresh WORKING execution', () => {
    const now = at(1.5);
    const doc = claimDoc({ alertId: 'a1', scheduledAt: T0, trigger: 'run_now', instance: 'host-a:1', now }, 'x1');
    const expected: Execution = {
      id: 'x1',
      alertId: 'a1',
      scheduledAt: T0,
      trigger: 'run_now',
      state: 'WORKING',
      reason: null,
      value: null,
      rowCount: null,
      instance: 'host-a:1',
      attempt: 1,
      startedAt: now,
      finishedAt: null,
      sendStartedAt: null,
      deliveries: [],
      series: [],
      ownersNotified: false,
      queryMs: null,
      deliveryMs: null,
    };
    expect(toExecution(doc)).toEqual(expected);
  });
});

describe('MongoDB alert queries', () => {
  it('finds by id and only by id', () => {
    const doc = alertDoc();
    expect(alertByIdFilter(doc._id)).toEqual({ _id: doc._id });
    expect(matches(alertByIdFilter(doc._id), doc)).toBe(true);
    expect(matches(alertByIdFilter('not-an-id'), doc)).toBe(false);
  });

  it('finds by name ignoring case, through the lower-cased key', () => {
    const doc = alertDoc({ name: 'CPU High' });
    expect(alertByNameFilter('cpu HIGH')).toEqual({ nameKey: 'cpu high' });
    expect(matches(alertByNameFilter('cpu high'), doc)).toBe(true);
    expect(matches(alertByNameFilter('CPU HIGH'), doc)).toBe(true);
    expect(matches(alertByNameFilter('cpu'), doc)).toBe(false);
  });

  it('lists oldest first, by owner and ids, up to the limit; counts what the same filter keeps', () => {
    const second = alertDoc({ owners: ['U1'], createdAt: at(60) });
    const first = alertDoc({ owners: ['U2', 'U1'], createdAt: T0 });
    const third = alertDoc({ owners: ['U2'], createdAt: at(120) });
    const docs = [second, first, third];
    const ids = (query: FindQuery<AlertDoc>) => run(query, docs).map((d) => d._id);

    expect(listAlertsQuery({})).toEqual({ filter: {}, sort: { createdAt: 1, _id: 1 } });
    expect(ids(listAlertsQuery({}))).toEqual([first._id, second._id, third._id]);
    expect(ids(listAlertsQuery({ owner: 'U1' }))).toEqual([first._id, second._id]);
    expect(ids(listAlertsQuery({ owner: 'U2' }))).toEqual([first._id, third._id]);
    expect(ids(listAlertsQuery({ owner: 'U3' }))).toEqual([]);
    expect(ids(listAlertsQuery({ limit: 2 }))).toEqual([first._id, second._id]);
    expect(ids(listAlertsQuery({ ids: [third._id, second._id, 'gone'] }))).toEqual([second._id, third._id]);
    expect(ids(listAlertsQuery({ owner: 'U2', ids: [third._id, second._id] }))).toEqual([third._id]);
    expect(ids(listAlertsQuery({ ids: [] }))).toEqual([]);
    expect(listAlertsQuery({ owner: 'U1', ids: ['x'], limit: 3 }).filter).toEqual(alertFilter({ owner: 'U1', ids: ['x'] }));
    expect(docs.filter((d) => matches(alertFilter({ owner: 'U1' }), d))).toHaveLength(2);
  });

  it('finds due alerts: active, in the shard, next run at or before now, earliest first', () => {
    const a = alertDoc({ shard: 3, nextRunAt: at(-120) });
    const c = alertDoc({ shard: 3, nextRunAt: T0 });
    const b = alertDoc({ shard: 3, nextRunAt: at(-60) });
    const future = alertDoc({ shard: 3, nextRunAt: at(0.001) });
    const paused = alertDoc({ shard: 3, nextRunAt: at(-300), active: false });
    const noNextRun = alertDoc({ shard: 3, nextRunAt: null });
    const otherShard = alertDoc({ shard: 4, nextRunAt: at(-180) });
    const docs = [a, c, b, future, paused, noNextRun, otherShard];

    expect(dueAlertsQuery(3, T0, 10)).toEqual({
      filter: { active: true, shard: 3, nextRunAt: { $lte: T0 } },
      sort: { nextRunAt: 1, _id: 1 },
      limit: 10,
    });
    expect(run(dueAlertsQuery(3, T0, 10), docs).map((d) => d._id)).toEqual([a._id, b._id, c._id]);
    expect(run(dueAlertsQuery(3, T0, 2), docs).map((d) => d._id)).toEqual([a._id, b._id]);
    expect(run(dueAlertsQuery(4, T0, 10), docs).map((d) => d._id)).toEqual([otherShard._id]);
    expect(run(dueAlertsQuery(5, T0, 10), docs)).toEqual([]);
    expect(run(dueAlertsQuery(3, at(-600), 10), docs)).toEqual([]);
    for (const doc of [future, paused, noNextRun, otherShard]) expect(matches(dueAlertsQuery(3, T0, 10).filter, doc)).toBe(false);
  });

  it('includes a snoozed alert in the due ones (its tick records SKIPPED)', () => {
    const snoozed = { ...alertDoc({ shard: 2, nextRunAt: T0 }), snoozedUntil: at(3600) };
    expect(matches(dueAlertsQuery(2, T0, 10).filter, snoozed)).toBe(true);
  });

  it('advances the next run time only from the expected one (compare-and-set)', () => {
    const doc = alertDoc({ nextRunAt: T0 });
    const docs = [doc];
    expect(advanceNextRunFilter(doc._id, T0)).toEqual({ _id: doc._id, nextRunAt: T0 });
    expect(advanceNextRunUpdate(at(60))).toEqual({ $set: { nextRunAt: at(60) } });

    // A fresh Date of the same instant is the same expected value.
    expect(applyUpdate(docs, advanceNextRunFilter(doc._id, new Date(T0.getTime())), advanceNextRunUpdate(at(60)))).toBe(true);
    expect(doc.nextRunAt).toEqual(at(60));
    // The second of two racing moves saw T0, which is gone: it matches nothing.
    expect(applyUpdate(docs, advanceNextRunFilter(doc._id, T0), advanceNextRunUpdate(at(120)))).toBe(false);
    expect(doc.nextRunAt).toEqual(at(60));

    expect(applyUpdate(docs, advanceNextRunFilter(doc._id, at(60)), advanceNextRunUpdate(null))).toBe(true);
    expect(doc.nextRunAt).toBeNull();
    expect(applyUpdate(docs, advanceNextRunFilter(doc._id, at(60)), advanceNextRunUpdate(T0))).toBe(false);
    expect(applyUpdate(docs, advanceNextRunFilter('gone', T0), advanceNextRunUpdate(T0))).toBe(false);
  });

  it('advances many as one update per alert, each its own compare-and-set', () => {
    const a = alertDoc({ nextRunAt: T0 });
    const b = alertDoc({ nextRunAt: T0 });
    const docs = [a, b];
    const ops = advanceNextRunsOps([
      { id: a._id, expected: T0, next: at(60) },
      { id: b._id, expected: at(1), next: at(60) },
      { id: 'gone', expected: T0, next: at(60) },
    ]);
    expect(ops[0]).toEqual({ updateOne: { filter: { _id: a._id, nextRunAt: T0 }, update: { $set: { nextRunAt: at(60) } } } });
    const moved = ops.filter((op) => 'updateOne' in op && applyUpdate(docs, op.updateOne.filter, op.updateOne.update)).length;
    expect(moved).toBe(1);
    expect(a.nextRunAt).toEqual(at(60));
    expect(b.nextRunAt).toEqual(T0);
    expect(advanceNextRunsOps([])).toEqual([]);
  });

  it('a change sets only what it names; a rename moves the name key with it', () => {
    const doc = alertDoc({ name: 'Disk' });
    const before = structuredClone(doc);
    const update = alertPatchUpdate({
      name: 'Disk FULL',
      schedule: { cron: '*/5 * * * *', timezone: 'Asia/Seoul' },
      condition: { op: '>=', threshold: 90.5 },
      snoozedUntil: null,
      updatedBy: 'U7',
      updatedAt: at(3600),
    });
    expect(update).toEqual({
      $set: {
        name: 'Disk FULL',
        nameKey: 'disk full',
        schedule: { cron: '*/5 * * * *', timezone: 'Asia/Seoul' },
        condition: { op: '>=', threshold: 90.5 },
        snoozedUntil: null,
        updatedBy: 'U7',
        updatedAt: at(3600),
      },
    });
    expect(applyUpdate([doc], alertByIdFilter(doc._id), update)).toBe(true);
    expect(doc).toEqual({
      ...before,
      name: 'Disk FULL',
      nameKey: 'disk full',
      schedule: { cron: '*/5 * * * *', timezone: 'Asia/Seoul' },
      condition: { op: '>=', threshold: 90.5 },
      updatedBy: 'U7',
      updatedAt: at(3600),
    });
  });

  it('pause and resume set active, next run, snooze and shard', () => {
    const doc = alertDoc({ shard: 0, nextRunAt: T0 });
    applyUpdate([doc], alertByIdFilter(doc._id), alertPatchUpdate({ active: false, nextRunAt: null, snoozedUntil: at(60), updatedBy: 'U2', updatedAt: at(1) }));
    expect(doc).toMatchObject({ active: false, nextRunAt: null, snoozedUntil: at(60) });
    applyUpdate([doc], alertByIdFilter(doc._id), alertPatchUpdate({ active: true, nextRunAt: at(60), snoozedUntil: null, shard: 7, updatedBy: 'U2', updatedAt: at(2) }));
    expect(doc).toMatchObject({ active: true, nextRunAt: at(60), snoozedUntil: null, shard: 7 });
  });

  it('saves the runtime fields given and nothing when none are', () => {
    expect(runtimeUpdate({})).toBeNull();
    const doc = alertDoc();
    const runtime = {
      lastState: 'SUCCESS' as const,
      lastEvaluatedAt: at(62),
      lastSentAt: at(64),
      lastSentTick: at(60),
      firingSince: at(-3600),
      lastErrorNoticeAt: null,
    };
    applyUpdate([doc], alertByIdFilter(doc._id), runtimeUpdate(runtime));
    expect(toAlert(doc)).toMatchObject(runtime);
    applyUpdate([doc], alertByIdFilter(doc._id), runtimeUpdate({ firingSince: null }));
    expect(toAlert(doc)).toMatchObject({ ...runtime, firingSince: null });
  });

  it('tells which alerts of a batch still exist', () => {
    const a = alertDoc();
    const b = alertDoc();
    expect(existingAlertsFilter([a._id, 'gone'])).toEqual({ _id: { $in: [a._id, 'gone'] } });
    expect(run({ filter: existingAlertsFilter([a._id, 'gone']), sort: { _id: 1 } }, [a, b]).map((d) => d._id)).toEqual([a._id]);
  });
});

describe('MongoDB execution queries', () => {
  it('finds an execution by id, and an alert’s executions by alert', () => {
    const mine = executionDoc('a1', T0);
    const other = executionDoc('a2', T0);
    expect(matches(executionByIdFilter(mine._id), mine)).toBe(true);
    expect(matches(executionByIdFilter(mine._id), other)).toBe(false);
    expect(run({ filter: executionsOfAlertFilter('a1'), sort: { _id: 1 } }, [mine, other])).toEqual([mine]);
  });

  it('finds the oldest other WORKING execution of the alert', () => {
    const older = executionDoc('a1', T0);
    const newer = executionDoc('a1', at(60), { startedAt: at(60) });
    const done = executionDoc('a1', at(-60), { startedAt: at(-60), state: 'NOOP' });
    const otherAlert = executionDoc('a2', at(-120), { startedAt: at(-120) });
    const docs = [newer, done, otherAlert, older];

    expect(runningExecutionQuery('a1', newer._id)).toEqual({
      filter: { alertId: 'a1', state: 'WORKING', _id: { $ne: newer._id } },
      sort: { startedAt: 1, _id: 1 },
      limit: 1,
    });
    expect(run(runningExecutionQuery('a1', newer._id), docs)).toEqual([older]);
    expect(run(runningExecutionQuery('a1', older._id), docs)).toEqual([newer]);
    expect(run(runningExecutionQuery('a2', otherAlert._id), docs)).toEqual([]);
  });

  it('a batch claim finds each alert’s oldest WORKING execution, not the ones it inserted', () => {
    const oldest = executionDoc('a1', T0, { sendStartedAt: at(1) });
    const later = executionDoc('a1', at(60), { startedAt: at(60) });
    const finished = executionDoc('a2', T0, { state: 'SUCCESS' });
    const claimedA1 = executionDoc('a1', at(120), { startedAt: at(120) });
    const claimedA2 = executionDoc('a2', at(120), { startedAt: at(120) });
    const claimedA3 = executionDoc('a3', at(120), { startedAt: at(120) });
    const elsewhere = executionDoc('a9', at(-600), { startedAt: at(-600) });
    const docs = [later, claimedA1, oldest, finished, claimedA2, claimedA3, elsewhere];

    const rows = aggregate<{ _id: string }>(
      runningByAlertPipeline(['a1', 'a2', 'a3'], [claimedA1._id, claimedA2._id, claimedA3._id]),
      docs,
    );
    expect(rows).toEqual([{ _id: 'a1', id: oldest._id, startedAt: T0, sendStartedAt: at(1) }]);
  });

  it('records only the first send start', () => {
    const doc = executionDoc('a1', T0);
    expect(markSendingFilter(doc._id)).toEqual({ _id: doc._id, sendStartedAt: null });
    expect(applyUpdate([doc], markSendingFilter(doc._id), markSendingUpdate(at(2.25)))).toBe(true);
    expect(applyUpdate([doc], markSendingFilter(doc._id), markSendingUpdate(at(3)))).toBe(false);
    expect(doc.sendStartedAt).toEqual(at(2.25));
  });

  it('finishes only a WORKING execution, recording the result and its deliveries', () => {
    const doc = executionDoc('a1', T0, { sendStartedAt: at(2) });
    const before = structuredClone(doc);
    const finish: ExecutionFinish = {
      state: 'ERROR',
      reason: '1 of 2 deliveries failed: email:운영@example.com',
      value: '42.5',
      rowCount: 1,
      deliveries: [
        { recipient: 'channel:C1', ok: true, unknown: false, error: null, ref: '1712345678.000100', note: null },
        { recipient: 'email:운영@example.com', ok: false, unknown: true, error: 'SMTP timed out', ref: null, note: null },
      ],
      ownersNotified: true,
      queryMs: 12.4,
      deliveryMs: 339.6,
      finishedAt: at(4.5),
    };
    expect(finishFilter(doc._id)).toEqual({ _id: doc._id, state: 'WORKING' });
    expect(applyUpdate([doc], finishFilter(doc._id), finishUpdate(finish))).toBe(true);
    expect(doc).toEqual({
      ...before,
      state: 'ERROR',
      reason: finish.reason,
      value: '42.5',
      rowCount: 1,
      deliveries: finish.deliveries,
      ownersNotified: true,
      // Whole milliseconds, as PostgreSQL's integer columns keep them.
      queryMs: 12,
      deliveryMs: 340,
      finishedAt: at(4.5),
    });
    // Finished: a second finish (a late result, a timeout elsewhere) matches nothing.
    expect(applyUpdate([doc], finishFilter(doc._id), finishUpdate({ state: 'SUCCESS', reason: null, finishedAt: at(9) }))).toBe(false);
    expect(doc.state).toBe('ERROR');
  });

  it('finishes with defaults for the parts a result leaves out', () => {
    expect(finishUpdate({ state: 'SKIPPED', reason: 'paused', finishedAt: T0 })).toEqual({
      $set: {
        state: 'SKIPPED',
        reason: 'paused',
        value: null,
        rowCount: null,
        deliveries: [],
        series: [],
        ownersNotified: false,
        queryMs: null,
        deliveryMs: null,
        finishedAt: T0,
      },
    });
  });

  describe('stale executions', () => {
    const quick = alertDoc({ shard: 5, workingTimeoutS: 300 });
    const slow = alertDoc({ shard: 5, workingTimeoutS: 600 });
    const elsewhere = alertDoc({ shard: 6, workingTimeoutS: 300 });
    const alerts = [quick, slow, elsewhere];
    const stuck = executionDoc(quick._id, T0);
    const slowRun = executionDoc(slow._id, T0);
    const otherShard = executionDoc(elsewhere._id, T0);
    const finished = executionDoc(quick._id, at(-60), { startedAt: at(-60), state: 'ERROR' });
    const orphan = executionDoc('deleted-alert', at(-600), { startedAt: at(-600) });
    const executions = [slowRun, otherShard, finished, orphan, stuck];
    const stale = (shard: number, now: Date, limit: number) =>
      aggregate<ExecutionDoc>(staleExecutionsPipeline(shard, now, limit, 300), executions, { [ALERTS]: alerts });

    it('are WORKING past their own alert’s working timeout, strictly', () => {
      expect(stale(5, at(299), 10)).toEqual([]);
      expect(stale(5, at(300), 10)).toEqual([]);
      expect(stale(5, at(301), 10).map((e) => e._id)).toEqual([stuck._id]);
      expect(stale(5, at(601), 10).map((e) => e._id).sort()).toEqual([stuck._id, slowRun._id].sort());
    });

    it('are of the shard asked for, up to the limit, without alerts that are gone', () => {
      expect(stale(5, at(601), 1)).toHaveLength(1);
      expect(stale(6, at(301), 10).map((e) => e._id)).toEqual([otherShard._id]);
      expect(stale(7, at(3600), 10)).toEqual([]);
    });

    it("are judged by their own alert's timeout, the scan bounded by the shard's shortest", () => {
      const brief = alertDoc({ shard: 9, workingTimeoutS: 10 });
      const long = alertDoc({ shard: 9, workingTimeoutS: 3600 });
      const shard9 = [long, brief, alertDoc({ shard: 10, workingTimeoutS: 5 })];
      const shortest = run(shortestTimeoutQuery(9), shard9)[0]?.workingTimeoutS ?? NaN;
      expect(shortest).toBe(10);
      const old = executionDoc(brief._id, T0);
      const young = executionDoc(brief._id, at(60), { startedAt: at(5) });
      const patient = executionDoc(long._id, T0);
      const stale9 = (seconds: number) =>
        aggregate<ExecutionDoc>(staleExecutionsPipeline(9, at(seconds), 10, shortest), [young, patient, old], { [ALERTS]: shard9 }).map((e) => e._id);
      expect(stale9(10)).toEqual([]);
      expect(stale9(11)).toEqual([old._id]);
      expect(stale9(16)).toEqual([old._id, young._id]);
      expect(stale9(3601).sort()).toEqual([old._id, young._id, patient._id].sort());
      // Bounded by a longer shortest timeout, the scan leaves out the runs younger than it.
      expect(aggregate<ExecutionDoc>(staleExecutionsPipeline(9, at(3599), 10, 3600), [young, patient, old], { [ALERTS]: shard9 })).toEqual([]);
      expect(run(shortestTimeoutQuery(11), shard9)).toEqual([]);
    });

    it('come back as execution documents, oldest first', () => {
      const alert = alertDoc({ shard: 8, workingTimeoutS: 60 });
      const later = executionDoc(alert._id, at(60), { startedAt: at(60) });
      const earlier = executionDoc(alert._id, T0);
      const rows = aggregate<ExecutionDoc>(staleExecutionsPipeline(8, at(3600), 10, 60), [later, earlier], { [ALERTS]: [alert] });
      expect(rows).toEqual([earlier, later]);
    });
  });

  it('takes over only a WORKING first attempt that sent nothing, once', () => {
    const doc = executionDoc('a1', T0, { instance: 'dead' });
    const before = structuredClone(doc);
    expect(takeOverFilter(doc._id)).toEqual({ _id: doc._id, state: 'WORKING', attempt: 1, sendStartedAt: null });
    expect(applyUpdate([doc], takeOverFilter(doc._id), takeOverUpdate('alive', at(900)))).toBe(true);
    expect(doc).toEqual({ ...before, attempt: 2, instance: 'alive', startedAt: at(900), trigger: 'takeover' });
    expect(applyUpdate([doc], takeOverFilter(doc._id), takeOverUpdate('third', at(1800)))).toBe(false);

    const sending = executionDoc('a1', at(60), { sendStartedAt: at(61) });
    const done = executionDoc('a1', at(120), { state: 'NOOP' });
    expect(matches(takeOverFilter(sending._id), sending)).toBe(false);
    expect(matches(takeOverFilter(done._id), done)).toBe(false);
  });

  it('gives history newest first, up to the limit, for one alert', () => {
    const docs = [2, 0, 4, 1, 3].map((m) => executionDoc('a1', at(m * 60)));
    docs.push(executionDoc('a2', at(3600)));
    const history = run(historyQuery('a1', 3), docs);
    expect(history.map((e) => e.scheduledAt)).toEqual([at(240), at(180), at(120)]);
    expect(run(historyQuery('a1', 10), docs)).toHaveLength(5);
  });
});

describe('MongoDB log retention', () => {
  it("prunes executions older than their alert's retention, one delete per retention in use", () => {
    const now = new Date('2026-06-01T00:00:00.000Z');
    const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
    const weekly = alertDoc({ logRetentionDays: 7 });
    const monthly = alertDoc({ logRetentionDays: 30 });
    const alsoWeekly = alertDoc({ logRetentionDays: 7 });
    const executions = [
      executionDoc(weekly._id, daysAgo(8)),
      executionDoc(weekly._id, daysAgo(7.001)),
      executionDoc(weekly._id, daysAgo(7)),
      executionDoc(weekly._id, daysAgo(6)),
      executionDoc(monthly._id, daysAgo(8)),
      executionDoc(monthly._id, daysAgo(31)),
      executionDoc(alsoWeekly._id, daysAgo(10)),
    ];

    const groups = aggregate<{ _id: number; alertIds: string[] }>(retentionGroupsPipeline(), [weekly, monthly, alsoWeekly]);
    expect(groups.map((g) => ({ days: g._id, alertIds: [...g.alertIds].sort() })).sort((a, b) => a.days - b.days)).toEqual([
      { days: 7, alertIds: [weekly._id, alsoWeekly._id].sort() },
      { days: 30, alertIds: [monthly._id] },
    ]);

    const doomed = new Set<string>();
    for (const group of groups) {
      for (const e of find(executions as unknown as Plain[], plain(pruneFilter(group.alertIds, group._id, now))).all()) {
        doomed.add(String(e._id));
      }
    }
    const kept = executions.filter((e) => !doomed.has(e._id));
    expect(doomed.size).toBe(4);
    // Exactly the retention ago is kept (strictly older goes), as on PostgreSQL.
    expect(kept.map((e) => [e.alertId, e.scheduledAt])).toEqual([
      [weekly._id, daysAgo(7)],
      [weekly._id, daysAgo(6)],
      [monthly._id, daysAgo(8)],
    ]);
    expect(pruneFilter(['a1'], 7, now)).toEqual({ alertId: { $in: ['a1'] }, scheduledAt: { $lt: daysAgo(7) } });
  });
});

describe('pruning executions whose alert is gone', () => {
  it('finds the alert ids executions name that no alert has, and deletes exactly their executions', () => {
    const orphans = orphanedAlertIds(['a1', 'gone', 'a2', 'gone'], ['a1', 'a2']);
    expect(orphans).toEqual(['gone']);
    const executions = [
      { _id: 'e1', alertId: 'a1' },
      { _id: 'e2', alertId: 'gone' },
      { _id: 'e3', alertId: 'gone' },
    ];
    expect(executions.filter((e) => matches(orphanedExecutionsFilter(orphans), e)).map((e) => e._id)).toEqual(['e2', 'e3']);
  });
});

describe('instances', () => {
  it('a heartbeat upserts the instance by name and moves only its seenAt', () => {
    const docs: Plain[] = [{ _id: 'lookout-a', seenAt: at(0) }, { _id: 'lookout-b', seenAt: at(0) }];
    expect(instanceFilter('lookout-a')).toEqual({ _id: 'lookout-a' });
    expect(applyUpdate(docs, instanceFilter('lookout-a'), heartbeatUpdate(at(30)))).toBe(true);
    expect(docs).toEqual([
      { _id: 'lookout-a', seenAt: at(30) },
      { _id: 'lookout-b', seenAt: at(0) },
    ]);
    // The update holds no _id, so an upsert takes it from the filter.
    expect(heartbeatUpdate(at(30))).toEqual({ $set: { seenAt: at(30) } });
  });

  it('lists the instances seen at or after a time, by name', () => {
    const docs = [
      { _id: 'lookout-c', seenAt: at(-60) },
      { _id: 'lookout-b', seenAt: at(0) },
      { _id: 'lookout-a', seenAt: at(5) },
    ];
    expect(run(liveInstancesQuery(at(0)), docs).map((d) => d._id)).toEqual(['lookout-a', 'lookout-b']);
    expect(run(liveInstancesQuery(at(1)), docs).map((d) => d._id)).toEqual(['lookout-a']);
  });
});

describe('MongoDB indexes', () => {
  const byName = (indexes: typeof ALERT_INDEXES, name: string) => indexes.find((i) => i.name === name);

  it('makes names unique ignoring case and ticks unique per alert', () => {
    expect(byName(ALERT_INDEXES, 'alerts_name_key')).toMatchObject({ key: { nameKey: 1 }, unique: true });
    expect(byName(EXECUTION_INDEXES, 'executions_tick_key')).toMatchObject({ key: { alertId: 1, scheduledAt: 1 }, unique: true });
  });

  it('partial indexes cover their queries: each query implies the index filter', () => {
    // MongoDB uses a partial index only for a query whose filter implies the index's filter.
    const due = byName(ALERT_INDEXES, 'alerts_due');
    expect(due).toMatchObject({ key: { shard: 1, nextRunAt: 1 }, partialFilterExpression: { active: true } });
    expect(dueAlertsQuery(0, T0, 1).filter).toMatchObject(due?.partialFilterExpression ?? { missing: true });

    const byAlert = byName(EXECUTION_INDEXES, 'executions_working_by_alert');
    expect(byAlert).toMatchObject({ key: { alertId: 1, startedAt: 1 } });
    expect(runningExecutionQuery('a1', 'x').filter).toMatchObject(byAlert?.partialFilterExpression ?? { missing: true });
    expect(runningByAlertPipeline(['a1'], [])[0]?.$match).toMatchObject(byAlert?.partialFilterExpression ?? { missing: true });

    const working = byName(EXECUTION_INDEXES, 'executions_working');
    expect(working).toMatchObject({ key: { state: 1, startedAt: 1 } });
    expect(staleExecutionsPipeline(0, T0, 1, 10)[0]?.$match).toMatchObject(working?.partialFilterExpression ?? { missing: true });

    const shortestTimeout = byName(ALERT_INDEXES, 'alerts_shard_timeout');
    expect(shortestTimeout).toMatchObject({ key: { shard: 1, workingTimeoutS: 1 } });
    expect(shortestTimeoutQuery(0).sort).toEqual({ workingTimeoutS: 1 });
    expect(Object.keys(shortestTimeoutQuery(0).filter)).toEqual(['shard']);
  });

  it("makes Agenda's repeating jobs unique by name, as its PostgreSQL backend does", () => {
    const index = AGENDA_JOB_INDEXES[0];
    expect(index).toMatchObject({ key: { name: 1, type: 1 }, unique: true, partialFilterExpression: { type: 'single' } });
    // The partial filter takes in the repeating jobs only, not one-off jobs of the same name (run now).
    expect(matches(index?.partialFilterExpression, { name: 'lookout-dispatch-shard-0', type: 'single' })).toBe(true);
    expect(matches(index?.partialFilterExpression, { name: 'lookout-run-now', type: 'normal' })).toBe(false);
  });

  it('creates no TTL index: the daily prune job applies each alert’s retention', () => {
    expect([...ALERT_INDEXES, ...EXECUTION_INDEXES].some((i) => i.expireAfterSeconds !== undefined)).toBe(false);
  });
});

describe('alertChannelsPipeline', () => {
  const slack = (id: string) => ({ kind: 'slack_channel' as const, id });
  const T0 = new Date('2026-11-24T00:00:00Z');
  const at = (s: number) => new Date(T0.getTime() + s * 1000);

  it('groups channel recipients by channel, oldest alert first, with three names, the count of alerts and the total', () => {
    const docs = [
      alertDoc({ name: 'B', createdAt: at(60), recipients: [slack('C2'), slack('C1')] }),
      alertDoc({ name: 'A', createdAt: at(0), recipients: [slack('C1'), { kind: 'slack_user', id: 'U9' }, { kind: 'email', address: 'x@example.com' }] }),
      ...[0, 1, 2].map((i) => alertDoc({ name: `C${i}`, createdAt: at(120 + i), recipients: [slack('C1'), slack('C3')] })),
    ];
    const [all] = aggregate<AlertChannelsFacet>(alertChannelsPipeline(50), docs);
    expect(all).toEqual({
      channels: [
        { _id: 'C1', names: ['A', 'B', 'C0'], alerts: 5 },
        { _id: 'C2', names: ['B'], alerts: 1 },
        { _id: 'C3', names: ['C0', 'C1', 'C2'], alerts: 3 },
      ],
      total: [{ n: 3 }],
    });
    const [twice] = aggregate<AlertChannelsFacet>(alertChannelsPipeline(50), [alertDoc({ name: 'Twice', recipients: [slack('C4'), slack('C4')] })]);
    expect(twice?.channels).toEqual([{ _id: 'C4', names: ['Twice'], alerts: 1 }]);
    const [first] = aggregate<AlertChannelsFacet>(alertChannelsPipeline(1), docs);
    expect(first?.channels.map((c) => c._id)).toEqual(['C1']);
    expect(first?.total).toEqual([{ n: 3 }]);
  });

  it('answers no channels and no count when no alert posts to one', () => {
    const [none] = aggregate<AlertChannelsFacet>(alertChannelsPipeline(50), [alertDoc({ recipients: [{ kind: 'slack_user', id: 'U1' }] })]);
    expect(none?.channels).toEqual([]);
    // MongoDB's $count of nothing is no document, mingo's is { n: 0 }: the store reads both as 0.
    expect(none?.total[0]?.n ?? 0).toBe(0);
  });
});
