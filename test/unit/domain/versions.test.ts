import { describe, expect, it } from '@jest/globals';
import { changedFields, sameData, specOf, versionChanges } from '../../../src/domain/versions.js';
import { makeAlert } from '../../support/fixtures.js';

describe('sameData', () => {
  it.each<[unknown, unknown, boolean]>([
    [{ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 }, true],
    [{ a: 1, b: undefined }, { a: 1 }, true],
    [{ a: null }, { a: undefined }, false],
    [[1, 2], [2, 1], false],
    [{ a: [] }, { a: {} }, false],
    [new Date(5), new Date(5), true],
    [NaN, NaN, true],
    ['1', 1, false],
  ])('%j vs %j → %s', (a, b, same) => {
    expect(sameData(a, b)).toBe(same);
  });
});

describe('changedFields', () => {
  const before = specOf(makeAlert());

  it('names each field that differs, in the order files show them, and none for an equal spec', () => {
    expect(changedFields(before, { ...before })).toEqual([]);
    expect(changedFields(before, { ...before, schedule: { ...before.schedule }, recipients: before.recipients.map((r) => ({ ...r })) })).toEqual([]);
    expect(
      changedFields(before, { ...before, sql: 'SELECT 2', name: 'Renamed', schedule: { ...before.schedule, timezone: 'UTC' }, warning: { op: '<', threshold: 5 } }),
    ).toEqual(['name', 'sql', 'warning', 'schedule']);
  });

  it('a version records managedBy when the file that manages the alert changed; the first records nothing', () => {
    expect(versionChanges(null, { spec: before, managedBy: null })).toEqual([]);
    expect(versionChanges({ spec: before, managedBy: null }, { spec: { ...before, owners: ['U9'] }, managedBy: 'a.yml' })).toEqual(['owners', 'managedBy']);
  });

  it('takes the definition only, not the runtime', () => {
    const alert = makeAlert({ lastState: 'ERROR', active: false });
    expect(Object.keys(specOf(alert))).not.toContain('lastState');
    expect(Object.keys(specOf(alert))).not.toContain('active');
    expect(specOf(alert)).toMatchObject({ key: 'orders-stalled', name: alert.name });
  });
});
