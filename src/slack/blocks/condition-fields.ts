// Every option of an alert's condition beyond its operator and critical threshold, each said once:
// its block (the service's field key: `measure.floor`, `warning.threshold`, `labels`, …), the
// input people see, the measure kinds it is shown for, its value when the alert has none, and
// where the alert keeps it. The modal draws, reads back and sends these fields from this one
// table, and modal-visibility.ts (so field-errors.ts) shows them by the same rule, as
// content-fields.ts does for the content options.
import { isNumericOperator } from '../../domain/condition.js';
import { DEFAULTS, MEASURE_KINDS, type Alert, type MeasureKind } from '../../domain/types.js';
import { CHANGE_DIRECTIONS, CHANGE_MODES, type RulesInput } from '../../services/alert-rules-input.js';
import { LIMITS } from '../../services/alert-input.js';
import type { FieldInput } from './content-fields.js';

/** A condition field's value in the form: text for inputs and selects, a flag for checkboxes. */
export type RuleValue = string | boolean;
/** By block (field key). */
export type RuleValues = Record<string, RuleValue>;

export const MEASURE_LABELS: Record<MeasureKind, { text: string; description: string }> = {
  value: { text: 'A value the query returns', description: 'One row with one value (with label columns: one per series)' },
  row_count: { text: 'Number of rows', description: 'How many rows the query returns' },
  freshness: { text: 'Age of the newest timestamp', description: 'E.g. how long ago the last load ran' },
  change: { text: 'Change since the last check', description: 'How far the value moved since the previous scheduled check' },
  new_rows: { text: 'New rows', description: 'Each row whose key was not seen before, sent once' },
};

/** Operators a warning level can take: with == and != no value comes before another. */
const LEVELLED_OPERATORS = ['>', '>=', '<', '<='] as const;
/** Everything but new rows, which has no threshold, levels, series or waiting. */
const COMPARED: readonly MeasureKind[] = MEASURE_KINDS.filter((k) => k !== 'new_rows');

interface ConditionFieldSpec {
  /** The block_id and the service's field key. */
  block: string;
  input: FieldInput;
  /** The measure kinds it is shown for (and read back and sent for). */
  kinds: readonly MeasureKind[];
  /** Shown only with these operators; absent: with any. */
  operators?: readonly string[];
  /** The value when the alert has none (or another kind). */
  fallback: RuleValue;
  /** The stored alert's value, or null for the fallback. Measure options are read from the measure. */
  stored?: (alert: Alert) => RuleValue | null;
}

const SPECS: readonly ConditionFieldSpec[] = [
  {
    block: 'measure.column',
    kinds: ['freshness'],
    fallback: '',
    input: {
      kind: 'text',
      label: 'Timestamp column',
      optional: true,
      max: LIMITS.columnLength,
      placeholder: 'loaded_at',
      hint: 'The newest timestamp in this column counts. Empty: the query returns one value, the timestamp. Times without a zone are read in the schedule\'s timezone.',
    },
  },
  {
    block: 'measure.mode',
    kinds: ['change'],
    fallback: 'percent',
    input: {
      kind: 'select',
      label: 'Measured as',
      options: CHANGE_MODES.map((m) => ({ value: m, text: m === 'percent' ? 'Percent of the previous value' : 'Absolute (in the value\'s own unit)' })),
    },
  },
  {
    block: 'measure.direction',
    kinds: ['change'],
    fallback: 'either',
    input: {
      kind: 'select',
      label: 'Direction',
      options: CHANGE_DIRECTIONS.map((d) => ({ value: d, text: d === 'up' ? 'A rise' : d === 'down' ? 'A drop' : 'Either way' })),
      hint: 'Which way the value must move; the threshold says how far.',
    },
  },
  {
    block: 'measure.floor',
    kinds: ['change'],
    fallback: '',
    input: {
      kind: 'text',
      label: 'Only when the previous value is at least',
      optional: true,
      max: 30,
      hint: 'Small previous values make big percentages: below this (ignoring the sign) the change is not checked. Empty: always.',
    },
  },
  {
    block: 'measure.keyColumn',
    kinds: ['new_rows'],
    fallback: '',
    input: { kind: 'text', label: 'Key column', max: LIMITS.columnLength, placeholder: 'id', hint: 'A row is new when this column holds a value Lookout has not seen before, e.g. an id.' },
  },
  {
    block: 'measure.maxPerTick',
    kinds: ['new_rows'],
    fallback: String(DEFAULTS.newRowsPerTick),
    input: {
      kind: 'text',
      label: 'Rows sent per check, at most',
      optional: true,
      max: 20,
      hint: `${LIMITS.newRowsPerTick.min}–${LIMITS.newRowsPerTick.max}; the rest are counted ("and 37 more"). Empty: ${DEFAULTS.newRowsPerTick}.`,
    },
  },
  {
    block: 'measure.sendFirstRun',
    kinds: ['new_rows'],
    fallback: false,
    input: { kind: 'checkbox', label: 'First run', text: 'Send the rows of the first run too', hint: 'Off: the first run only records the keys it sees, so you are not sent every existing row.' },
  },
  {
    block: 'measure.retentionDays',
    kinds: ['new_rows'],
    fallback: String(DEFAULTS.newRowsRetentionDays),
    input: {
      kind: 'text',
      label: 'Remember keys for (days)',
      optional: true,
      max: 20,
      hint: `${LIMITS.newRowsRetentionDays.min}–${LIMITS.newRowsRetentionDays.max}. A key not seen for longer counts as new again. Empty: ${DEFAULTS.newRowsRetentionDays}.`,
    },
  },
  {
    block: 'warning.threshold',
    kinds: COMPARED,
    operators: LEVELLED_OPERATORS,
    fallback: '',
    stored: (alert) => (alert.warning !== null && 'threshold' in alert.warning ? thresholdText(alert.warning.threshold, alert.measure.kind) : null),
    input: {
      kind: 'text',
      label: 'Warning threshold',
      optional: true,
      max: 100,
      hint: 'A level below critical, with the same comparison: lower for > and >=, higher for < and <=. Empty: no warning level.',
    },
  },
  {
    block: 'labels',
    kinds: COMPARED,
    fallback: '',
    stored: (alert) => alert.labels.join(', '),
    input: {
      kind: 'text',
      label: 'Series: label columns',
      optional: true,
      max: (LIMITS.columnLength + 2) * LIMITS.labels,
      placeholder: 'region, tier',
      hint: `Each distinct combination of these columns' values is a series with its own state (at most ${LIMITS.labels} columns, separated by commas). Empty: the whole result is one series.`,
    },
  },
  {
    block: 'pendingTicks',
    kinds: COMPARED,
    fallback: String(DEFAULTS.pendingTicks),
    stored: (alert) => String(alert.pendingTicks),
    input: {
      kind: 'text',
      label: 'Fire after N checks in a row',
      optional: true,
      max: 20,
      hint: `${LIMITS.pendingTicks.min}–${LIMITS.pendingTicks.max} scheduled checks the condition must hold before it fires (Run now does not count). Empty: ${DEFAULTS.pendingTicks}, at once.`,
    },
  },
  {
    block: 'keepFiringTicks',
    kinds: COMPARED,
    fallback: String(DEFAULTS.keepFiringTicks),
    stored: (alert) => String(alert.keepFiringTicks),
    input: {
      kind: 'text',
      label: 'Keep firing for N checks',
      optional: true,
      max: 20,
      hint: `${LIMITS.keepFiringTicks.min}–${LIMITS.keepFiringTicks.max} scheduled checks it stays firing after the condition stops holding, so a value that flaps does not resolve and fire again. Empty: ${DEFAULTS.keepFiringTicks}.`,
    },
  },
];

export type ConditionField = ConditionFieldSpec;

export const CONDITION_FIELDS: readonly ConditionField[] = SPECS;

const MEASURE_PREFIX = 'measure.';

/** Whether a field belongs to a measure kind (its options, drawn before the comparison). */
export function isMeasureOption(field: Pick<ConditionField, 'block'>): boolean {
  return field.block.startsWith(MEASURE_PREFIX);
}

/** Whether the modal shows this field for the chosen measure and operator (modal-visibility.ts asks this). */
export function conditionFieldShown(field: ConditionField, measureKind: string | undefined, conditionOp: string | undefined): boolean {
  if (measureKind === undefined || !(field.kinds as readonly string[]).includes(measureKind)) return false;
  return field.operators === undefined || (conditionOp !== undefined && field.operators.includes(conditionOp));
}

/** Whether the comparison (operator, critical threshold) applies: every measure but new rows. */
export function measureCompares(measureKind: string | undefined): boolean {
  return measureKind !== undefined && (COMPARED as readonly string[]).includes(measureKind);
}

/** Every field at its fallback. */
export function defaultRuleValues(): RuleValues {
  return Object.fromEntries(CONDITION_FIELDS.map((f) => [f.block, f.fallback]));
}

/** A stored alert's rules as form values; a field the alert does not have gets its fallback. */
export function ruleValuesOf(alert: Alert): RuleValues {
  const measure = alert.measure as unknown as Record<string, unknown>;
  return Object.fromEntries(
    CONDITION_FIELDS.map((f) => {
      let value: unknown = f.stored ? f.stored(alert) : isMeasureOption(f) && f.kinds.includes(alert.measure.kind) ? measure[f.block.slice(MEASURE_PREFIX.length)] : null;
      if (value === undefined || value === null) value = f.fallback;
      return [f.block, typeof f.fallback === 'boolean' ? value === true : String(value)];
    }),
  );
}

/**
 * A threshold as the form shows it: an age as a duration the service reads back ("2 h",
 * "125 min", "90 s": the largest unit that divides it exactly), any other number as it is.
 */
export function thresholdText(threshold: number, measureKind: MeasureKind): string {
  if (measureKind !== 'freshness' || !Number.isInteger(threshold) || threshold <= 0) return String(threshold);
  const unit = ([[86_400, 'd'], [3_600, 'h'], [60, 'min']] as const).find(([size]) => threshold % size === 0);
  return unit === undefined ? `${threshold} s` : `${threshold / unit[0]} ${unit[1]}`;
}

/** What the service gets for the rules: the chosen kind's shown fields only, as entered (it trims and checks them). */
export function rulesInputOf(values: { measureKind: MeasureKind; conditionOp: string; threshold: string; rules: RuleValues }): RulesInput {
  const { measureKind, conditionOp } = values;
  const shown = CONDITION_FIELDS.filter((f) => conditionFieldShown(f, measureKind, conditionOp));
  const valueOf = (f: ConditionField): RuleValue => values.rules[f.block] ?? f.fallback;
  const measure: Record<string, unknown> = { kind: measureKind };
  const input: RulesInput = {
    measure,
    condition: measureCompares(measureKind) ? { op: conditionOp === '' ? undefined : conditionOp, threshold: values.threshold } : null,
    warning: null,
  };
  for (const f of shown) {
    const value = valueOf(f);
    if (isMeasureOption(f)) measure[f.block.slice(MEASURE_PREFIX.length)] = value;
    else if (f.block === 'warning.threshold') input.warning = { op: conditionOp, threshold: value };
    else if (f.block === 'labels') input.labels = value;
    else if (f.block === 'pendingTicks') input.pendingTicks = value;
    else if (f.block === 'keepFiringTicks') input.keepFiringTicks = value;
  }
  return input;
}

/** The threshold's hint for a measure (the operator select says how it compares). */
export function thresholdHint(measureKind: MeasureKind, conditionOp: string): string {
  if (!isNumericOperator(conditionOp)) return 'Not used with this condition.';
  switch (measureKind) {
    case 'freshness':
      return 'An age: 90s, 15 min, 2h or 1d.';
    case 'change':
      return 'How far it moved since the previous scheduled check: a percentage, or an amount, as chosen above. The first check records the value.';
    case 'row_count':
      return 'A number of rows.';
    default:
      return 'A number.';
  }
}

/** "Send when the age is", for the operator select. */
export function comparisonLabel(measureKind: MeasureKind): string {
  switch (measureKind) {
    case 'row_count':
      return 'Send when the row count is';
    case 'freshness':
      return 'Send when the age is';
    case 'change':
      return 'Send when the change is';
    default:
      return 'Send when';
  }
}
