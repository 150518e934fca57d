// What one series says this tick (issue 3/6): its measure (the value, its row count, the age of
// its newest timestamp, or its change since the previous scheduled evaluation), tested against
// the critical level (`condition`) and then the warning level. The value measure of an unlabelled
// alert is evaluateCondition() itself, so alerts made before series existed read exactly as before.
import { compare, describeCondition, evaluateCondition, formatNumber, isNumericOperator, singleNumber } from './condition.js';
import { ageSeconds, describeDuration, parseTimestamp } from './freshness.js';
import type { Condition, Level, Measure, QueryResult } from './types.js';

export type Observation =
  /** The measure was taken: `level` is the highest level that holds, null when none does. */
  | { kind: 'tested'; level: Level | null; shown: string | null; number: number | null; reason: string }
  /** A change alert's first value: recorded as the baseline, nothing to compare yet. */
  | { kind: 'first'; shown: string; number: number; reason: string }
  /** Nothing to say (no rows, NULL): the series keeps its state. */
  | { kind: 'no_data'; reason: string }
  | { kind: 'error'; reason: string };

export interface ObserveInput {
  measure: Measure;
  /** The critical level (the only one without `warning`). */
  condition: Condition;
  warning: Condition | null;
  /** The series' rows, label columns removed. */
  result: QueryResult;
  /** The series' value at its previous scheduled evaluation (change). */
  baseline: number | null;
  now: Date;
  /** The schedule's zone: timestamps without an offset are wall time there. */
  timezone: string;
}

export function observe(input: ObserveInput): Observation {
  const { measure } = input;
  switch (measure.kind) {
    case 'value':
    case 'new_rows':
      return observeValue(input);
    case 'row_count': {
      const count = input.result.rows.length;
      const shown = input.result.truncated ? `more than ${count}` : String(count);
      return tested(input, count, shown, (c) => `${shown} ${count === 1 ? 'row' : 'rows'} ${c}`);
    }
    case 'freshness':
      return observeFreshness(input, measure.column);
    case 'change':
      return observeChange(input, measure);
  }
}

/** Today's single value: the critical condition, then the warning one. */
function observeValue(input: ObserveInput): Observation {
  const critical = evaluateCondition(input.condition, input.result);
  switch (critical.kind) {
    case 'error':
      return critical;
    case 'noop':
      return { kind: 'no_data', reason: critical.reason };
    case 'fired':
      return { kind: 'tested', level: 'critical', shown: critical.value, number: numberOf(critical.value), reason: heldReason(critical.value, input.condition) };
    case 'not_fired': {
      const warning = input.warning === null ? null : evaluateCondition(input.warning, input.result);
      if (warning?.kind === 'error') return warning;
      if (warning?.kind === 'fired' && input.warning !== null) {
        return { kind: 'tested', level: 'warning', shown: warning.value, number: numberOf(warning.value), reason: heldReason(warning.value, input.warning) };
      }
      return { kind: 'tested', level: null, shown: critical.value, number: numberOf(critical.value), reason: critical.reason };
    }
  }
}

function observeFreshness(input: ObserveInput, column: string | null): Observation {
  const { result } = input;
  let index = 0;
  if (column !== null) {
    index = result.columns.indexOf(column);
    if (index < 0) return { kind: 'error', reason: `the timestamp column "${column}" is not in the result` };
  } else if (result.columns.length !== 1) {
    return { kind: 'error', reason: `returned ${result.columns.length} columns; name the timestamp column, or return only the timestamp` };
  }
  if (result.rows.length === 0) return { kind: 'no_data', reason: 'no rows' };
  let newest: Date | null = null;
  for (const row of result.rows) {
    const cell = row[index] ?? null;
    if (cell === null) continue;
    const at = parseTimestamp(cell, input.timezone);
    if (at === null) return { kind: 'error', reason: `returned ${JSON.stringify(String(cell)).slice(0, 60)}, not a timestamp` };
    if (newest === null || at > newest) newest = at;
  }
  if (newest === null) return { kind: 'no_data', reason: 'no timestamp (NULL)' };
  const age = ageSeconds(newest, input.now);
  const shown = describeDuration(age);
  return tested(input, age, shown, (c) => `newest ${newest.toISOString()} is ${shown} old ${c}`, describeDuration);
}

function observeChange(input: ObserveInput, measure: Extract<Measure, { kind: 'change' }>): Observation {
  const single = singleNumber(input.result);
  if (single.kind === 'error') return single;
  if (single.kind === 'noop') return { kind: 'no_data', reason: single.reason };
  const value = single.value;
  const { baseline } = input;
  if (baseline === null) {
    return { kind: 'first', shown: formatNumber(value), number: value, reason: `first value ${formatNumber(value)} recorded; change is measured from the next check` };
  }
  const from = `from ${formatNumber(baseline)} to ${formatNumber(value)}`;
  if (measure.floor !== null && Math.abs(baseline) < measure.floor) {
    return { kind: 'tested', level: null, shown: formatNumber(value), number: value, reason: `${from}; the previous value is below the floor ${formatNumber(measure.floor)}` };
  }
  if (measure.mode === 'percent' && baseline === 0) {
    return { kind: 'tested', level: null, shown: formatNumber(value), number: value, reason: `${from}; a percent change needs a previous value other than 0` };
  }
  const delta = value - baseline;
  const amount = measure.mode === 'percent' ? (delta / Math.abs(baseline)) * 100 : delta;
  // How far it moved in the direction that matters; the other way counts as negative.
  const movement = measure.direction === 'up' ? amount : measure.direction === 'down' ? -amount : Math.abs(amount);
  const unit = measure.mode === 'percent' ? '%' : '';
  const signed = `${amount > 0 ? '+' : ''}${round(amount)}${unit}`;
  const verb = measure.direction === 'down' ? 'dropped' : measure.direction === 'up' ? 'rose' : 'moved';
  const result = tested(input, round(movement), signed, (c) => `${verb} ${round(Math.abs(amount))}${unit} (${from}) ${c}`);
  // The series' baseline for the next check is the value, not the change.
  return result.kind === 'tested' ? { ...result, number: value } : result;
}

/**
 * A numeric measure against the critical condition and then the warning one. `says` words the
 * outcome with the comparison, e.g. "12 rows ≥ 10" or "12 rows, not ≥ 100".
 */
function tested(
  input: ObserveInput,
  measured: number,
  shown: string,
  says: (comparison: string) => string,
  threshold: (n: number) => string = formatNumber,
): Observation {
  for (const [level, condition] of [
    ['critical', input.condition],
    ['warning', input.warning],
  ] as const) {
    if (condition === null) continue;
    if (!isNumericOperator(condition.op) || !('threshold' in condition)) {
      return { kind: 'error', reason: `"${describeCondition(condition)}" applies to a single value, not to this measure` };
    }
    if (compare(measured, condition.op, condition.threshold)) {
      return { kind: 'tested', level, shown, number: measured, reason: says(`${condition.op} ${threshold(condition.threshold)}`) };
    }
  }
  const main = input.condition;
  const bound = 'threshold' in main ? `, not ${main.op} ${threshold(main.threshold)}` : '';
  return { kind: 'tested', level: null, shown, number: measured, reason: says(bound).replace(/ ,/, ',').trimEnd() };
}

function heldReason(value: string | null, condition: Condition): string {
  return 'threshold' in condition ? `${value ?? ''} ${condition.op} ${formatNumber(condition.threshold)}` : describeCondition(condition);
}

function numberOf(value: string | null): number | null {
  if (value === null) return null;
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) ? n : null;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
