// The Store contract's cases for batched writes (issue 6/6): finishExecutions answers for each
// item what finishExecution would have, one after the other in the items' order, and saves each
// won item's runtime change with it; markSendings keeps each execution's earliest mark. Run by
// runStoreContract (store-contract.ts) on every adapter.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { AlertRuntime, DeliveryRecord, Execution } from '../../src/domain/types.js';
import type { Store } from '../../src/store/port.js';
import { T0, newAlertFixture, plusSeconds } from './store-fixtures.js';

interface BatchContractContext {
  /** The test's store, on an empty database. */
  store(): Store;
  claimed(alertId: string, scheduledAt: Date): Promise<Execution>;
}

const minutes = (n: number): Date => plusSeconds(T0, n * 60);

/** Every runtime field set, with what MongoDB reads as paths and operators, and SQL quoting, in the strings. */
const FULL_RUNTIME: AlertRuntime = {
  lastState: 'SUCCESS',
  lastEvaluatedAt: minutes(1),
  lastSentAt: plusSeconds(T0, 61.5),
  lastSentTick: minutes(1),
  firingSince: T0,
  lastErrorNoticeAt: minutes(-5),
  threads: { 'email:ops@example.com': '<1.2>', 'channel:C1': 'C1:17"\\{1}' },
  drawn: { 'email:ops.x@example.com': '$set|own|a.b', 'channel:C1': 'C1:17"\\{1}|digest' },
  series: {
    'region=eu.west': { labels: { region: 'eu.west' }, status: 'firing', level: 'critical', held: 2, quiet: 0, since: T0, lastSentTick: minutes(1), value: 12.5 },
  },
  keysSeededAt: minutes(-60),
  ack: { by: 'U$7', at: plusSeconds(T0, 30), channel: 'C1' },
  reminded: { sent: 2, lastTick: minutes(1) },
  heldSince: minutes(-2),
};

export function describeBatchContract(ctx: BatchContractContext): void {
  const store = () => ctx.store();

  describe('batched writes', () => {
    it('finishes many executions in one call: true for each still WORKING, false for one finished before and one unknown', async () => {
      const alerts = await Promise.all([1, 2, 3].map(() => store().createAlert(newAlertFixture())));
      const [a, b, c] = await Promise.all(alerts.map((alert) => ctx.claimed(alert.id, T0)));
      expect(await store().finishExecution(c!.id, { state: 'ERROR', reason: 'working timeout', finishedAt: plusSeconds(T0, 1) })).toBe(true);
      const deliveries: DeliveryRecord[] = [{ recipient: 'channel:C1', ok: true, unknown: false, error: null, ref: 'C1:1', note: null }];
      const answers = await store().finishExecutions([
        { id: a!.id, finish: { state: 'SUCCESS', reason: null, value: '42.5', rowCount: 1, deliveries, ownersNotified: true, queryMs: 12.4, deliveryMs: 30, finishedAt: plusSeconds(T0, 2) } },
        { id: randomUUID(), finish: { state: 'NOOP', reason: null, finishedAt: plusSeconds(T0, 2) } },
        { id: c!.id, finish: { state: 'SUCCESS', reason: null, finishedAt: plusSeconds(T0, 2) }, runtime: { lastState: 'SUCCESS' } },
        { id: b!.id, finish: { state: 'NOOP', reason: 'no rows', finishedAt: plusSeconds(T0, 3) } },
      ]);
      expect(answers).toEqual([true, false, false, true]);
      expect(await store().getExecution(a!.id)).toEqual({
        ...a,
        state: 'SUCCESS',
        reason: null,
        value: '42.5',
        rowCount: 1,
        deliveries,
        ownersNotified: true,
        queryMs: 12,
        deliveryMs: 30,
        finishedAt: plusSeconds(T0, 2),
      });
      expect(await store().getExecution(b!.id)).toEqual({ ...b, state: 'NOOP', reason: 'no rows', finishedAt: plusSeconds(T0, 3) });
      // The item that lost changed neither its execution nor its alert.
      expect(await store().getExecution(c!.id)).toMatchObject({ state: 'ERROR', reason: 'working timeout' });
      expect((await store().getAlert(alerts[2]!.id))?.lastState).toBeNull();
      expect(await store().finishExecutions([])).toEqual([]);
    });

    it('saves each won item’s runtime change with it, every field round-tripping', async () => {
      const alert = await store().createAlert(newAlertFixture());
      const other = await store().createAlert(newAlertFixture());
      const execution = await ctx.claimed(alert.id, minutes(1));
      const untouched = await ctx.claimed(other.id, minutes(1));
      const answers = await store().finishExecutions([
        { id: execution.id, finish: { state: 'SUCCESS', reason: null, finishedAt: minutes(1) }, runtime: FULL_RUNTIME },
        { id: untouched.id, finish: { state: 'NOOP', reason: null, finishedAt: minutes(1) } },
      ]);
      expect(answers).toEqual([true, true]);
      expect(await store().getAlert(alert.id)).toMatchObject({ ...FULL_RUNTIME });
      expect(await store().getAlert(other.id)).toEqual(other);
      // Clearing goes through as well: SQL NULL for ack, not the JSON value null.
      const next = await ctx.claimed(alert.id, minutes(2));
      const cleared = { ack: null, firingSince: null, heldSince: null, threads: {}, series: {} };
      expect(await store().finishExecutions([{ id: next.id, finish: { state: 'NOOP', reason: null, finishedAt: minutes(2) }, runtime: cleared }])).toEqual([true]);
      expect(await store().getAlert(alert.id)).toMatchObject({ ...FULL_RUNTIME, ...cleared });
    });

    it('applies several items of one alert in order, field by field', async () => {
      const alert = await store().createAlert(newAlertFixture());
      const first = await ctx.claimed(alert.id, minutes(1));
      const second = await ctx.claimed(alert.id, minutes(2));
      const third = await ctx.claimed(alert.id, minutes(3));
      const answers = await store().finishExecutions([
        { id: first.id, finish: { state: 'SUCCESS', reason: null, finishedAt: minutes(1) }, runtime: { lastState: 'SUCCESS', firingSince: minutes(1), lastSentTick: minutes(1) } },
        { id: second.id, finish: { state: 'GRACE', reason: null, finishedAt: minutes(2) }, runtime: { lastState: 'GRACE', lastEvaluatedAt: minutes(2) } },
        { id: third.id, finish: { state: 'NOOP', reason: null, finishedAt: minutes(3) }, runtime: { lastState: 'NOOP', firingSince: null } },
      ]);
      expect(answers).toEqual([true, true, true]);
      expect(await store().getAlert(alert.id)).toMatchObject({ lastState: 'NOOP', firingSince: null, lastSentTick: minutes(1), lastEvaluatedAt: minutes(2) });
    });

    it('a second item for one execution answers false and changes nothing', async () => {
      const alert = await store().createAlert(newAlertFixture());
      const execution = await ctx.claimed(alert.id, T0);
      const answers = await store().finishExecutions([
        { id: execution.id, finish: { state: 'SUCCESS', reason: null, finishedAt: plusSeconds(T0, 1) }, runtime: { lastState: 'SUCCESS' } },
        { id: execution.id, finish: { state: 'ERROR', reason: 'again', finishedAt: plusSeconds(T0, 2) }, runtime: { lastState: 'ERROR' } },
      ]);
      expect(answers).toEqual([true, false]);
      expect(await store().getExecution(execution.id)).toMatchObject({ state: 'SUCCESS', reason: null, finishedAt: plusSeconds(T0, 1) });
      expect((await store().getAlert(alert.id))?.lastState).toBe('SUCCESS');
    });

    it('marks many sends at once: each execution keeps its earliest mark of the call, and a mark made before stands', async () => {
      const alerts = await Promise.all([1, 2].map(() => store().createAlert(newAlertFixture())));
      const [a, b] = await Promise.all(alerts.map((alert) => ctx.claimed(alert.id, T0)));
      await store().markSendings([
        { id: a!.id, at: plusSeconds(T0, 5) },
        { id: b!.id, at: plusSeconds(T0, 3) },
        { id: a!.id, at: plusSeconds(T0, 2) },
        { id: randomUUID(), at: plusSeconds(T0, 1) },
      ]);
      await store().markSendings([{ id: b!.id, at: plusSeconds(T0, 1) }]);
      await store().markSendings([]);
      expect((await store().getExecution(a!.id))?.sendStartedAt).toEqual(plusSeconds(T0, 2));
      expect((await store().getExecution(b!.id))?.sendStartedAt).toEqual(plusSeconds(T0, 3));
    });
  });
}
