// The MongoDB adapter's builders for conditions per series (issue 3/6), run on sample documents
// with mingo as store.ts runs them: the series rules through a change, each series' state through
// a finish's runtime patch (series keys and label names that MongoDB would read as paths or
// operators, kept as entries), what each series did through a finish and history, and the seen
// keys of new-rows alerts (look-up, first time kept, the bound, pruning, orphans).
import { describe, expect, it } from '@jest/globals';
import type { SeriesOutcome, SeriesState } from '../../../../src/domain/types.js';
import { type AlertKeyDoc, toAlert, toExecution } from '../../../../src/store/mongo/documents.js';
import { ALERT_KEY_INDEXES } from '../../../../src/store/mongo/indexes.js';
import {
  alertByIdFilter,
  alertPatchUpdate,
  finishFilter,
  finishUpdate,
  historyQuery,
  keyBeyondBoundQuery,
  keysFromBoundaryFilter,
  keysOfAlertFilter,
  orphanedKeysFilter,
  pruneKeysFilter,
  rememberKeysOps,
  runtimeUpdate,
  seenKeysFilter,
} from '../../../../src/store/mongo/queries.js';
import { alertDoc, applyUpdate, executionDoc, matches, remaining, run } from './mingo.js';

const T0 = new Date('2026-03-01T09:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

const EU_KEY = JSON.stringify([['region', 'eu.west$1"x']]);

function states(): Record<string, SeriesState> {
  return {
    [EU_KEY]: { labels: { region: 'eu.west$1"x' }, status: 'firing', level: 'critical', held: 4, quiet: 0, since: at(-180), lastSentTick: at(-60), value: 12.5 },
    '$where.x': { labels: { 'region.name': '$us', $region: 'x.y' }, status: 'pending', level: 'warning', held: 1, quiet: 0, since: null, lastSentTick: null, value: null },
    '': { labels: {}, status: 'normal', level: null, held: 0, quiet: 0, since: null, lastSentTick: null, value: 3 },
  };
}

describe('MongoDB series rules and states', () => {
  it('a change sets the series rules, and the alert reads them back', () => {
    const doc = alertDoc();
    const rules = {
      measure: { kind: 'change', mode: 'percent', direction: 'down', floor: 0 },
      labels: ['region', 'host.name'],
      warning: { op: '<', threshold: -5 },
      pendingTicks: 2,
      keepFiringTicks: 3,
    } as const;
    const update = alertPatchUpdate({ ...rules, labels: [...rules.labels], updatedBy: 'U2', updatedAt: at(60) });
    expect(update).toEqual({ $set: { ...rules, labels: ['region', 'host.name'], updatedBy: 'U2', updatedAt: at(60) } });
    expect(applyUpdate([doc], alertByIdFilter(doc._id), update)).toBe(true);
    expect(toAlert(doc)).toMatchObject({ ...rules, labels: ['region', 'host.name'] });

    const newRows = { kind: 'new_rows', keyColumn: 'id', maxPerTick: 20, sendFirstRun: false, retentionDays: 30 } as const;
    applyUpdate([doc], alertByIdFilter(doc._id), alertPatchUpdate({ measure: newRows, labels: [], warning: null, updatedBy: 'U2', updatedAt: at(120) }));
    expect(toAlert(doc)).toMatchObject({ measure: newRows, labels: [], warning: null, pendingTicks: 2, keepFiringTicks: 3 });
  });

  it('keeps series states as a list of entries, since keys and label names hold dots and dollars', () => {
    const update = runtimeUpdate({ series: states(), keysSeededAt: at(1) });
    expect(update).toEqual({
      $set: {
        series: Object.entries(states()).map(([key, state]) => ({ key, ...state })),
        keysSeededAt: at(1),
      },
    });
    // No series key became a field name anywhere in the update.
    expect(JSON.stringify(Object.keys(update?.$set ?? {}))).toBe('["series","keysSeededAt"]');

    const doc = alertDoc();
    expect(applyUpdate([doc], alertByIdFilter(doc._id), update)).toBe(true);
    const read = toAlert(doc);
    expect(read.series).toEqual(states());
    expect(read.series[EU_KEY]?.since).toEqual(at(-180));
    expect(read.keysSeededAt).toEqual(at(1));

    // The next tick's states replace the list whole: a series left out is gone.
    const eu = states()[EU_KEY];
    if (eu === undefined) throw new Error('fixture lacks the eu series');
    const next = { [EU_KEY]: { ...eu, status: 'normal' as const, level: null, held: 0, since: null } };
    applyUpdate([doc], alertByIdFilter(doc._id), runtimeUpdate({ series: next }));
    expect(toAlert(doc).series).toEqual(next);
    applyUpdate([doc], alertByIdFilter(doc._id), runtimeUpdate({ series: {}, keysSeededAt: null }));
    expect(toAlert(doc)).toMatchObject({ series: {}, keysSeededAt: null });
  });

  it('a finish records what each series did, and history returns it', () => {
    const outcomes: SeriesOutcome[] = [
      { key: EU_KEY, labels: { region: 'eu.west$1"x' }, event: 'fired', status: 'firing', level: 'critical', value: '12.5', reason: '12.5 > 10' },
      { key: '$where.x', labels: { 'region.name': '$us', $region: 'x.y' }, event: 'pending', status: 'pending', level: 'warning', value: '6', reason: '6 > 5; held 1 check' },
    ];
    const older = executionDoc('a1', T0);
    const newer = executionDoc('a1', at(60));
    const docs = [older, newer];
    expect(applyUpdate(docs, finishFilter(older._id), finishUpdate({ state: 'SUCCESS', reason: null, series: outcomes, finishedAt: at(2) }))).toBe(true);
    expect(applyUpdate(docs, finishFilter(newer._id), finishUpdate({ state: 'NOOP', reason: 'no series fires', finishedAt: at(62) }))).toBe(true);

    const history = run(historyQuery('a1', 10), docs).map(toExecution);
    expect(history.map((e) => [e.state, e.series])).toEqual([
      ['NOOP', []],
      ['SUCCESS', outcomes],
    ]);
  });
});

describe('MongoDB seen keys', () => {
  /** Runs rememberKeysOps as the server runs upserts: insert what no document matches, else leave it. */
  function upsertAll(docs: AlertKeyDoc[], alertId: string, keys: string[], time: Date): number {
    let inserted = 0;
    for (const op of rememberKeysOps(alertId, keys, time)) {
      if (!('updateOne' in op)) throw new Error('expected updateOne operations');
      const { filter, update, upsert } = op.updateOne;
      expect(upsert).toBe(true);
      if (docs.some((d) => matches(filter, d))) continue;
      docs.push({ ...(update as { $setOnInsert: AlertKeyDoc }).$setOnInsert });
      inserted += 1;
    }
    return inserted;
  }

  /** The bound as store.ts applies it: find the first key beyond it, delete from there. */
  function bound(docs: AlertKeyDoc[], alertId: string, keep: number): AlertKeyDoc[] {
    const [boundary] = run(keyBeyondBoundQuery(alertId, keep), docs);
    return boundary === undefined ? docs : remaining(docs, keysFromBoundaryFilter(alertId, boundary));
  }

  const keysOf = (docs: AlertKeyDoc[], alertId: string) =>
    docs.filter((d) => d.alertId === alertId).map((d) => d.key).sort();

  it('looks keys up by alert, and upserts only what is new, keeping the first time', () => {
    const docs: AlertKeyDoc[] = [];
    expect(rememberKeysOps('a1', ['k.1'], T0)).toEqual([
      { updateOne: { filter: { alertId: 'a1', key: 'k.1' }, update: { $setOnInsert: { alertId: 'a1', key: 'k.1', seenAt: T0 } }, upsert: true } },
    ]);
    expect(upsertAll(docs, 'a1', ['k.1', '$k2', 'k"3'], T0)).toBe(3);
    expect(upsertAll(docs, 'a1', ['$k2', 'k4'], at(60))).toBe(1);
    expect(upsertAll(docs, 'a2', ['k.1'], at(60))).toBe(1);
    expect(docs.find((d) => d.alertId === 'a1' && d.key === '$k2')?.seenAt).toEqual(T0);

    expect(seenKeysFilter('a1', ['k.1', 'x'])).toEqual({ alertId: 'a1', key: { $in: ['k.1', 'x'] } });
    const seen = (alertId: string, keys: string[]) => run({ filter: seenKeysFilter(alertId, keys), sort: { key: 1 } }, docs).map((d) => d.key);
    expect(seen('a1', ['k.1', '$k2', 'k"3', 'k4', 'k5'])).toEqual(['$k2', 'k"3', 'k.1', 'k4']);
    expect(seen('a2', ['k.1', '$k2'])).toEqual(['k.1']);
  });

  it('keeps the newest keys up to the bound, by first time, then by key, per alert', () => {
    let docs: AlertKeyDoc[] = [];
    upsertAll(docs, 'a1', ['k1', 'k2'], at(60));
    upsertAll(docs, 'a1', ['k3'], at(120));
    upsertAll(docs, 'a2', ['k1', 'k2', 'k3', 'k4'], at(60));
    docs = bound(docs, 'a1', 3);
    expect(keysOf(docs, 'a1')).toEqual(['k1', 'k2', 'k3']);

    upsertAll(docs, 'a1', ['k4', 'k5'], at(180));
    docs = bound(docs, 'a1', 3);
    expect(keysOf(docs, 'a1')).toEqual(['k3', 'k4', 'k5']);
    expect(keysOf(docs, 'a2')).toEqual(['k1', 'k2', 'k3', 'k4']);

    upsertAll(docs, 'a1', ['c', 'a', 'e', 'b', 'd'], at(240));
    docs = bound(docs, 'a1', 3);
    expect(keysOf(docs, 'a1')).toEqual(['c', 'd', 'e']);
    expect(keyBeyondBoundQuery('a1', 3)).toEqual({ filter: { alertId: 'a1' }, sort: { seenAt: -1, key: -1 }, skip: 3, limit: 1 });
  });

  it('prunes an alert’s keys first seen strictly before a time, and the keys of alerts that are gone', () => {
    const docs: AlertKeyDoc[] = [];
    upsertAll(docs, 'a1', ['old'], T0);
    upsertAll(docs, 'a1', ['edge'], at(60));
    upsertAll(docs, 'a1', ['new'], at(120));
    upsertAll(docs, 'a2', ['old'], T0);
    expect(keysOf(remaining(docs, pruneKeysFilter('a1', at(60))), 'a1')).toEqual(['edge', 'new']);
    expect(keysOf(remaining(docs, pruneKeysFilter('a1', at(60))), 'a2')).toEqual(['old']);
    expect(remaining(docs, keysOfAlertFilter('a1')).map((d) => d.alertId)).toEqual(['a2']);
    expect(remaining(docs, orphanedKeysFilter(['a2', 'gone'])).map((d) => d.alertId)).toEqual(['a1', 'a1', 'a1']);
  });

  it('indexes: one key per alert, and the bound and prune walk an index', () => {
    const byName = (name: string) => ALERT_KEY_INDEXES.find((i) => i.name === name);
    expect(byName('alert_keys_key')).toMatchObject({ key: { alertId: 1, key: 1 }, unique: true });
    // The bound's sort, walked backwards, and pruning's range are this index's order.
    expect(byName('alert_keys_seen')).toMatchObject({ key: { alertId: 1, seenAt: 1, key: 1 } });
    expect(ALERT_KEY_INDEXES.some((i) => i.expireAfterSeconds !== undefined)).toBe(false);
  });
});
