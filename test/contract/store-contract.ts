// The Store port's contract (src/store/port.ts), after Agenda's repository-test-suite: every
// adapter's test file calls runStoreContract with create/cleanup hooks, then adds its own cases.
// Each test starts on an empty store (cleanup empties it) and passes explicit times: no sleeping.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { DeliveryRecord, Execution } from '../../src/domain/types.js';
import { ConflictError } from '../../src/errors.js';
import type { ClaimRequest, Store } from '../../src/store/port.js';
import { describeCodeContract } from './code-contract.js';
import { describeBatchContract } from './batch-contract.js';
import { describeSeriesContract } from './series-contract.js';
import { describeTriageContract } from './triage-contract.js';
import { T0, asCreated, newAlertFixture, plusSeconds } from './store-fixtures.js';

export { newAlertFixture } from './store-fixtures.js';

/** What a test may ask of an adapter's store beyond the defaults. */
export interface StoreTestOptions {
  /** A small bound on an alert's seen keys, so the bound is tested without 100,000 rows. */
  maxKeysPerAlert?: number;
}

export interface StoreContractHooks {
  /** A store on an empty database (the same database every time within a test). */
  create(options?: StoreTestOptions): Promise<Store>;
  /** Closes the store and empties its database for the next test. */
  cleanup(store: Store): Promise<void>;
}

export function runStoreContract(label: string, hooks: StoreContractHooks): void {
  describe(`Store contract: ${label}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await hooks.create();
    });

    afterEach(async () => {
      await hooks.cleanup(store);
    });

    function claim(alertId: string, scheduledAt: Date, overrides: Partial<ClaimRequest> = {}): Promise<Execution | null> {
      return store.claimTick({ alertId, scheduledAt, trigger: 'schedule', instance: 'i1', now: scheduledAt, ...overrides });
    }

    async function claimed(alertId: string, scheduledAt: Date, overrides: Partial<ClaimRequest> = {}): Promise<Execution> {
      const execution = await claim(alertId, scheduledAt, overrides);
      if (execution === null) throw new Error(`tick ${scheduledAt.toISOString()} was already claimed`);
      return execution;
    }

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('alerts', () => {
      it('creates an alert with empty runtime and reads it back by id', async () => {
        const spec = newAlertFixture();
        const created = await store.createAlert(spec);
        expect(created).toEqual(asCreated(spec));
        expect(await store.getAlert(created.id)).toEqual(created);
      });

      it('round trips every kind of spec value', async () => {
        const spec = newAlertFixture({
          name: '주문 지연 리포트',
          description: '',
          owners: ['U1', 'U2'],
          type: 'report',
          condition: null,
          schedule: { cron: '30 2 * * 1-5', timezone: 'America/New_York' },
          gracePeriodS: 0,
          content: {
            kind: 'screenshot',
            url: 'http://dash.internal/d/1',
            linkUrl: null,
            width: 1920,
            height: 1080,
            scale: 2,
            selector: '#chart "main"',
            fullPage: false,
            waitFor: '.dashboard-ready',
            waitForGone: '.spinner',
            csv: true,
            bom: true, keepFormulas: false,
          },
          messageTemplate: 'Orders: {{value}} — see the thread',
          recipients: [
            { kind: 'slack_channel', id: 'C1' },
            { kind: 'slack_user', id: 'U9' },
            { kind: 'email', address: 'ops@example.com' },
          ],
          emailFallback: true,
          notifyOnRecovery: false,
          active: false,
          nextRunAt: null,
          shard: 15,
        });
        await store.createAlert(spec);
        expect(await store.getAlert(spec.id)).toEqual(asCreated(spec));

        const chart = await store.createAlert(
          newAlertFixture({ content: { kind: 'chart', chart: 'bar', csv: false, native: true, bom: false, keepFormulas: false }, condition: { op: 'rows exist' } }),
        );
        expect(await store.getAlert(chart.id)).toMatchObject({
          content: { kind: 'chart', chart: 'bar', csv: false, native: true, bom: false, keepFormulas: false },
          condition: { op: 'rows exist' },
        });
      });

      it('returns null for an id that does not exist', async () => {
        expect(await store.getAlert(randomUUID())).toBeNull();
        expect(await store.getAlert('not-an-id')).toBeNull();
      });

      it('finds an alert by name ignoring case', async () => {
        const created = await store.createAlert(newAlertFixture({ name: 'CPU High' }));
        expect((await store.findAlertByName('cpu high'))?.id).toBe(created.id);
        expect((await store.findAlertByName('CPU HIGH'))?.id).toBe(created.id);
        expect(await store.findAlertByName('cpu')).toBeNull();
      });

      it('refuses a second alert with the same name in any case', async () => {
        await store.createAlert(newAlertFixture({ name: 'CPU High' }));
        const attempt = store.createAlert(newAlertFixture({ name: 'cpu HIGH' }));
        await expect(attempt).rejects.toBeInstanceOf(ConflictError);
        await expect(attempt).rejects.toMatchObject({
          field: 'name',
          code: 'conflict',
          message: 'An alert named "cpu HIGH" already exists.',
        });
        expect(await store.listAlerts()).toHaveLength(1);
      });

      it('lists alerts oldest first, filtered by owner and limited', async () => {
        const second = await store.createAlert(newAlertFixture({ owners: ['U1'], createdAt: plusSeconds(T0, 60) }));
        const first = await store.createAlert(newAlertFixture({ owners: ['U2', 'U1'], createdAt: T0 }));
        const third = await store.createAlert(newAlertFixture({ owners: ['U2'], createdAt: plusSeconds(T0, 120) }));

        expect((await store.listAlerts()).map((a) => a.id)).toEqual([first.id, second.id, third.id]);
        expect((await store.listAlerts({ owner: 'U1' })).map((a) => a.id)).toEqual([first.id, second.id]);
        expect((await store.listAlerts({ owner: 'U2' })).map((a) => a.id)).toEqual([first.id, third.id]);
        expect(await store.listAlerts({ owner: 'U3' })).toEqual([]);
        expect((await store.listAlerts({ limit: 2 })).map((a) => a.id)).toEqual([first.id, second.id]);
        expect((await store.listAlerts({ owner: 'U1', limit: 1 })).map((a) => a.id)).toEqual([first.id]);
        expect((await store.listAlerts({ ids: [third.id, second.id, 'gone'] })).map((a) => a.id)).toEqual([second.id, third.id]);
        expect((await store.listAlerts({ owner: 'U2', ids: [third.id, second.id] })).map((a) => a.id)).toEqual([third.id]);
        expect(await store.listAlerts({ ids: [] })).toEqual([]);
      });

      it('counts the alerts a filter keeps without reading them', async () => {
        const mine = await store.createAlert(newAlertFixture({ owners: ['U1'], createdAt: T0 }));
        const shared = await store.createAlert(newAlertFixture({ owners: ['U2', 'U1'], createdAt: plusSeconds(T0, 60) }));
        await store.createAlert(newAlertFixture({ owners: ['U2'], createdAt: plusSeconds(T0, 120) }));

        expect(await store.countAlerts()).toBe(3);
        expect(await store.countAlerts({ owner: 'U1' })).toBe(2);
        expect(await store.countAlerts({ owner: 'U3' })).toBe(0);
        expect(await store.countAlerts({ ids: [mine.id, 'gone'] })).toBe(1);
        expect(await store.countAlerts({ owner: 'U2', ids: [mine.id, shared.id] })).toBe(1);
        expect(await store.countAlerts({ ids: [] })).toBe(0);
      });

      it('lists the channels alerts post to, by their oldest alert, with its first names and counts, and how many in all', async () => {
        expect(await store.alertChannels(50)).toEqual({ channels: [], total: 0 });
        const slack = (id: string) => ({ kind: 'slack_channel' as const, id });
        await store.createAlert(newAlertFixture({ name: 'B', createdAt: plusSeconds(T0, 60), recipients: [slack('C2'), slack('C1')] }));
        await store.createAlert(newAlertFixture({ name: 'A', createdAt: T0, recipients: [slack('C1'), { kind: 'slack_user', id: 'U9' }, { kind: 'email', address: 'x@example.com' }] }));
        for (let i = 0; i < 3; i += 1) {
          await store.createAlert(newAlertFixture({ name: `C${i}`, createdAt: plusSeconds(T0, 120 + i), recipients: [slack('C1'), slack('C3')] }));
        }

        expect(await store.alertChannels(50)).toEqual({
          total: 3,
          channels: [
            { id: 'C1', alertNames: ['A', 'B', 'C0'], alerts: 5 },
            { id: 'C2', alertNames: ['B'], alerts: 1 },
            { id: 'C3', alertNames: ['C0', 'C1', 'C2'], alerts: 3 },
          ],
        });
        expect(await store.alertChannels(1)).toEqual({ total: 3, channels: [{ id: 'C1', alertNames: ['A', 'B', 'C0'], alerts: 5 }] });
        expect(await store.alertChannels(0)).toEqual({ total: 3, channels: [] });
        // An alert naming a channel twice (by level routes, say) counts once.
        await store.createAlert(newAlertFixture({ name: 'Twice', createdAt: plusSeconds(T0, 300), recipients: [slack('C4'), slack('C4')] }));
        expect((await store.alertChannels(50)).channels.at(-1)).toEqual({ id: 'C4', alertNames: ['Twice'], alerts: 1 });
      });

      it('applies a change, bumps updated by/at and leaves the rest alone', async () => {
        const created = await store.createAlert(newAlertFixture({ name: 'Disk' }));
        const at = plusSeconds(T0, 3600);
        const updated = await store.updateAlert(created.id, {
          name: 'Disk full',
          schedule: { cron: '*/5 * * * *', timezone: 'Asia/Seoul' },
          condition: { op: '>=', threshold: 90.5 },
          content: { kind: 'csv', bom: false, keepFormulas: false },
          recipients: [{ kind: 'email', address: 'a@example.com' }],
          messageTemplate: 'disk at {{value}}%',
          updatedBy: 'U7',
          updatedAt: at,
        });
        expect(updated).toEqual({
          ...created,
          name: 'Disk full',
          schedule: { cron: '*/5 * * * *', timezone: 'Asia/Seoul' },
          condition: { op: '>=', threshold: 90.5 },
          content: { kind: 'csv', bom: false, keepFormulas: false },
          recipients: [{ kind: 'email', address: 'a@example.com' }],
          messageTemplate: 'disk at {{value}}%',
          updatedBy: 'U7',
          updatedAt: at,
        });
        expect(await store.getAlert(created.id)).toEqual(updated);
      });

      it('pauses, snoozes and resumes', async () => {
        const created = await store.createAlert(newAlertFixture());
        const until = new Date('2026-03-02T00:00:00.250Z');
        const paused = await store.updateAlert(created.id, {
          active: false,
          nextRunAt: null,
          snoozedUntil: until,
          updatedBy: 'U2',
          updatedAt: plusSeconds(T0, 1),
        });
        expect(paused).toMatchObject({ active: false, nextRunAt: null, snoozedUntil: until });

        const resumed = await store.updateAlert(created.id, {
          active: true,
          nextRunAt: plusSeconds(T0, 60),
          snoozedUntil: null,
          shard: 7,
          updatedBy: 'U2',
          updatedAt: plusSeconds(T0, 2),
        });
        expect(resumed).toMatchObject({ active: true, nextRunAt: plusSeconds(T0, 60), snoozedUntil: null, shard: 7 });
      });

      it('returns null when updating an alert that does not exist', async () => {
        expect(await store.updateAlert(randomUUID(), { description: 'x', updatedBy: 'U1', updatedAt: T0 })).toBeNull();
      });

      it('refuses a rename onto another alert name but allows a change of case', async () => {
        await store.createAlert(newAlertFixture({ name: 'Errors' }));
        const other = await store.createAlert(newAlertFixture({ name: 'Warnings' }));
        await expect(
          store.updateAlert(other.id, { name: 'ERRORS', updatedBy: 'U1', updatedAt: T0 }),
        ).rejects.toMatchObject({ field: 'name', code: 'conflict' });
        const renamed = await store.updateAlert(other.id, { name: 'WARNINGS', updatedBy: 'U1', updatedAt: T0 });
        expect(renamed?.name).toBe('WARNINGS');
      });

      it('deletes an alert together with its executions', async () => {
        const alert = await store.createAlert(newAlertFixture());
        const execution = await claimed(alert.id, T0);

        expect(await store.deleteAlert(alert.id)).toBe(true);
        expect(await store.getAlert(alert.id)).toBeNull();
        expect(await store.getExecution(execution.id)).toBeNull();
        expect(await store.history(alert.id, 10)).toEqual([]);
        expect(await store.deleteAlert(alert.id)).toBe(false);
      });
    });

    describe('scheduling', () => {
      it('finds due alerts by shard, active and next run time, earliest first, up to the limit', async () => {
        const minute = (n: number) => plusSeconds(T0, n * 60);
        const a = await store.createAlert(newAlertFixture({ shard: 3, nextRunAt: minute(-2) }));
        const c = await store.createAlert(newAlertFixture({ shard: 3, nextRunAt: T0 }));
        const b = await store.createAlert(newAlertFixture({ shard: 3, nextRunAt: minute(-1) }));
        await store.createAlert(newAlertFixture({ shard: 3, nextRunAt: plusSeconds(T0, 0.001) }));
        await store.createAlert(newAlertFixture({ shard: 3, nextRunAt: minute(-5), active: false }));
        await store.createAlert(newAlertFixture({ shard: 3, nextRunAt: null }));
        const other = await store.createAlert(newAlertFixture({ shard: 4, nextRunAt: minute(-3) }));

        expect((await store.dueAlerts(3, T0, 10)).map((x) => x.id)).toEqual([a.id, b.id, c.id]);
        expect((await store.dueAlerts(3, T0, 2)).map((x) => x.id)).toEqual([a.id, b.id]);
        expect((await store.dueAlerts(4, T0, 10)).map((x) => x.id)).toEqual([other.id]);
        expect(await store.dueAlerts(5, T0, 10)).toEqual([]);
        expect(await store.dueAlerts(3, minute(-10), 10)).toEqual([]);
      });

      it('includes snoozed alerts in due ones (the tick records SKIPPED)', async () => {
        const alert = await store.createAlert(newAlertFixture({ shard: 2 }));
        await store.updateAlert(alert.id, { snoozedUntil: plusSeconds(T0, 3600), updatedBy: 'U1', updatedAt: T0 });
        expect((await store.dueAlerts(2, T0, 10)).map((x) => x.id)).toEqual([alert.id]);
      });

      it('advances the next run time once, and not from a stale expected value', async () => {
        const alert = await store.createAlert(newAlertFixture({ shard: 1, nextRunAt: T0 }));
        const next = plusSeconds(T0, 60);

        expect(await store.advanceNextRun(alert.id, T0, next)).toBe(true);
        expect(await store.advanceNextRun(alert.id, T0, plusSeconds(T0, 120))).toBe(false);
        expect((await store.getAlert(alert.id))?.nextRunAt).toEqual(next);
        expect(await store.dueAlerts(1, T0, 10)).toEqual([]);

        expect(await store.advanceNextRun(alert.id, next, null)).toBe(true);
        expect((await store.getAlert(alert.id))?.nextRunAt).toBeNull();
        expect(await store.advanceNextRun(alert.id, next, T0)).toBe(false);
        expect(await store.advanceNextRun(randomUUID(), T0, next)).toBe(false);
      });

      it('advances many next run times in one call, skipping stale expected values', async () => {
        const a = await store.createAlert(newAlertFixture({ nextRunAt: T0 }));
        const b = await store.createAlert(newAlertFixture({ nextRunAt: T0 }));
        const next = plusSeconds(T0, 60);
        const moved = await store.advanceNextRuns([
          { id: a.id, expected: T0, next },
          { id: b.id, expected: plusSeconds(T0, 1), next },
          { id: randomUUID(), expected: T0, next },
        ]);
        expect(moved).toBe(1);
        expect((await store.getAlert(a.id))?.nextRunAt).toEqual(next);
        expect((await store.getAlert(b.id))?.nextRunAt).toEqual(T0);
        expect(await store.advanceNextRuns([])).toBe(0);
      });

      it('lets exactly one of two racing advances win', async () => {
        const alert = await store.createAlert(newAlertFixture({ nextRunAt: T0 }));
        const results = await Promise.all([
          store.advanceNextRun(alert.id, T0, plusSeconds(T0, 60)),
          store.advanceNextRun(alert.id, T0, plusSeconds(T0, 120)),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('executions', () => {
      it('claims a tick once: the same alert and scheduled time again gives null', async () => {
        const alert = await store.createAlert(newAlertFixture());
        const now = plusSeconds(T0, 1.5);
        const execution = await store.claimTick({
          alertId: alert.id,
          scheduledAt: T0,
          trigger: 'run_now',
          instance: 'host-a:1',
          now,
        });
        expect(execution).toEqual({
          id: expect.any(String),
          alertId: alert.id,
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
        });
        expect(await store.getExecution(execution?.id ?? '')).toEqual(execution);

        expect(await claim(alert.id, new Date(T0.getTime()), { instance: 'host-b:1' })).toBeNull();
        expect(await claim(alert.id, plusSeconds(T0, 60))).not.toBeNull();
      });

      it('gives a tick to exactly one of 20 racing claims', async () => {
        const alert = await store.createAlert(newAlertFixture());
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => claim(alert.id, T0, { instance: `instance-${i}` })),
        );
        expect(results.filter((r) => r !== null)).toHaveLength(1);
        expect(await store.history(alert.id, 50)).toHaveLength(1);
      });

      it('returns null for an execution that does not exist', async () => {
        expect(await store.getExecution(randomUUID())).toBeNull();
      });

      it('finds the oldest other WORKING execution of the alert', async () => {
        const alert = await store.createAlert(newAlertFixture());
        const other = await store.createAlert(newAlertFixture());
        const older = await claimed(alert.id, T0);
        const newer = await claimed(alert.id, plusSeconds(T0, 60));
        await claimed(other.id, plusSeconds(T0, -60));

        expect((await store.runningExecution(alert.id, newer.id))?.id).toBe(older.id);
        expect((await store.runningExecution(alert.id, older.id))?.id).toBe(newer.id);

        await store.finishExecution(older.id, { state: 'NOOP', reason: 'no rows', finishedAt: plusSeconds(T0, 1) });
        expect(await store.runningExecution(alert.id, newer.id)).toBeNull();
      });

      it('records sending, then the result with its deliveries, only while WORKING', async () => {
        const alert = await store.createAlert(newAlertFixture());
        const execution = await claimed(alert.id, T0);
        const sendAt = plusSeconds(T0, 2.25);

        await store.markSending(execution.id, sendAt);
        await store.markSending(execution.id, plusSeconds(T0, 3));
        expect((await store.getExecution(execution.id))?.sendStartedAt).toEqual(sendAt);

        const deliveries: DeliveryRecord[] = [
          { recipient: 'channel:C1', ok: true, unknown: false, error: null, ref: '1712345678.000100', note: null },
          {
            recipient: 'email:운영@example.com',
            ok: false,
            unknown: true,
            error: 'SMTP timed out after "DATA"',
            ref: null,
            note: 'chart could not be attached',
          },
        ];
        const finishedAt = plusSeconds(T0, 4.5);
        const finished = await store.finishExecution(execution.id, {
          state: 'ERROR',
          reason: '1 of 2 deliveries failed: email:운영@example.com',
          value: '42.5',
          rowCount: 1,
          deliveries,
          ownersNotified: true,
          queryMs: 12,
          deliveryMs: 340,
          finishedAt,
        });
        expect(finished).toBe(true);
        expect(await store.getExecution(execution.id)).toEqual({
          ...execution,
          state: 'ERROR',
          reason: '1 of 2 deliveries failed: email:운영@example.com',
          value: '42.5',
          rowCount: 1,
          deliveries,
          ownersNotified: true,
          queryMs: 12,
          deliveryMs: 340,
          finishedAt,
          sendStartedAt: sendAt,
        });

        const again = await store.finishExecution(execution.id, {
          state: 'SUCCESS',
          reason: null,
          finishedAt: plusSeconds(T0, 9),
        });
        expect(again).toBe(false);
        expect((await store.getExecution(execution.id))?.state).toBe('ERROR');
        expect(await store.finishExecution(randomUUID(), { state: 'NOOP', reason: null, finishedAt: T0 })).toBe(false);
      });

      it('claims many ticks in one call, each once, even when two calls race', async () => {
        const alerts = await Promise.all([1, 2, 3].map(() => store.createAlert(newAlertFixture())));
        const requests = alerts.map((a) => ({ alertId: a.id, scheduledAt: T0, trigger: 'schedule' as const, instance: 'i1', now: T0 }));
        await claimed(alerts[0]!.id, T0);
        const gone = { ...requests[0]!, alertId: randomUUID() };
        const [first, second] = await Promise.all([
          store.claimTicks([...requests, gone]),
          store.claimTicks(requests),
        ]);
        const claims = [...first, ...second];
        expect(claims.map((c) => c.execution.alertId).sort()).toEqual([alerts[1]!.id, alerts[2]!.id].sort());
        expect(claims.every((c) => c.execution.state === 'WORKING' && c.execution.attempt === 1)).toBe(true);
        expect(claims.every((c) => c.running === null)).toBe(true);
        expect(await store.claimTicks([])).toEqual([]);
      });

      it('a batch claim reports the alert’s other WORKING execution, as runningExecution does', async () => {
        const alert = await store.createAlert(newAlertFixture());
        const older = await claimed(alert.id, T0, { now: T0 });
        await store.markSending(older.id, plusSeconds(T0, 1));
        const [claim] = await store.claimTicks([
          { alertId: alert.id, scheduledAt: plusSeconds(T0, 60), trigger: 'schedule', instance: 'i2', now: plusSeconds(T0, 60) },
        ]);
        expect(claim?.running).toEqual({ id: older.id, startedAt: T0, sendStartedAt: plusSeconds(T0, 1) });
        const looked = await store.runningExecution(alert.id, claim!.execution.id);
        expect(looked?.id).toBe(older.id);
      });

      it('finishing saves the runtime change with it, and neither when no longer WORKING', async () => {
        const alert = await store.createAlert(newAlertFixture());
        const execution = await claimed(alert.id, T0);
        const runtime = { lastState: 'SUCCESS' as const, lastSentTick: T0, threads: { 'channel:C1': 'C1:1' } };
        expect(await store.finishExecution(execution.id, { state: 'SUCCESS', reason: null, finishedAt: T0 }, runtime)).toBe(true);
        expect(await store.getAlert(alert.id)).toMatchObject(runtime);
        const late = { lastState: 'ERROR' as const, lastSentTick: null };
        expect(await store.finishExecution(execution.id, { state: 'ERROR', reason: 'x', finishedAt: T0 }, late)).toBe(false);
        expect(await store.getAlert(alert.id)).toMatchObject(runtime);
      });

      it('finishes with defaults for the parts a result leaves out', async () => {
        const alert = await store.createAlert(newAlertFixture());
        const execution = await claimed(alert.id, T0);
        await store.finishExecution(execution.id, { state: 'SKIPPED', reason: 'paused', finishedAt: T0 });
        expect(await store.getExecution(execution.id)).toEqual({
          ...execution,
          state: 'SKIPPED',
          reason: 'paused',
          finishedAt: T0,
        });
      });

      it('reports a WORKING execution as stale only past its alert working timeout, in its shard', async () => {
        const quick = await store.createAlert(newAlertFixture({ shard: 5, workingTimeoutS: 300 }));
        const slow = await store.createAlert(newAlertFixture({ shard: 5, workingTimeoutS: 600 }));
        const elsewhere = await store.createAlert(newAlertFixture({ shard: 6, workingTimeoutS: 300 }));
        const stuck = await claimed(quick.id, T0, { now: T0 });
        const slowRun = await claimed(slow.id, T0, { now: T0 });
        await claimed(elsewhere.id, T0, { now: T0 });

        expect(await store.staleExecutions(5, plusSeconds(T0, 299), 10)).toEqual([]);
        expect(await store.staleExecutions(5, plusSeconds(T0, 300), 10)).toEqual([]);
        expect((await store.staleExecutions(5, plusSeconds(T0, 301), 10)).map((e) => e.id)).toEqual([stuck.id]);
        expect((await store.staleExecutions(5, plusSeconds(T0, 601), 10)).map((e) => e.id).sort()).toEqual(
          [stuck.id, slowRun.id].sort(),
        );
        expect(await store.staleExecutions(5, plusSeconds(T0, 601), 1)).toHaveLength(1);
        expect(await store.staleExecutions(7, plusSeconds(T0, 3600), 10)).toEqual([]);

        await store.finishExecution(stuck.id, { state: 'ERROR', reason: 'working timeout', finishedAt: T0 });
        expect((await store.staleExecutions(5, plusSeconds(T0, 601), 10)).map((e) => e.id)).toEqual([slowRun.id]);
      });

      it("reports each run by its own alert's timeout, whatever the shard's other alerts allow", async () => {
        const brief = await store.createAlert(newAlertFixture({ shard: 9, workingTimeoutS: 10 }));
        const long = await store.createAlert(newAlertFixture({ shard: 9, workingTimeoutS: 3600 }));
        const old = await claimed(brief.id, T0, { now: T0 });
        const young = await claimed(brief.id, plusSeconds(T0, 60), { now: plusSeconds(T0, 5) });
        const patient = await claimed(long.id, T0, { now: T0 });
        const ids = async (seconds: number) => (await store.staleExecutions(9, plusSeconds(T0, seconds), 10)).map((e) => e.id);
        expect(await ids(10)).toEqual([]);
        expect(await ids(11)).toEqual([old.id]);
        expect(await ids(16)).toEqual([old.id, young.id]);
        expect(await ids(3600)).toEqual([old.id, young.id]);
        expect((await ids(3601)).sort()).toEqual([old.id, young.id, patient.id].sort());
        // The brief alert deleted (its runs with it), the shard's shortest timeout is the long one's.
        await store.deleteAlert(brief.id);
        expect(await ids(3599)).toEqual([]);
        expect(await ids(3601)).toEqual([patient.id]);
        // A shard with no alerts has nothing stale.
        expect(await store.staleExecutions(10, plusSeconds(T0, 100_000), 10)).toEqual([]);
      });

      it('lists stale executions oldest first', async () => {
        const alert = await store.createAlert(newAlertFixture({ shard: 8, workingTimeoutS: 60 }));
        const later = await claimed(alert.id, plusSeconds(T0, 60), { now: plusSeconds(T0, 60) });
        const earlier = await claimed(alert.id, T0, { now: T0 });
        const stale = await store.staleExecutions(8, plusSeconds(T0, 3600), 10);
        expect(stale.map((e) => e.id)).toEqual([earlier.id, later.id]);
      });

      it('takes over a first-attempt claim that sent nothing, once', async () => {
        const alert = await store.createAlert(newAlertFixture());
        const execution = await claimed(alert.id, T0, { instance: 'dead' });
        const now = plusSeconds(T0, 900);

        const taken = await store.takeOver(execution.id, 'alive', now);
        expect(taken).toEqual({ ...execution, attempt: 2, instance: 'alive', startedAt: now, trigger: 'takeover' });
        expect(await store.getExecution(execution.id)).toEqual(taken);
        expect(await store.takeOver(execution.id, 'third', plusSeconds(now, 900))).toBeNull();
      });

      it('refuses a takeover once sending started, or when the execution finished', async () => {
        const alert = await store.createAlert(newAlertFixture());
        const sending = await claimed(alert.id, T0);
        await store.markSending(sending.id, plusSeconds(T0, 1));
        expect(await store.takeOver(sending.id, 'alive', plusSeconds(T0, 900))).toBeNull();

        const done = await claimed(alert.id, plusSeconds(T0, 60));
        await store.finishExecution(done.id, { state: 'NOOP', reason: null, finishedAt: plusSeconds(T0, 61) });
        expect(await store.takeOver(done.id, 'alive', plusSeconds(T0, 900))).toBeNull();
        expect(await store.takeOver(randomUUID(), 'alive', T0)).toBeNull();
      });

      it('lets exactly one of two racing takeovers win', async () => {
        const alert = await store.createAlert(newAlertFixture());
        const execution = await claimed(alert.id, T0);
        const results = await Promise.all([
          store.takeOver(execution.id, 'a', plusSeconds(T0, 900)),
          store.takeOver(execution.id, 'b', plusSeconds(T0, 900)),
        ]);
        expect(results.filter((r) => r !== null)).toHaveLength(1);
      });

      it('gives history newest first, up to the limit, for one alert', async () => {
        const alert = await store.createAlert(newAlertFixture());
        const other = await store.createAlert(newAlertFixture());
        for (const minute of [2, 0, 4, 1, 3]) await claimed(alert.id, plusSeconds(T0, minute * 60));
        await claimed(other.id, plusSeconds(T0, 3600));

        const history = await store.history(alert.id, 3);
        expect(history.map((e) => e.scheduledAt)).toEqual([4, 3, 2].map((m) => plusSeconds(T0, m * 60)));
        expect(history.every((e) => e.alertId === alert.id)).toBe(true);
        expect(await store.history(alert.id, 10)).toHaveLength(5);
      });

      it("prunes executions older than their alert's log retention and keeps newer ones", async () => {
        const now = new Date('2026-06-01T00:00:00.000Z');
        const daysAgo = (days: number) => plusSeconds(now, -days * 86400);
        const weekly = await store.createAlert(newAlertFixture({ logRetentionDays: 7 }));
        const monthly = await store.createAlert(newAlertFixture({ logRetentionDays: 30 }));
        await claimed(weekly.id, daysAgo(8));
        await claimed(weekly.id, daysAgo(7.001));
        const weeklyKept = await claimed(weekly.id, daysAgo(7));
        const weeklyNew = await claimed(weekly.id, daysAgo(6));
        const monthlyKept = await claimed(monthly.id, daysAgo(8));
        await claimed(monthly.id, daysAgo(31));

        expect(await store.pruneExecutions(now)).toBe(3);
        expect((await store.history(weekly.id, 10)).map((e) => e.id)).toEqual([weeklyNew.id, weeklyKept.id]);
        expect((await store.history(monthly.id, 10)).map((e) => e.id)).toEqual([monthlyKept.id]);
        expect(await store.pruneExecutions(now)).toBe(0);
      });
    });

    describe('runtime', () => {
      it('saves every runtime field and reads it back, leaving the spec and updated at alone', async () => {
        const alert = await store.createAlert(newAlertFixture());
        const runtime = {
          lastState: 'SUCCESS' as const,
          lastEvaluatedAt: new Date('2026-03-01T09:01:02.003Z'),
          lastSentAt: new Date('2026-03-01T09:01:04.999Z'),
          lastSentTick: new Date('2026-03-01T09:01:00.000Z'),
          firingSince: new Date('2026-03-01T08:00:00.001Z'),
          lastErrorNoticeAt: new Date('2026-02-28T23:59:59.999Z'),
          threads: { 'channel:C1': 'C1:1712345678.000100', 'user:U9': 'D1:1712345678.000200' },
        };
        await store.saveRuntime(alert.id, runtime);
        expect(await store.getAlert(alert.id)).toEqual({ ...alert, ...runtime });

        await store.saveRuntime(alert.id, { lastState: 'NOOP', firingSince: null, lastErrorNoticeAt: null, threads: {} });
        expect(await store.getAlert(alert.id)).toEqual({
          ...alert,
          ...runtime,
          lastState: 'NOOP',
          firingSince: null,
          lastErrorNoticeAt: null,
          threads: {},
        });

        await store.saveRuntime(alert.id, {});
        await store.saveRuntime(randomUUID(), { lastState: 'ERROR' });
        expect((await store.getAlert(alert.id))?.lastState).toBe('NOOP');
      });
    });

    describeSeriesContract({ store: () => store, hooks, claimed });
    describeCodeContract({ store: () => store });

    describeTriageContract({ store: () => store, claimed });

    describeBatchContract({ store: () => store, claimed });

    describe('instances', () => {
      it('lists instances seen since a time, in name order, and forgets one that leaves', async () => {
        const t = new Date('2026-03-08T07:00:00.000Z');
        await store.heartbeat('lookout-b', t);
        await store.heartbeat('lookout-a', plusSeconds(t, 5));
        await store.heartbeat('lookout-c', plusSeconds(t, -60));
        expect(await store.liveInstances(plusSeconds(t, -30))).toEqual(['lookout-a', 'lookout-b']);
        // Seen exactly at `since` counts as live.
        expect(await store.liveInstances(t)).toEqual(['lookout-a', 'lookout-b']);
        expect(await store.liveInstances(plusSeconds(t, 1))).toEqual(['lookout-a']);

        // A heartbeat moves the time of the one instance, inserting nothing new.
        await store.heartbeat('lookout-c', plusSeconds(t, 10));
        expect(await store.liveInstances(plusSeconds(t, 6))).toEqual(['lookout-c']);
        expect(await store.liveInstances(plusSeconds(t, -3600))).toEqual(['lookout-a', 'lookout-b', 'lookout-c']);

        await store.leave('lookout-b');
        await store.leave('never-there');
        expect(await store.liveInstances(plusSeconds(t, -3600))).toEqual(['lookout-a', 'lookout-c']);
      });
    });

    describe('time', () => {
      it('keeps millisecond precision, so scheduled times compare equal', async () => {
        const tick = new Date('2026-03-08T07:30:59.999Z');
        const alert = await store.createAlert(
          newAlertFixture({ nextRunAt: tick, createdAt: new Date('2026-03-08T07:00:00.001Z') }),
        );
        const read = await store.getAlert(alert.id);
        expect(read?.nextRunAt?.getTime()).toBe(tick.getTime());
        expect(read?.createdAt.getTime()).toBe(Date.parse('2026-03-08T07:00:00.001Z'));

        const execution = await claimed(alert.id, read?.nextRunAt ?? tick, { now: new Date('2026-03-08T07:31:00.123Z') });
        expect(execution.scheduledAt.getTime()).toBe(tick.getTime());
        expect(execution.startedAt.getTime()).toBe(Date.parse('2026-03-08T07:31:00.123Z'));
        // A fresh Date of the same instant is the same tick, not a near miss.
        expect(await claim(alert.id, new Date(tick.getTime()))).toBeNull();
        expect(await claim(alert.id, new Date(tick.getTime() + 1))).not.toBeNull();
        expect(await store.advanceNextRun(alert.id, new Date(tick.getTime()), plusSeconds(tick, 0.001))).toBe(true);
      });
    });
  });
}
