// New rows as a table of cases: which rows are new, the cap per tick, the first run, NULL keys.
import { describe, expect, it } from '@jest/globals';
import { decideNewRows, keysOf, keyText, type NewRowsMeasure } from '../../../src/domain/new-rows.js';
import type { Cell, QueryResult } from '../../../src/domain/types.js';

const measure: NewRowsMeasure = { kind: 'new_rows', keyColumn: 'id', maxPerTick: 20, sendFirstRun: false, retentionDays: 30 };
const payments = (ids: (number | null)[]): QueryResult => ({ columns: ['id', 'amount'], rows: ids.map((id): Cell[] => [id, 10]), truncated: false });
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('new rows', () => {
  it.each<[string, Partial<NewRowsMeasure>, (number | null)[], string[], boolean, Record<string, unknown>]>([
    ['the first run records every key and sends nothing', {}, [1, 2, 3], [], false, { kind: 'record', keys: ['1', '2', '3'] }],
    ['unless the author asked it to send', { sendFirstRun: true }, [1, 2], [], false, { kind: 'send', keys: ['1', '2'], more: 0 }],
    ['5 new rows are 5 messages', {}, [...range(1, 5), 100], ['100'], true, { kind: 'send', more: 0, keys: ['1', '2', '3', '4', '5'] }],
    ['200 new rows: 20 sent and 180 counted, all 200 remembered', {}, range(1, 200), [], true, { kind: 'send', more: 180 }],
    ['nothing new: nothing sent', {}, [1, 2], ['1', '2'], true, { kind: 'noop', reason: 'no new rows (2 seen before)' }],
    ['a key twice in one result is one row', {}, [7, 7], [], true, { kind: 'send', keys: ['7'] }],
    ['NULL keys are skipped and said', {}, [null, 8], [], true, { kind: 'send', keys: ['8'], reason: '1 new row; 1 with a NULL id skipped' }],
  ])('%s', (_, overrides, ids, seen, seeded, expected) => {
    const d = decideNewRows({ measure: { ...measure, ...overrides }, result: payments(ids), seen: new Set(seen), seeded });
    expect(d).toMatchObject(expected);
    if (d.kind === 'send') expect(d.rows.length).toBe(Math.min(d.keys.length, measure.maxPerTick));
  });

  it('200 new rows keep every key, send the first 20 in result order, and say so', () => {
    const d = decideNewRows({ measure, result: payments(range(1, 200)), seen: new Set(), seeded: true });
    expect(d).toMatchObject({ kind: 'send', reason: '200 new rows, 20 sent and 180 counted' });
    expect(d.kind === 'send' && [d.keys.length, d.rows[0]?.[0], d.rows[19]?.[0]]).toEqual([200, 1, 20]);
  });

  it('a result without the key column is an ERROR naming it', () => {
    expect(keysOf(payments([1]), 'payment_id')).toEqual({ ok: false, reason: 'the key column "payment_id" is not in the result (columns: id, amount)' });
    expect(decideNewRows({ measure: { ...measure, keyColumn: 'nope' }, result: payments([1]), seen: new Set(), seeded: true }).kind).toBe('error');
  });
});

describe('keys as stored', () => {
  it('are cut by code points, never inside an emoji, and lose NUL characters', () => {
    const key = keyText(`${'x'.repeat(199)}😀tail`);
    expect(key).toBe(`${'x'.repeat(199)}😀`);
    expect(keyText('a\u0000b')).toBe('ab');
  });
});
