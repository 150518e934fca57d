import { describe, it, expect } from '@jest/globals';
import { describeCondition, evaluateCondition, parseThreshold, type ConditionOutcome } from '../../../src/domain/condition.js';
import type { Cell, Condition, QueryResult } from '../../../src/domain/types.js';

/** One column named `value`, one row per cell. */
const scalar = (...cells: Cell[]): QueryResult => ({ columns: ['value'], rows: cells.map((c) => [c]), truncated: false });
const table = (columns: string[], rows: Cell[][], truncated = false): QueryResult => ({ columns, rows, truncated });
const gt = (threshold: number): Condition => ({ op: '>', threshold });

describe('evaluateCondition: numeric operators', () => {
  it.each<[Condition, number, ConditionOutcome]>([
    [gt(100), 142, { kind: 'fired', value: '142' }],
    [gt(100), 12, { kind: 'not_fired', value: '12', reason: '12 is not > 100' }],
    [gt(100), 100, { kind: 'not_fired', value: '100', reason: '100 is not > 100' }],
    [{ op: '>=', threshold: 100 }, 100, { kind: 'fired', value: '100' }],
    [{ op: '<', threshold: 0.5 }, 0.25, { kind: 'fired', value: '0.25' }],
    [{ op: '<', threshold: 0.5 }, 0.5, { kind: 'not_fired', value: '0.5', reason: '0.5 is not < 0.5' }],
    [{ op: '<=', threshold: -3 }, -3, { kind: 'fired', value: '-3' }],
    [{ op: '<=', threshold: -3 }, -2.5, { kind: 'not_fired', value: '-2.5', reason: '-2.5 is not <= -3' }],
    [{ op: '==', threshold: 0.3 }, 0.3, { kind: 'fired', value: '0.3' }],
    [{ op: '==', threshold: 0.3 }, 0.1 + 0.2, { kind: 'not_fired', value: '0.30000000000000004', reason: '0.30000000000000004 is not == 0.3' }],
    [{ op: '!=', threshold: 0 }, 0, { kind: 'not_fired', value: '0', reason: '0 is not != 0' }],
    [{ op: '!=', threshold: 0 }, -1, { kind: 'fired', value: '-1' }],
    [gt(-10.75), -10.5, { kind: 'fired', value: '-10.5' }],
    [gt(0), 42, { kind: 'fired', value: '42' }],
  ])('%j on %p -> %j', (condition, value, outcome) => {
    expect(evaluateCondition(condition, scalar(value))).toEqual(outcome);
  });

  it('is an error when the query returned 2 rows', () => {
    expect(evaluateCondition(gt(1), scalar(1, 2))).toEqual({
      kind: 'error',
      reason: 'returned 2 rows; an alert needs one row with one value',
    });
  });

  it('says "more than" when the row cap cut the result', () => {
    expect(evaluateCondition(gt(1), table(['value'], [[1], [2]], true))).toEqual({
      kind: 'error',
      reason: 'returned more than 2 rows; an alert needs one row with one value',
    });
  });

  it('is an error when the query returned 2 columns, naming them', () => {
    expect(evaluateCondition(gt(1), table(['a', 'b'], [[1, 2]]))).toEqual({
      kind: 'error',
      reason: 'returned 2 columns (a, b); an alert needs exactly one',
    });
  });

  it('is an error for 2 columns even with no rows yet', () => {
    expect(evaluateCondition(gt(1), table(['a', 'b'], []))).toMatchObject({ kind: 'error' });
  });

  it('is a noop with reason "no rows" when nothing came back, never read as 0', () => {
    expect(evaluateCondition({ op: '<', threshold: 1 }, scalar())).toEqual({ kind: 'noop', reason: 'no rows', value: null });
  });

  it('is a noop with reason "NULL value" for NULL, never read as 0', () => {
    expect(evaluateCondition({ op: '<', threshold: 1 }, scalar(null))).toEqual({ kind: 'noop', reason: 'NULL value', value: null });
  });

  it('is an error for text, saying to cast it', () => {
    expect(evaluateCondition(gt(1), scalar('abc'))).toEqual({
      kind: 'error',
      reason: "returned text 'abc', not a number; cast it in SQL",
    });
  });

  it("is an error for numeric-looking text such as '5'", () => {
    expect(evaluateCondition(gt(1), scalar('5'))).toEqual({
      kind: 'error',
      reason: "returned text '5', not a number; cast it in SQL",
    });
  });

  it('cuts long text in the reason', () => {
    const outcome = evaluateCondition(gt(1), scalar('x'.repeat(500)));
    expect(outcome.kind).toBe('error');
    expect(outcome.kind === 'error' && outcome.reason.length).toBeLessThan(100);
    expect(outcome).toMatchObject({ reason: expect.stringContaining('…') });
  });

  it.each<[Cell, string]>([
    [true, 'a boolean (true)'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('is an error for %p', (cell, shown) => {
    expect(evaluateCondition(gt(1), scalar(cell))).toEqual({
      kind: 'error',
      reason: `returned ${shown}, not a number; cast it in SQL`,
    });
  });
});

describe('evaluateCondition: not null', () => {
  const notNull: Condition = { op: 'not null' };

  it.each<[Cell, string]>([
    [0, '0'],
    ['', ''],
    ['x', 'x'],
    [false, 'false'],
    [3.5, '3.5'],
  ])('fires on %p', (cell, value) => {
    expect(evaluateCondition(notNull, scalar(cell))).toEqual({ kind: 'fired', value });
  });

  it('is a noop on NULL and on no rows', () => {
    expect(evaluateCondition(notNull, scalar(null))).toEqual({ kind: 'noop', reason: 'NULL value', value: null });
    expect(evaluateCondition(notNull, scalar())).toEqual({ kind: 'noop', reason: 'no rows', value: null });
  });

  it('needs one row and one column too', () => {
    expect(evaluateCondition(notNull, scalar('a', 'b'))).toMatchObject({ kind: 'error', reason: expect.stringContaining('2 rows') });
    expect(evaluateCondition(notNull, table(['a', 'b'], [['x', 'y']]))).toMatchObject({
      kind: 'error',
      reason: expect.stringContaining('2 columns (a, b)'),
    });
  });
});

describe('evaluateCondition: rows exist / no rows', () => {
  it('rows exist fires on any rows, with any number of columns, valued by the row count', () => {
    expect(evaluateCondition({ op: 'rows exist' }, table(['a', 'b', 'c'], [[1, 2, 3], [4, 5, 6]]))).toEqual({ kind: 'fired', value: '2' });
    expect(evaluateCondition({ op: 'rows exist' }, scalar(null))).toEqual({ kind: 'fired', value: '1' });
  });

  it('rows exist does not fire on no rows', () => {
    expect(evaluateCondition({ op: 'rows exist' }, scalar())).toEqual({ kind: 'not_fired', value: '0', reason: 'no rows' });
  });

  it('no rows fires on no rows', () => {
    expect(evaluateCondition({ op: 'no rows' }, table(['a', 'b'], []))).toEqual({ kind: 'fired', value: '0' });
  });

  it('no rows does not fire when rows came back, saying how many', () => {
    expect(evaluateCondition({ op: 'no rows' }, scalar(1, 2, 3))).toEqual({ kind: 'not_fired', value: '3', reason: 'returned 3 rows' });
    expect(evaluateCondition({ op: 'no rows' }, scalar(1))).toEqual({ kind: 'not_fired', value: '1', reason: 'returned 1 row' });
    expect(evaluateCondition({ op: 'no rows' }, table(['a'], [[1], [2]], true))).toMatchObject({
      kind: 'not_fired',
      value: 'more than 2',
    });
  });
});

describe('describeCondition', () => {
  it.each<[Condition, string]>([
    [gt(100), 'value > 100'],
    [{ op: '<=', threshold: -0.5 }, 'value <= -0.5'],
    [{ op: '==', threshold: 0 }, 'value == 0'],
    [{ op: 'not null' }, 'value is not NULL'],
    [{ op: 'rows exist' }, 'rows exist'],
    [{ op: 'no rows' }, 'no rows'],
  ])('%j reads %j', (condition, words) => {
    expect(describeCondition(condition)).toBe(words);
  });
});

describe('parseThreshold', () => {
  it.each<[string, number]>([
    ['100', 100],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['-3', -3],
    ['-0.25', -0.25],
    ['+7', 7],
    ['1e3', 1000],
    [' 42 ', 42],
  ])('%j -> %p', (text, value) => {
    expect(parseThreshold(text)).toBe(value);
  });

  it.each(['', ' ', 'abc', '0x10', 'Infinity', 'NaN', '1,000', '0,5', '5%', '1e999'])('%j -> a message', (text) => {
    expect(parseThreshold(text)).toBe('threshold must be a number, e.g. 100 or 0.5');
  });
});
