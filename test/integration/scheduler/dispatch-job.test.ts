// The shard dispatcher on a real store, with the clock moved by hand: exactly-once claims
// across instances, one catch-up run after downtime, takeover of a dead instance's claim,
// paused alerts left alone, and log retention (executions, and the keys new-rows alerts saw).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createPruneExecutionsJob } from '../../../src/scheduler/prune-executions-job.js';
import { silentLogger } from '../../../src/logger.js';
import { createHarness, OWNER, type Harness } from '../../support/harness.js';

const SHARDS = 4; // the harness's service uses 4 shards
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());
beforeEach(async () => {
  h.recording.sent.length = 0;
  for (const alert of await h.store.listAlerts()) await h.store.deleteAlert(alert.id);
});

const at = (iso: string) => new Date(`2026-11-25T${iso}Z`);

async function dispatchAll(instance: Awaited<ReturnType<Harness['instance']>>) {
  const results = await Promise.all(Array.from({ length: SHARDS }, (_, shard) => instance.dispatch(shard)));
  await instance.pool.drain();
  return results.reduce((sum, r) => sum + r.claimed + r.takenOver, 0);
}

describe('dispatch', () => {
  it('two instances dispatching every shard at once evaluate each of 200 due ticks exactly once', async () => {
    h.clock.set(at('00:00:30'));
    const alerts = [];
    for (let i = 0; i < 200; i += 1) alerts.push(await h.createAlert({ name: `due ${i}` }));
    expect(alerts.every((a) => a.nextRunAt?.getTime() === at('00:01:00').getTime())).toBe(true);

    const [a, b] = [await h.instance('a'), await h.instance('b')];
    h.clock.set(at('00:01:00.200'));
    const [claimedA, claimedB] = await Promise.all([dispatchAll(a), dispatchAll(b)]);
    expect(claimedA + claimedB).toBe(200);

    const perAlert = new Map<string, number>();
    for (const m of h.recording.sent) perAlert.set(m.message.alert.id, (perAlert.get(m.message.alert.id) ?? 0) + 1);
    expect(perAlert.size).toBe(200);
    expect([...perAlert.values()].every((n) => n === 1)).toBe(true);
    for (const alert of alerts.slice(0, 20)) {
      const history = await h.store.history(alert.id, 5);
      expect(history.map((e) => [e.scheduledAt.toISOString(), e.state])).toEqual([['2026-11-25T00:01:00.000Z', 'SUCCESS']]);
      expect((await h.store.getAlert(alert.id))?.nextRunAt).toEqual(at('00:02:00'));
    }
  });

  it('after three minutes down, a due alert runs once and moves to the next future tick', async () => {
    h.clock.set(at('00:00:30'));
    const alert = await h.createAlert();
    const instance = await h.instance('c');
    h.clock.set(at('00:04:10'));
    expect(await dispatchAll(instance)).toBe(1);
    expect(await dispatchAll(instance)).toBe(0);
    const history = await h.store.history(alert.id, 10);
    expect(history.map((e) => e.scheduledAt)).toEqual([at('00:01:00')]);
    expect((await h.store.getAlert(alert.id))?.nextRunAt).toEqual(at('00:05:00'));
  });

  it('with a lead, claims the ticks due within it ahead, starts each at its tick and moves the next run past it', async () => {
    h.clock.set(at('00:00:30'));
    const alert = await h.createAlert();
    const instance = await h.instance('ahead', { leadMs: 5_000 });
    const claimAll = async () => (await Promise.all(Array.from({ length: SHARDS }, (_, shard) => instance.dispatch(shard)))).reduce((n, r) => n + r.claimed, 0);
    // 6 s before the tick: outside the lead.
    h.clock.set(at('00:00:54'));
    expect(await claimAll()).toBe(0);
    // 2.5 s before it (the test clock stands still; the wait is real time): claimed, not started.
    h.clock.set(at('00:00:57.500'));
    expect(await claimAll()).toBe(1);
    expect(await claimAll()).toBe(0);
    expect(h.recording.sent).toHaveLength(0);
    const [claimed] = await h.store.history(alert.id, 5);
    expect(claimed).toMatchObject({ scheduledAt: at('00:01:00'), state: 'WORKING', startedAt: at('00:01:00') });
    expect((await h.store.getAlert(alert.id))?.nextRunAt).toEqual(at('00:02:00'));
    // At the tick it runs, once.
    await instance.pool.drain();
    expect(h.recording.sent.map((m) => [m.message.alert.id, m.message.scheduledAt])).toEqual([[alert.id, at('00:01:00')]]);
    expect((await h.store.history(alert.id, 5)).map((e) => e.state)).toEqual(['SUCCESS']);
  });

  it('paused alerts are not dispatched; resume puts them back on schedule', async () => {
    h.clock.set(at('00:00:30'));
    const alert = await h.createAlert();
    await h.service.pause({ userId: OWNER }, alert.id);
    const instance = await h.instance('d');
    h.clock.set(at('00:01:05'));
    expect(await dispatchAll(instance)).toBe(0);
    await h.service.resume({ userId: OWNER }, alert.id);
    h.clock.set(at('00:02:01'));
    expect(await dispatchAll(instance)).toBe(1);
    expect(h.recording.sent).toHaveLength(1);
  });

  it("a dead instance's claim that sent nothing is taken over once, after the working timeout", async () => {
    h.clock.set(at('00:00:30'));
    const alert = await h.createAlert({ workingTimeoutS: 60 });
    // An instance claimed 00:01 and died before sending.
    await h.store.claimTick({ alertId: alert.id, scheduledAt: at('00:01:00'), trigger: 'schedule', instance: 'dead', now: at('00:01:00') });
    await h.store.advanceNextRun(alert.id, at('00:01:00'), at('00:05:00'));
    const instance = await h.instance('e');

    h.clock.set(at('00:01:30')); // younger than the working timeout: left alone
    expect(await dispatchAll(instance)).toBe(0);
    h.clock.set(at('00:02:01'));
    expect(await dispatchAll(instance)).toBe(1);
    expect(await dispatchAll(instance)).toBe(0);

    const [execution] = await h.store.history(alert.id, 5);
    expect(execution).toMatchObject({ state: 'SUCCESS', attempt: 2, trigger: 'takeover', instance: 'e' });
    expect(h.recording.sent).toHaveLength(1);
  });

  it('a dead claim that may have sent is recorded UNKNOWN and never re-sent', async () => {
    h.clock.set(at('00:00:30'));
    const alert = await h.createAlert({ workingTimeoutS: 60 });
    const claimed = await h.store.claimTick({ alertId: alert.id, scheduledAt: at('00:01:00'), trigger: 'schedule', instance: 'dead', now: at('00:01:00') });
    await h.store.markSending(claimed!.id, at('00:01:01'));
    await h.store.advanceNextRun(alert.id, at('00:01:00'), at('00:05:00'));
    const instance = await h.instance('f');
    h.clock.set(at('00:02:30'));
    expect(await dispatchAll(instance)).toBe(0);
    const [execution] = await h.store.history(alert.id, 5);
    expect(execution?.state).toBe('UNKNOWN');
    expect(execution?.reason).toContain('not re-sent');
    expect(h.recording.sent).toHaveLength(0);
  });
});

describe('log retention', () => {
  it('the daily job deletes executions older than the alert’s retention and keeps newer ones', async () => {
    const alert = await h.createAlert({ logRetentionDays: 7 });
    const day = 24 * 3600 * 1000;
    const now = at('12:00:00');
    for (const ageDays of [30, 8, 6, 1]) {
      const t = new Date(now.getTime() - ageDays * day);
      h.clock.set(t);
      await h.runner.runTick({ alertId: alert.id, scheduledAt: t, trigger: 'schedule' });
    }
    h.clock.set(now);
    const prune = createPruneExecutionsJob({ store: h.store, clock: h.clock, logger: silentLogger() });
    expect(await prune()).toBe(2);
    const left = (await h.store.history(alert.id, 10)).map((e) => Math.round((now.getTime() - e.scheduledAt.getTime()) / day));
    expect(left).toEqual([1, 6]);
  });

  it('the daily job forgets the keys a new-rows alert first saw longer ago than its key retention', async () => {
    const day = 24 * 3600 * 1000;
    const now = at('12:00:00');
    const daysAgo = (days: number) => new Date(now.getTime() - days * day);
    h.clock.set(now);
    const newRows = (retentionDays: number) =>
      ({ kind: 'new_rows', keyColumn: 'id', maxPerTick: 20, sendFirstRun: false, retentionDays }) as const;
    const weekly = await h.createAlert({ name: 'new orders' });
    const monthly = await h.createAlert({ name: 'new sign-ups' });
    const onValue = await h.createAlert({ name: 'on a value' });
    await h.store.updateAlert(weekly.id, { measure: newRows(7), updatedBy: OWNER, updatedAt: now });
    await h.store.updateAlert(monthly.id, { measure: newRows(30), updatedBy: OWNER, updatedAt: now });
    const ages = [40, 8, 7, 1];
    for (const alert of [weekly, monthly, onValue]) {
      for (const age of ages) await h.store.rememberKeys(alert.id, [`${age}d`], daysAgo(age));
    }

    const prune = createPruneExecutionsJob({ store: h.store, clock: h.clock, logger: silentLogger() });
    expect(await prune()).toBe(0);
    const asked = ages.map((age) => `${age}d`);
    // Kept: first seen at most the retention ago (exactly 7 days ago stays, as executions do).
    expect(await h.store.seenKeys(weekly.id, asked)).toEqual(new Set(['7d', '1d']));
    expect(await h.store.seenKeys(monthly.id, asked)).toEqual(new Set(['8d', '7d', '1d']));
    // An alert on a value has no key retention: the job leaves its keys alone.
    expect(await h.store.seenKeys(onValue.id, asked)).toEqual(new Set(asked));
  });
});
