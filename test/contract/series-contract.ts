// The Store contract's cases for conditions per series (issue 3/6): the series rules of an alert,
// each series' state between ticks, what each series did in a run, and the keys a new-rows
// alert has seen. Run by runStoreContract (store-contract.ts) on every adapter.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { AlertRuntime, AlertSpec, Execution, SeriesOutcome, SeriesState } from '../../src/domain/types.js';
import type { Store } from '../../src/store/port.js';
import type { StoreContractHooks } from './store-contract.js';
import { T0, asCreated, newAlertFixture, plusSeconds } from './store-fixtures.js';

interface SeriesContractContext {
  /** The test's store, on an empty database. */
  store(): Store;
  hooks: StoreContractHooks;
  claimed(alertId: string, scheduledAt: Date): Promise<Execution>;
}

/** A series key as domain/series.ts makes it, holding what MongoDB reads as paths and operators. */
const EU_KEY = JSON.stringify([['region', 'eu.west$1"x']]);
/** A key that starts with a dollar and holds a dot, and labels named that way too. */
const ODD_KEY = '$where.x';

const minutes = (n: number): Date => plusSeconds(T0, n * 60);

function seriesStates(): Record<string, SeriesState> {
  return {
    [EU_KEY]: {
      labels: { region: 'eu.west$1"x' },
      status: 'firing',
      level: 'warning',
      held: 3,
      quiet: 1,
      since: new Date('2026-03-01T08:57:00.001Z'),
      lastSentTick: minutes(-1),
      value: 0.1 + 0.2,
    },
    [ODD_KEY]: {
      labels: { 'region.name': '$us', $region: 'x.y' },
      status: 'pending',
      level: 'critical',
      held: 1,
      quiet: 0,
      since: null,
      lastSentTick: null,
      value: -12.5,
    },
    '': { labels: {}, status: 'normal', level: null, held: 0, quiet: 0, since: null, lastSentTick: null, value: null },
  };
}

function seriesOutcomes(): SeriesOutcome[] {
  return [
    { key: EU_KEY, labels: { region: 'eu.west$1"x' }, event: 'escalated', status: 'firing', level: 'warning', value: '0.3', reason: '0.3 > 0.25' },
    { key: ODD_KEY, labels: { 'region.name': '$us', $region: 'x.y' }, event: 'pending', status: 'pending', level: 'critical', value: '-12.5', reason: '-12.5 < -10; held 1 check' },
    { key: 'gone', labels: { region: 'gone' }, event: 'resolved', status: 'normal', level: null, value: null, reason: 'not in the result' },
  ];
}

export function describeSeriesContract(ctx: SeriesContractContext): void {
  const store = (): Store => ctx.store();

  describe('series rules', () => {
    it('round trip for every measure kind, with labels, a warning level, pending and keep-firing ticks', async () => {
      const specs = [
        newAlertFixture({
          measure: { kind: 'value' },
          labels: ['region', 'host.name', '$tier'],
          condition: { op: '>', threshold: 10 },
          warning: { op: '>', threshold: 5.5 },
          pendingTicks: 3,
          keepFiringTicks: 2,
        }),
        newAlertFixture({ measure: { kind: 'row_count' }, condition: { op: '>=', threshold: 100 }, warning: { op: '>=', threshold: 50 } }),
        newAlertFixture({ measure: { kind: 'freshness', column: 'updated_at' }, condition: { op: '>', threshold: 3600 } }),
        newAlertFixture({ measure: { kind: 'freshness', column: null }, condition: { op: '>', threshold: 900.5 }, keepFiringTicks: 1 }),
        newAlertFixture({
          measure: { kind: 'change', mode: 'percent', direction: 'up', floor: 100 },
          labels: ['region'],
          condition: { op: '>', threshold: 20 },
        }),
        newAlertFixture({ measure: { kind: 'change', mode: 'absolute', direction: 'either', floor: null }, condition: { op: '>=', threshold: 0 } }),
        newAlertFixture({ measure: { kind: 'change', mode: 'absolute', direction: 'down', floor: 0 }, condition: { op: '>', threshold: 1 } }),
        newAlertFixture({
          measure: { kind: 'new_rows', keyColumn: 'order.id', maxPerTick: 20, sendFirstRun: true, retentionDays: 30 },
          condition: { op: 'rows exist' },
        }),
      ].map((spec, i) => ({ ...spec, createdAt: minutes(i) }));
      for (const spec of specs) {
        expect(await store().createAlert(spec)).toEqual(asCreated(spec));
        expect(await store().getAlert(spec.id)).toEqual(asCreated(spec));
      }
      expect(await store().listAlerts()).toEqual(specs.map(asCreated));
    });

    it('change with an edit, including back to one series on its value', async () => {
      const created = await store().createAlert(
        newAlertFixture({ labels: ['region'], warning: { op: '>', threshold: 1 }, pendingTicks: 2, keepFiringTicks: 3 }),
      );
      const asNewRows: Pick<AlertSpec, 'measure' | 'labels' | 'warning' | 'pendingTicks' | 'keepFiringTicks'> = {
        measure: { kind: 'new_rows', keyColumn: 'id', maxPerTick: 5, sendFirstRun: false, retentionDays: 7 },
        labels: [],
        warning: null,
        pendingTicks: 1,
        keepFiringTicks: 0,
      };
      const edited = await store().updateAlert(created.id, { ...asNewRows, updatedBy: 'U2', updatedAt: minutes(1) });
      expect(edited).toEqual({ ...created, ...asNewRows, updatedBy: 'U2', updatedAt: minutes(1) });
      expect(await store().getAlert(created.id)).toEqual(edited);

      const back = await store().updateAlert(created.id, { measure: { kind: 'value' }, labels: ['a', 'b'], updatedBy: 'U2', updatedAt: minutes(2) });
      expect(back).toEqual({ ...edited, measure: { kind: 'value' }, labels: ['a', 'b'], updatedAt: minutes(2) });
      expect(await store().getAlert(created.id)).toEqual(back);
    });
  });

  describe('series state', () => {
    it('finishing a tick saves each series state with its times, and records what each series did', async () => {
      const alert = await store().createAlert(newAlertFixture({ labels: ['region'], warning: { op: '>', threshold: 0.25 } }));
      const execution = await ctx.claimed(alert.id, T0);
      const runtime: Partial<AlertRuntime> = { lastState: 'SUCCESS', lastSentTick: T0, firingSince: minutes(-3), series: seriesStates() };
      const finish = { state: 'SUCCESS' as const, reason: null, value: '1 of 2 series firing', series: seriesOutcomes(), finishedAt: plusSeconds(T0, 2) };
      expect(await store().finishExecution(execution.id, finish, runtime)).toBe(true);

      const read = await store().getAlert(alert.id);
      expect(read).toEqual({ ...alert, ...runtime });
      expect(read?.series[EU_KEY]?.since).toBeInstanceOf(Date);
      expect(read?.series[EU_KEY]?.lastSentTick).toBeInstanceOf(Date);
      const recorded = { ...execution, state: 'SUCCESS', reason: null, value: '1 of 2 series firing', series: seriesOutcomes(), finishedAt: plusSeconds(T0, 2) };
      expect(await store().history(alert.id, 5)).toEqual([recorded]);
      expect(await store().getExecution(execution.id)).toEqual(recorded);

      // The next tick's states replace the last ones whole: a series it leaves out is gone.
      const next = await ctx.claimed(alert.id, minutes(1));
      const eu = seriesStates()[EU_KEY];
      if (eu === undefined) throw new Error('fixture lacks the eu series');
      const resolved: Record<string, SeriesState> = { [EU_KEY]: { ...eu, status: 'normal', level: null, held: 0, quiet: 0, since: null } };
      expect(await store().finishExecution(next.id, { state: 'NOOP', reason: 'every series resolved', finishedAt: minutes(1) }, { series: resolved })).toBe(true);
      expect((await store().getAlert(alert.id))?.series).toEqual(resolved);
      const history = await store().history(alert.id, 5);
      expect(history.map((e) => e.series)).toEqual([[], seriesOutcomes()]);
    });

    it('saves series states and when keys were seeded with saveRuntime, and clears them', async () => {
      const alert = await store().createAlert(newAlertFixture());
      const runtime = { series: seriesStates(), keysSeededAt: new Date('2026-03-01T09:00:00.123Z') };
      await store().saveRuntime(alert.id, runtime);
      expect(await store().getAlert(alert.id)).toEqual({ ...alert, ...runtime });

      await store().saveRuntime(alert.id, { lastState: 'NOOP' });
      expect(await store().getAlert(alert.id)).toEqual({ ...alert, ...runtime, lastState: 'NOOP' });

      await store().saveRuntime(alert.id, { series: {}, keysSeededAt: null });
      expect(await store().getAlert(alert.id)).toEqual({ ...alert, lastState: 'NOOP', series: {}, keysSeededAt: null });
    });
  });

  describe('seen keys', () => {
    it('tells which of the keys asked an alert has seen, for that alert only', async () => {
      const alert = await store().createAlert(newAlertFixture());
      const other = await store().createAlert(newAlertFixture());
      expect(await store().seenKeys(alert.id, ['a', 'b'])).toEqual(new Set());

      await store().rememberKeys(alert.id, ['a', 'b', 'b', 'e.x$"\'', ''], T0);
      await store().rememberKeys(other.id, ['c'], T0);
      expect(await store().seenKeys(alert.id, ['a', 'b', 'c', 'e.x$"\'', '', 'A'])).toEqual(new Set(['a', 'b', 'e.x$"\'', '']));
      expect(await store().seenKeys(other.id, ['a', 'b', 'c'])).toEqual(new Set(['c']));
      expect(await store().seenKeys(alert.id, ['a', 'a'])).toEqual(new Set(['a']));
      expect(await store().seenKeys(alert.id, [])).toEqual(new Set());
      await expect(store().rememberKeys(alert.id, [], T0)).resolves.toBeUndefined();
    });

    it('keeps a key’s first time: remembering it again changes nothing, and pruning goes by that time', async () => {
      const alert = await store().createAlert(newAlertFixture());
      const other = await store().createAlert(newAlertFixture());
      await store().rememberKeys(alert.id, ['a', 'b'], minutes(0));
      await store().rememberKeys(alert.id, ['b', 'c'], minutes(10));
      await store().rememberKeys(alert.id, ['a', 'b', 'c'], minutes(20));
      await store().rememberKeys(other.id, ['a'], minutes(0));

      expect(await store().pruneKeys(alert.id, minutes(0))).toBe(0);
      // Strictly before: a key first seen at minute 10 is kept by a prune before minute 10.
      expect(await store().pruneKeys(alert.id, minutes(10))).toBe(2);
      expect(await store().seenKeys(alert.id, ['a', 'b', 'c'])).toEqual(new Set(['c']));
      expect(await store().pruneKeys(alert.id, minutes(10))).toBe(0);
      expect(await store().seenKeys(other.id, ['a'])).toEqual(new Set(['a']));
      expect(await store().pruneKeys(alert.id, minutes(30))).toBe(1);
      expect(await store().seenKeys(alert.id, ['a', 'b', 'c'])).toEqual(new Set());
    });

    it('remembers and looks up thousands of keys of 200 characters in one call', async () => {
      const alert = await store().createAlert(newAlertFixture());
      const key = (i: number): string => `order.$"é'${i}`.padEnd(200, '·');
      const first = Array.from({ length: 2_500 }, (_, i) => key(i));
      await store().rememberKeys(alert.id, first, minutes(0));

      const asked = Array.from({ length: 2_600 }, (_, i) => key(i));
      const seen = await store().seenKeys(alert.id, asked);
      expect(seen.size).toBe(2_500);
      expect(first.every((k) => seen.has(k))).toBe(true);

      // 1,500 of them again and 1,000 new: the old ones keep their first time, so a prune of
      // everything first seen before minute 1 leaves exactly the new ones.
      const again = [...first.slice(1_000), ...Array.from({ length: 1_000 }, (_, i) => key(10_000 + i))];
      await store().rememberKeys(alert.id, again, minutes(1));
      expect(await store().pruneKeys(alert.id, minutes(1))).toBe(2_500);
      expect((await store().seenKeys(alert.id, [...asked, ...again])).size).toBe(1_000);
    });

    it('keeps at most its bound of keys per alert, the newest by first time, then by key', async () => {
      const bounded = await ctx.hooks.create({ maxKeysPerAlert: 3 });
      try {
        const alert = await bounded.createAlert(newAlertFixture());
        const other = await bounded.createAlert(newAlertFixture());
        const all = ['k1', 'k2', 'k3', 'k4', 'k5', 'a', 'b', 'c', 'd', 'e'];
        await bounded.rememberKeys(alert.id, ['k1', 'k2'], minutes(1));
        await bounded.rememberKeys(alert.id, ['k3'], minutes(2));
        await bounded.rememberKeys(other.id, ['k1', 'k2', 'k3'], minutes(1));
        expect(await bounded.seenKeys(alert.id, all)).toEqual(new Set(['k1', 'k2', 'k3']));

        await bounded.rememberKeys(alert.id, ['k4', 'k5'], minutes(3));
        expect(await bounded.seenKeys(alert.id, all)).toEqual(new Set(['k3', 'k4', 'k5']));
        // Another alert's keys count for it alone.
        expect(await bounded.seenKeys(other.id, all)).toEqual(new Set(['k1', 'k2', 'k3']));

        // Keys already seen add nothing and keep their time; a forgotten key is new again.
        await bounded.rememberKeys(alert.id, ['k4', 'k5'], minutes(4));
        expect(await bounded.seenKeys(alert.id, all)).toEqual(new Set(['k3', 'k4', 'k5']));
        await bounded.rememberKeys(alert.id, ['k1'], minutes(4));
        expect(await bounded.seenKeys(alert.id, all)).toEqual(new Set(['k1', 'k4', 'k5']));

        // One call beyond the bound: its keys share one time, and the greatest keys stay.
        await bounded.rememberKeys(alert.id, ['c', 'a', 'e', 'b', 'd'], minutes(5));
        expect(await bounded.seenKeys(alert.id, all)).toEqual(new Set(['c', 'd', 'e']));
        expect(await bounded.pruneKeys(alert.id, minutes(6))).toBe(3);
      } finally {
        await bounded.close();
      }
    });

    it('records nothing for an alert that does not exist, and deletes an alert’s keys with it', async () => {
      const gone = randomUUID();
      await expect(store().rememberKeys(gone, ['a'], T0)).resolves.toBeUndefined();
      expect(await store().seenKeys(gone, ['a'])).toEqual(new Set());
      expect(await store().pruneKeys(gone, minutes(60))).toBe(0);

      const alert = await store().createAlert(newAlertFixture());
      const kept = await store().createAlert(newAlertFixture());
      await store().rememberKeys(alert.id, ['a', 'b'], T0);
      await store().rememberKeys(kept.id, ['a'], T0);
      expect(await store().deleteAlert(alert.id)).toBe(true);
      expect(await store().seenKeys(alert.id, ['a', 'b'])).toEqual(new Set());
      expect(await store().pruneKeys(alert.id, minutes(60))).toBe(0);
      expect(await store().seenKeys(kept.id, ['a'])).toEqual(new Set(['a']));
    });

    it('a key cut inside an emoji (as the domain cuts keys at 200 characters) is seen once remembered', async () => {
      const alert = await store().createAlert(newAlertFixture());
      const cut = `${'x'.repeat(199)}😀`.slice(0, 200);
      expect(cut.endsWith('\uD83D')).toBe(true);
      await store().rememberKeys(alert.id, [cut], T0);
      const seen = await store().seenKeys(alert.id, [cut, 'x']);
      expect([...seen]).toEqual([cut]);
    });
  });
}
