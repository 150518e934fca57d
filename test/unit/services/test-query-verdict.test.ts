// Test query's verdict: the draft's rules through the tick's own decision, as a table of cases on
// a fixed clock; an edit starts from the stored alert's series when they mean the same.
import { describe, expect, it } from '@jest/globals';
import { seriesKey } from '../../../src/domain/series.js';
import { LEGACY_RULES, type Cell, type QueryResult, type SeriesState } from '../../../src/domain/types.js';
import type { AlertRules } from '../../../src/services/alert-rules-input.js';
import { testVerdict, type VerdictInput } from '../../../src/services/test-query-verdict.js';
import { makeAlert, NOW } from '../../support/fixtures.js';

const table = (columns: string[], rows: Cell[][]): QueryResult => ({ columns, rows, truncated: false });
const one = (v: Cell) => table(['v'], [[v]]);
const rates = (...rows: [string, number][]) => table(['region', 'rate'], rows);
const rules = (patch: Partial<AlertRules> = {}): AlertRules => ({ condition: { op: '>', threshold: 5 }, ...LEGACY_RULES, labels: [], ...patch });

function verdict(patch: Partial<VerdictInput> & { result: QueryResult }) {
  return testVerdict({ rules: rules(), stored: null, gracePeriodS: 3600, timezone: 'UTC', now: NOW, maxSeries: 100, ...patch });
}

/** "eu:fired:critical" per series, in the order the verdict lists them. */
function lines(v: ReturnType<typeof testVerdict>): string[] {
  if (v.kind !== 'series') return [v.kind];
  return v.series.map((s) => `${Object.values(s.labels).join('/') || '-'}:${s.event}${s.level !== null ? `:${s.level}` : ''}`);
}

/** The series key of region=eu (domain/series.ts seriesKey). */
const EU = seriesKey({ region: 'eu' });

const firingState = (labels: Record<string, string>, patch: Partial<SeriesState> = {}): SeriesState => ({
  labels,
  status: 'firing',
  level: 'critical',
  held: 3,
  quiet: 0,
  since: new Date(NOW.getTime() - 3_600_000),
  lastSentTick: new Date(NOW.getTime() - 600_000),
  value: 9,
  ...patch,
});

describe('testVerdict', () => {
  it.each<[string, Partial<VerdictInput> & { result: QueryResult }, string, string[]]>([
    ['an alert as before series that holds fires', { result: one(7) }, 'send', ['-:fired:critical']],
    ['…that does not hold is normal', { result: one(3) }, 'nothing', ['-:normal']],
    ['…on NULL has nothing to compare', { result: one(null) }, 'nothing', ['-:no_data']],
    ['each region on its own, firing ones first', { rules: rules({ labels: ['region'] }), result: rates(['us', 3.1], ['eu', 7.2]) }, 'send', ['eu:fired:critical', 'us:normal']],
    [
      'warning and critical levels',
      { rules: rules({ labels: ['region'], condition: { op: '>', threshold: 5 }, warning: { op: '>', threshold: 3 } }), result: rates(['eu', 7.2], ['us', 3.1], ['ap', 1]) },
      'send',
      ['eu:fired:critical', 'us:fired:warning', 'ap:normal'],
    ],
    ['pending: the first of three checks', { rules: rules({ labels: ['region'], pendingTicks: 3 }), result: rates(['eu', 7.2]) }, 'nothing', ['eu:pending:critical']],
    ['a change\'s first run records its value', { rules: rules({ measure: { kind: 'change', mode: 'absolute', direction: 'either', floor: null } }), result: one(10) }, 'nothing', ['-:recorded']],
    ['a row count', { rules: rules({ measure: { kind: 'row_count' }, condition: { op: '>=', threshold: 2 } }), result: table(['id'], [[1], [2]]) }, 'send', ['-:fired:critical']],
  ])('%s', (_, input, outcome, expected) => {
    const v = verdict(input);
    expect(v.kind === 'series' && v.outcome).toBe(outcome);
    expect(lines(v)).toEqual(expected);
  });

  it('says how long a pending series held, with the stored alert\'s count', () => {
    const pending = { ...firingState({ region: 'eu' }), status: 'pending' as const, held: 1, since: null, lastSentTick: null };
    const stored = makeAlert({ labels: ['region'], pendingTicks: 3, series: { [EU]: pending } });
    const v = verdict({ rules: rules({ labels: ['region'], pendingTicks: 3 }), stored, result: rates(['eu', 7.2]) });
    expect(v).toMatchObject({ kind: 'series', pendingTicks: 3, series: [{ event: 'pending', held: 2, reason: '7.2 > 5; held 2 checks' }] });
  });

  it('an edit of a firing alert: within its grace period it holds back, past it it repeats; a quiet one resolves', () => {
    const stored = makeAlert({ labels: ['region'], firingSince: new Date(NOW.getTime() - 3_600_000), series: { [EU]: firingState({ region: 'eu' }) } });
    const input = { rules: rules({ labels: ['region'] }), stored };
    expect(lines(verdict({ ...input, result: rates(['eu', 8]) }))).toEqual(['eu:grace:critical']);
    expect(verdict({ ...input, result: rates(['eu', 8]) })).toMatchObject({ outcome: 'grace' });
    expect(lines(verdict({ ...input, gracePeriodS: 60, result: rates(['eu', 8]) }))).toEqual(['eu:repeat:critical']);
    expect(verdict({ ...input, result: rates(['eu', 1]) })).toMatchObject({ outcome: 'resolved', series: [{ event: 'resolved' }] });
    // Other label columns make other series: the stored states do not count.
    expect(lines(verdict({ rules: rules({ labels: ['tier'] }), stored, result: table(['tier', 'rate'], [['gold', 8]]) }))).toEqual(['gold:fired:critical']);
  });

  it('an alert stored before series that was firing repeats or holds back as its runs would', () => {
    const stored = makeAlert({ condition: { op: '>', threshold: 5 }, firingSince: new Date(NOW.getTime() - 3_600_000), lastSentTick: new Date(NOW.getTime() - 600_000) });
    expect(lines(verdict({ stored, result: one(8) }))).toEqual(['-:grace:critical']);
    expect(lines(verdict({ stored, gracePeriodS: 60, result: one(8) }))).toEqual(['-:repeat:critical']);
    expect(lines(verdict({ stored, result: one(1) }))).toEqual(['-:resolved']);
  });

  it('a change compares with the stored series\' value', () => {
    const measure = { kind: 'change', mode: 'percent', direction: 'down', floor: null } as const;
    const stored = makeAlert({ measure, series: { '': { ...firingState({}), status: 'normal', level: null, held: 0, since: null, lastSentTick: null, value: 200 } } });
    const v = verdict({ rules: rules({ measure, condition: { op: '>=', threshold: 30 } }), stored, result: one(120) });
    expect(v).toMatchObject({ kind: 'series', series: [{ event: 'fired', value: '-40%', reason: 'dropped 40% (from 200 to 120) >= 30' }] });
  });

  it('errors of the result as an alert: a label column missing, too many series', () => {
    expect(verdict({ rules: rules({ labels: ['region'] }), result: one(3) })).toEqual({ kind: 'error', reason: 'the label column "region" is not in the result (columns: v)' });
    const many = rates(...Array.from({ length: 5 }, (_, i): [string, number] => [`r${i}`, 1]));
    expect(verdict({ rules: rules({ labels: ['region'] }), result: many, maxSeries: 4 })).toMatchObject({ kind: 'error', reason: expect.stringMatching(/more than 4 series/) });
  });

  it('new rows: rows, distinct keys, repeats and NULLs, and whether the keys are recorded yet', () => {
    const measure = { kind: 'new_rows', keyColumn: 'id', maxPerTick: 20, sendFirstRun: false, retentionDays: 30 } as const;
    const result = table(['id', 'what'], [[1, 'a'], [2, 'b'], [2, 'b again'], [null, 'c']]);
    const newRows = rules({ measure, condition: { op: 'rows exist' } });
    expect(verdict({ rules: newRows, result })).toEqual({ kind: 'new_rows', keyColumn: 'id', rows: 4, truncated: false, keys: 2, repeated: 1, nullKeys: 1, seeded: false, sendFirstRun: false, maxPerTick: 20 });
    const seeded = makeAlert({ measure, condition: { op: 'rows exist' }, keysSeededAt: NOW });
    expect(verdict({ rules: newRows, stored: seeded, result })).toMatchObject({ seeded: true });
    // Another key column: the keys recorded are another column's.
    expect(verdict({ rules: rules({ measure: { ...measure, keyColumn: 'what' } }), stored: seeded, result })).toMatchObject({ seeded: false, keys: 4 });
    expect(verdict({ rules: newRows, result: one(1) })).toEqual({ kind: 'error', reason: 'the key column "id" is not in the result (columns: v)' });
  });
});
