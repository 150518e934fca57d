// An alert's rules as a person enters them (issue 3/6): what is measured, the critical and warning
// levels, the label columns that make series, the pending and keep-firing counts. Every problem
// is a field error keyed like the modal's blocks (`measure.column`, `warning.threshold`, …).
// Fields left out read as an alert made before series existed (LEGACY_RULES), so callers and
// stored alerts from before are unchanged. One reading: saving and Test query both use it.
import { z } from 'zod';
import { describeCondition, formatNumber, isNumericOperator, parseThreshold } from '../domain/condition.js';
import { describeDuration, parseDuration } from '../domain/freshness.js';
import {
  DEFAULTS,
  MEASURE_KINDS,
  NUMERIC_OPERATORS,
  OPERATORS,
  type AlertSpec,
  type ChangeDirection,
  type ChangeMode,
  type Condition,
  type Measure,
  type MeasureKind,
  type NumericOperator,
} from '../domain/types.js';
import { checkField, checkFlag, isBlank, orDefault, wholeNumber } from './input-checks.js';

export type AlertRules = Pick<AlertSpec, 'condition' | 'measure' | 'labels' | 'warning' | 'pendingTicks' | 'keepFiringTicks'>;

/** The rule fields of what a front end submits; loose on purpose. */
export interface RulesInput {
  condition?: { op?: unknown; threshold?: unknown } | null;
  /** `{ kind, …that kind's options }`; absent: the single value. */
  measure?: Record<string, unknown> | null;
  /** Column names: comma-separated text or a list. */
  labels?: unknown;
  /** The level below critical; its operator is the critical one's when left out. */
  warning?: { op?: unknown; threshold?: unknown } | null;
  pendingTicks?: unknown;
  keepFiringTicks?: unknown;
}

export const RULE_LIMITS = {
  labels: 5,
  /** Label, timestamp and key column names. */
  columnLength: 64,
  pendingTicks: { min: 1, max: 100 },
  keepFiringTicks: { min: 0, max: 100 },
  newRowsPerTick: { min: 1, max: 50 },
  newRowsRetentionDays: { min: 1, max: 365 },
} as const;

export const CHANGE_MODES: readonly ChangeMode[] = ['absolute', 'percent'];
export const CHANGE_DIRECTIONS: readonly ChangeDirection[] = ['up', 'down', 'either'];

/** What a measure is called in an error ("a row count is compared with a number"). */
const MEASURE_NOUNS: Record<MeasureKind, string> = {
  value: 'the value',
  row_count: 'a row count',
  freshness: 'an age',
  change: 'a change',
  new_rows: 'new rows',
};

/** The rules, or null with each problem in `errors`. */
export function readAlertRules(input: RulesInput, errors: Record<string, string>): AlertRules | null {
  const found: Record<string, string> = {};
  const measure = readMeasure(input.measure, found);
  // A measure with a bad option still says how its condition is read.
  const kind = measure?.kind ?? rawKind(input.measure) ?? 'value';
  const rules = kind === 'new_rows' ? newRowsRules(input, measure, found) : measuredRules(input, measure, kind, found);
  Object.assign(errors, found);
  return Object.keys(found).length > 0 ? null : rules;
}

/**
 * The critical level of the single value (every operator): the condition of alerts made before
 * issue 3/6, keyed `condition.op` / `condition.threshold`.
 */
export function readCondition(raw: RulesInput['condition'], errors: Record<string, string> = {}): Condition | null {
  return readLevel(raw, 'value', errors);
}

function measuredRules(input: RulesInput, measure: Measure | undefined, kind: MeasureKind, errors: Record<string, string>): AlertRules | null {
  const condition = readLevel(input.condition, kind, errors);
  const warning = readWarning(input.warning, condition, kind, errors);
  const labels = readLabels(input.labels, errors);
  const { pendingTicks: pending, keepFiringTicks: keep } = RULE_LIMITS;
  const pendingTicks = checkField(errors, 'pendingTicks', wholeNumber(pending.min, pending.max, 'checks'), orDefault(input.pendingTicks, DEFAULTS.pendingTicks));
  const keepFiringTicks = checkField(errors, 'keepFiringTicks', wholeNumber(keep.min, keep.max, 'checks'), orDefault(input.keepFiringTicks, DEFAULTS.keepFiringTicks));
  // Label columns leave each series' rows before it is measured.
  if (measure?.kind === 'freshness' && measure.column !== null && labels.includes(measure.column)) {
    errors['measure.column'] = `"${measure.column}" is also a label column; the timestamp must come from another column`;
  }
  if (measure === undefined || condition === null || pendingTicks === undefined || keepFiringTicks === undefined) return null;
  return { condition, measure, labels, warning, pendingTicks, keepFiringTicks };
}

/** New rows are sent one by one: no threshold, no levels, no series, nothing to wait for. */
function newRowsRules(input: RulesInput, measure: Measure | undefined, errors: Record<string, string>): AlertRules | null {
  if (!isBlankList(input.labels)) errors.labels = 'a new-rows alert has no series: each new row is sent on its own';
  if (input.warning !== undefined && input.warning !== null && !isBlank(input.warning.threshold)) {
    errors['warning.threshold'] = 'a new-rows alert has no warning level: each new row is sent';
  }
  if (!isBlank(input.pendingTicks) && String(input.pendingTicks).trim() !== String(DEFAULTS.pendingTicks)) {
    errors.pendingTicks = 'does not apply to a new-rows alert: a new row is sent at the first check that returns it';
  }
  if (!isBlank(input.keepFiringTicks) && String(input.keepFiringTicks).trim() !== String(DEFAULTS.keepFiringTicks)) {
    errors.keepFiringTicks = 'does not apply to a new-rows alert: it has nothing to keep firing';
  }
  if (measure === undefined) return null;
  return { condition: { op: 'rows exist' }, measure, labels: [], warning: null, pendingTicks: DEFAULTS.pendingTicks, keepFiringTicks: DEFAULTS.keepFiringTicks };
}

function rawKind(raw: RulesInput['measure']): MeasureKind | null {
  const kind = raw?.kind;
  return typeof kind === 'string' && (MEASURE_KINDS as readonly string[]).includes(kind) ? (kind as MeasureKind) : null;
}

function readMeasure(raw: RulesInput['measure'], errors: Record<string, string>): Measure | undefined {
  if (raw === undefined || raw === null || isBlank(raw.kind)) return { kind: 'value' };
  const kind = rawKind(raw);
  if (kind === null) {
    errors['measure.kind'] = `choose what to check: ${MEASURE_KINDS.join(', ')}`;
    return undefined;
  }
  switch (kind) {
    case 'value':
    case 'row_count':
      return { kind };
    case 'freshness': {
      const column = readColumn(raw.column, 'measure.column', errors, { optional: true });
      return column === undefined ? undefined : { kind, column };
    }
    case 'change': {
      const mode = oneOf(CHANGE_MODES, raw.mode, 'measure.mode', 'choose absolute or percent', errors);
      const direction = oneOf(CHANGE_DIRECTIONS, raw.direction, 'measure.direction', 'choose up, down or either', errors);
      const floor = readFloor(raw.floor, errors);
      if (mode === undefined || direction === undefined || floor === undefined) return undefined;
      return { kind, mode, direction, floor };
    }
    case 'new_rows': {
      const keyColumn = readColumn(raw.keyColumn, 'measure.keyColumn', errors, { optional: false });
      const { newRowsPerTick: perTick, newRowsRetentionDays: days } = RULE_LIMITS;
      const maxPerTick = checkField(errors, 'measure.maxPerTick', wholeNumber(perTick.min, perTick.max, 'rows'), orDefault(raw.maxPerTick, DEFAULTS.newRowsPerTick));
      const sendFirstRun = checkFlag(raw.sendFirstRun, 'measure.sendFirstRun', errors);
      const retentionDays = checkField(errors, 'measure.retentionDays', wholeNumber(days.min, days.max, 'days'), orDefault(raw.retentionDays, DEFAULTS.newRowsRetentionDays));
      if (keyColumn === undefined || keyColumn === null || maxPerTick === undefined || retentionDays === undefined) return undefined;
      return { kind, keyColumn, maxPerTick, sendFirstRun, retentionDays };
    }
  }
}

/** A level's operator and threshold for `kind`: numeric operators only beyond the value; ages are durations. */
function readLevel(raw: RulesInput['condition'], kind: MeasureKind, errors: Record<string, string>): Condition | null {
  const op = raw?.op;
  const allowed: readonly string[] = kind === 'value' ? OPERATORS : NUMERIC_OPERATORS;
  if (typeof op !== 'string' || !allowed.includes(op)) {
    errors['condition.op'] =
      kind === 'value' || typeof op !== 'string' || !(OPERATORS as readonly string[]).includes(op)
        ? `choose a condition: ${allowed.join(', ')}`
        : `${MEASURE_NOUNS[kind]} is compared with a number: choose ${NUMERIC_OPERATORS.join(', ')}`;
    return null;
  }
  if (!isNumericOperator(op)) return { op: op as 'not null' | 'rows exist' | 'no rows' };
  const threshold = readThreshold(raw?.threshold, kind, 'condition.threshold', errors);
  return threshold === null ? null : { op, threshold };
}

/** A threshold as typed: a number, or for an age a duration ("2h", "90 min"), kept in seconds. */
function readThreshold(raw: unknown, kind: MeasureKind, key: string, errors: Record<string, string>): number | null {
  const text = raw === undefined || raw === null ? '' : String(raw);
  if (kind === 'freshness') {
    const seconds = text.trim() === '' ? 'an age is required, e.g. 90s, 15 min, 2h or 1d' : parseDuration(text);
    if (typeof seconds === 'string') {
      errors[key] = seconds.startsWith('an age') ? seconds : `must be ${seconds}`;
      return null;
    }
    return seconds;
  }
  const threshold = parseThreshold(text);
  if (typeof threshold === 'string') {
    errors[key] = threshold;
    return null;
  }
  return threshold;
}

/**
 * The warning level: its operator is the critical one's (left out, it is taken from there), and
 * it must hold before critical does — a lower threshold for > and >=, a higher one for < and <=.
 * With == and != no value is less severe than another, so there is none.
 */
function readWarning(raw: RulesInput['warning'], critical: Condition | null, kind: MeasureKind, errors: Record<string, string>): Condition | null {
  if (raw === undefined || raw === null || isBlank(raw.threshold)) return null;
  if (critical === null) return null; // the critical level has its own error
  if (!('threshold' in critical)) {
    errors['warning.op'] = `a warning level needs a critical level compared with a number; "${describeCondition(critical)}" has none`;
    return null;
  }
  const op = isBlank(raw.op) ? critical.op : raw.op;
  if (op !== critical.op) {
    errors['warning.op'] = `the warning level uses the critical level's operator (${critical.op})`;
    return null;
  }
  if (op === '==' || op === '!=') {
    errors['warning.op'] = `a warning level needs > >= < or <=: with ${op} no value comes before another`;
    return null;
  }
  const threshold = readThreshold(raw.threshold, kind, 'warning.threshold', errors);
  if (threshold === null) return null;
  const above = op === '>' || op === '>=';
  const shown = (n: number) => (kind === 'freshness' ? describeDuration(n) : formatNumber(n));
  if (above ? threshold >= critical.threshold : threshold <= critical.threshold) {
    errors['warning.threshold'] = `must be ${above ? 'lower' : 'higher'} than the critical threshold (${op} ${shown(critical.threshold)}): the warning comes first`;
    return null;
  }
  return { op: op as NumericOperator, threshold };
}

/** Label columns: comma-separated text or a list; blanks dropped. */
function readLabels(raw: unknown, errors: Record<string, string>): string[] {
  if (isBlankList(raw)) return [];
  const items: unknown[] | null = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : null;
  if (items === null || items.some((i) => typeof i !== 'string')) {
    errors.labels = 'list column names, separated by commas';
    return [];
  }
  const names = (items as string[]).map((n) => n.trim()).filter((n) => n !== '');
  const { labels: most, columnLength } = RULE_LIMITS;
  const long = names.find((n) => n.length > columnLength);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (names.length > most) errors.labels = `at most ${most} label columns (${names.length} given)`;
  else if (long !== undefined) errors.labels = `"${long.slice(0, 20)}…" is longer than ${columnLength} characters; a column name is expected`;
  else if (twice !== undefined) errors.labels = `"${twice}" is listed twice`;
  return errors.labels === undefined ? names : [];
}

function isBlankList(raw: unknown): boolean {
  return isBlank(raw) || (Array.isArray(raw) && raw.every((n) => isBlank(n)));
}

/** A column name: trimmed, at most 64 characters; blank is null when optional. */
function readColumn(raw: unknown, key: string, errors: Record<string, string>, { optional }: { optional: boolean }): string | null | undefined {
  if (isBlank(raw)) {
    if (optional) return null;
    errors[key] = 'a column name is required';
    return undefined;
  }
  if (typeof raw !== 'string') {
    errors[key] = 'must be a column name';
    return undefined;
  }
  const name = raw.trim();
  if (name.length > RULE_LIMITS.columnLength) {
    errors[key] = `must be at most ${RULE_LIMITS.columnLength} characters`;
    return undefined;
  }
  return name;
}

function oneOf<T extends string>(allowed: readonly T[], raw: unknown, key: string, message: string, errors: Record<string, string>): T | undefined {
  if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
  errors[key] = message;
  return undefined;
}

/** The change measure's floor: blank is none; otherwise a number of at least 0 (it is compared with |previous|). */
function readFloor(raw: unknown, errors: Record<string, string>): number | null | undefined {
  if (isBlank(raw)) return null;
  const message = 'must be a number of at least 0, e.g. 100 or 0.5; empty: no floor';
  const floor = checkField(errors, 'measure.floor', z.union([z.number(), z.string()], { error: message }), raw);
  if (floor === undefined) return undefined;
  const n = typeof floor === 'number' ? floor : parseThreshold(floor);
  if (typeof n === 'string' || !Number.isFinite(n) || n < 0) {
    errors['measure.floor'] = message;
    return undefined;
  }
  return n;
}
