// The MongoDB adapter's versions and keys (issue 5/6), checked with mingo on sample documents:
// the newest version (the next number), an alert's versions newest first, the versions beyond the
// bound, a deleted alert's versions; keys on documents written before keys, and their backfill.
import { describe, expect, it } from '@jest/globals';
import { specOf } from '../../../../src/domain/versions.js';
import { alertPatchFields, newAlertDoc, toAlert, type AlertDoc } from '../../../../src/store/mongo/documents.js';
import { alertConflict } from '../../../../src/store/mongo/driver-errors.js';
import {
  backfillKey,
  KEYLESS_ALERTS,
  newestVersionQuery,
  newVersionDoc,
  oldVersionsFilter,
  toVersion,
  versionFilter,
  versionsOfAlertFilter,
  versionsQuery,
  type AlertVersionDoc,
} from '../../../../src/store/mongo/versions.js';
import { newAlertFixture } from '../../../contract/store-contract.js';
import { matches, remaining, run } from './mingo.js';

const T0 = new Date('2026-03-01T09:00:00.000Z');
const fixture = newAlertFixture({ id: 'a1', key: 'orders' });

function versions(alertId: string, count: number): AlertVersionDoc[] {
  return Array.from({ length: count }, (_, i) =>
    newVersionDoc({ alertId, spec: specOf(fixture), managedBy: null, changed: [], by: 'U1', at: T0, via: 'slack', restoredFrom: null }, i + 1),
  );
}

describe('versions', () => {
  const docs = [...versions('a1', 5), ...versions('a2', 2)];

  it('the newest of an alert tells the next number; its versions come newest first', () => {
    expect(run(newestVersionQuery('a1'), docs).map((d) => d.version)).toEqual([5]);
    expect(run(newestVersionQuery('a3'), docs)).toEqual([]);
    expect(run(versionsQuery('a1', 3), docs).map((d) => d.version)).toEqual([5, 4, 3]);
    expect(run(versionsQuery('a2', 10), docs).map((d) => [d.alertId, d.version])).toEqual([['a2', 2], ['a2', 1]]);
    expect(docs.filter((d) => matches(versionFilter('a1', 4), d)).map((d) => d.version)).toEqual([4]);
  });

  it('beyond the bound, the oldest of that alert only go; a deleted alert\'s all go', () => {
    expect(remaining(docs, oldVersionsFilter('a1', 5, 3)).map((d) => `${d.alertId}/${d.version}`)).toEqual(['a1/3', 'a1/4', 'a1/5', 'a2/1', 'a2/2']);
    expect(remaining(docs, versionsOfAlertFilter('a1')).map((d) => d.alertId)).toEqual(['a2', 'a2']);
  });

  it('read back as stored, a spec from before a field reading as alerts from before had it', () => {
    const [doc] = versions('a1', 1);
    expect(toVersion(doc!)).toEqual({ alertId: 'a1', version: 1, spec: specOf(fixture), managedBy: null, changed: [], by: 'U1', at: T0, via: 'slack', restoredFrom: null });
    const { reminders: _r, quietHours: _q, mentionColumn: _c, mentions: _m, key: _k, ...older } = specOf(fixture);
    expect(toVersion({ ...doc!, spec: older }).spec).toEqual({ ...specOf(fixture), key: 'alert-' + fixture.name.split(' ')[1] });
  });
});

describe('keys and managing files on alert documents', () => {
  it('a new alert keeps its key and file; a change sets them; a document from before keys reads with its name\'s', () => {
    const doc = newAlertDoc({ ...fixture, managedBy: 'team/ops.yml' });
    expect([doc.key, doc.managedBy]).toEqual(['orders', 'team/ops.yml']);
    expect(alertPatchFields({ key: 'sales', managedBy: null, updatedBy: 'U1', updatedAt: T0 })).toMatchObject({ key: 'sales', managedBy: null });
    const { key: _key, managedBy: _managedBy, ...old } = doc;
    expect(toAlert({ ...old, name: 'Daily Sales (EU)' } as AlertDoc)).toMatchObject({ key: 'daily-sales-eu', managedBy: null });
  });

  it('the backfill finds documents without a key and gives each a free one', () => {
    const { key: _key, ...keyless } = newAlertDoc({ ...fixture, id: 'a2' });
    expect([matches(KEYLESS_ALERTS, newAlertDoc(fixture)), matches(KEYLESS_ALERTS, keyless)]).toEqual([false, true]);
    const taken = new Set(['daily-sales', 'daily-sales-2']);
    expect(backfillKey('Daily sales', taken)).toBe('daily-sales-3');
    expect(backfillKey('Weekly', taken)).toBe('weekly');
  });

  it('a duplicate on the key index is a ConflictError on key, one on the name index on name', () => {
    expect(alertConflict({ code: 11000, keyPattern: { key: 1 } }, { name: 'x', key: 'orders' })).toMatchObject({ field: 'key', message: 'An alert with the key "orders" already exists.' });
    expect(alertConflict({ code: 11000, keyPattern: { nameKey: 1 } }, { name: 'X', key: 'orders' })).toMatchObject({ field: 'name' });
    expect(alertConflict({ code: 11000, keyPattern: { alertId: 1, key: 1 } }, { name: 'X', key: 'orders' })).toBeUndefined();
  });
});
