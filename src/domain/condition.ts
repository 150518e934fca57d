// An alert's condition applied to what its query returned (DESIGN.md, "Execution semantics",
// step 4). The tick records `noop` and `not_fired` as NOOP, `error` as ERROR, `fired` as a send.
import { NUMERIC_OPERATORS, type Cell, type Condition, type NumericOperator, type QueryResult } from './types.js';

export type ConditionOutcome =
  | { kind: 'fired'; value: string | null }
  | { kind: 'not_fired'; value: string | null; reason: string }
  | { kind: 'noop'; reason: string; value: null }
  | { kind: 'error'; reason: string };

/** Long values are cut to this many characters in reasons. */
const SHOWN_CHARS = 50;
/** Column names listed in a "too many columns" error before "…". */
const SHOWN_COLUMNS = 5;
const ONE_VALUE = 'an alert needs one row with one value';

export function evaluateCondition(condition: Condition, result: QueryResult): ConditionOutcome {
  const rows = result.rows.length;
  switch (condition.op) {
    case 'rows exist':
      return rows > 0
        ? { kind: 'fired', value: rowCount(result) }
        : { kind: 'not_fired', value: '0', reason: 'no rows' };
    case 'no rows':
      return rows === 0
        ? { kind: 'fired', value: '0' }
        : { kind: 'not_fired', value: rowCount(result), reason: `returned ${rowCount(result)} ${rows === 1 ? 'row' : 'rows'}` };
    default:
      return evaluateScalar(condition, result);
  }
}

/** The one value a result holds, "nothing to say" (no rows, NULL), or why it holds no single value. */
export type SingleValue = { kind: 'value'; cell: string | number | boolean } | { kind: 'noop'; reason: string } | { kind: 'error'; reason: string };

/** The single value of a one-row, one-column result (the shape an alert on a value needs). */
export function singleValue(result: QueryResult): SingleValue {
  const { rows, columns } = result;
  // Shape errors come before "no rows": a query of the wrong shape stays wrong once rows appear.
  if (rows.length > 1) return { kind: 'error', reason: `returned ${rowCount(result)} rows; ${ONE_VALUE}` };
  if (columns.length !== 1) return { kind: 'error', reason: `returned ${describeColumns(columns)}; an alert needs exactly one` };
  const [row] = rows;
  if (row === undefined) return { kind: 'noop', reason: 'no rows' };
  const cell: Cell | undefined = row[0];
  if (cell === undefined) return { kind: 'error', reason: `returned a row without a value; ${ONE_VALUE}` };
  // NULL is "nothing to say", never 0.
  if (cell === null) return { kind: 'noop', reason: 'NULL value' };
  return { kind: 'value', cell };
}

/** The single value as a finite number, or why not (text must be cast in SQL). */
export function singleNumber(result: QueryResult): { kind: 'number'; value: number } | { kind: 'noop'; reason: string } | { kind: 'error'; reason: string } {
  const single = singleValue(result);
  if (single.kind !== 'value') return single;
  const { cell } = single;
  if (typeof cell !== 'number' || !Number.isFinite(cell)) return { kind: 'error', reason: `returned ${describeNonNumber(cell)}, not a number; cast it in SQL` };
  return { kind: 'number', value: cell };
}

/** Operators on the single value: `> >= < <= == !=` and `not null`. */
function evaluateScalar(condition: Condition, result: QueryResult): ConditionOutcome {
  const single = singleValue(result);
  if (single.kind === 'error') return single;
  if (single.kind === 'noop') return { kind: 'noop', reason: single.reason, value: null };
  const { cell } = single;
  if (condition.op === 'not null') return { kind: 'fired', value: formatCell(cell) };
  if (!isNumericOperator(condition.op) || !('threshold' in condition)) {
    return { kind: 'error', reason: `unknown condition "${String(condition.op)}"` };
  }
  const { op, threshold } = condition;
  if (!Number.isFinite(threshold)) return { kind: 'error', reason: `the threshold ${threshold} is not a number` };
  if (typeof cell !== 'number' || !Number.isFinite(cell)) {
    return { kind: 'error', reason: `returned ${describeNonNumber(cell)}, not a number; cast it in SQL` };
  }
  const value = formatCell(cell);
  return compare(cell, op, threshold)
    ? { kind: 'fired', value }
    : { kind: 'not_fired', value, reason: `${value} is not ${op} ${formatNumber(threshold)}` };
}

/** `value op threshold`. */
export function compare(value: number, op: NumericOperator, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

export function isNumericOperator(op: string): op is NumericOperator {
  return (NUMERIC_OPERATORS as readonly string[]).includes(op);
}

/** "2", or "more than 2" when the data source stopped at its row cap. */
function rowCount(result: QueryResult): string {
  return result.truncated ? `more than ${result.rows.length}` : String(result.rows.length);
}

function describeColumns(columns: string[]): string {
  if (columns.length === 0) return 'no columns';
  const shown = columns.slice(0, SHOWN_COLUMNS).join(', ');
  const more = columns.length > SHOWN_COLUMNS ? ', …' : '';
  return `${columns.length} columns (${shown}${more})`;
}

/** Says what came back instead of a number: the driver's type matters to the fix. */
function describeNonNumber(cell: string | number | boolean): string {
  if (typeof cell === 'string') return `text '${truncate(cell)}'`;
  if (typeof cell === 'boolean') return `a boolean (${cell})`;
  return String(cell); // NaN, Infinity, -Infinity
}

function truncate(text: string): string {
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 1)}…` : text;
}

/** A value as people see it: numbers as they are (42, 0.5), text as is. */
function formatCell(cell: string | number | boolean): string {
  return typeof cell === 'number' ? formatNumber(cell) : String(cell);
}

export function formatNumber(n: number): string {
  return Object.is(n, -0) ? '0' : String(n);
}

/** The condition in words, e.g. "value > 100", "value is not NULL", "rows exist", "no rows". */
export function describeCondition(condition: Condition): string {
  switch (condition.op) {
    case 'not null':
      return 'value is not NULL';
    case 'rows exist':
      return 'rows exist';
    case 'no rows':
      return 'no rows';
    default:
      return `value ${condition.op} ${formatNumber(condition.threshold)}`;
  }
}

const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A threshold typed by a person: the number, or a message saying what to type instead. */
export function parseThreshold(text: string): number | string {
  const trimmed = text.trim();
  // Number() alone would take '', '0x10' and 'Infinity'; commas are ambiguous (1,000 or 0,5).
  if (!NUMBER_TEXT.test(trimmed)) return 'threshold must be a number, e.g. 100 or 0.5';
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : 'threshold must be a number, e.g. 100 or 0.5';
}
