// An alert's rules as a person enters them (issue 3/6): what is measured, the critical and warning
// levels, the label columns that make series, the pending and keep-firing counts. Every problem
// is a field error keyed like the modal's blocks (`measure.column`, `warning.threshold`, …).
// Fields left out read as an alert made before series existed (LEGACY_RULES), so callers and
// stored alerts from before are unchanged.
//
// Two steps, both in zod so that one schema (alert-schema.ts) validates the modal and alert files:
// RULE_FIELDS reads each field on its own (its shape, bounds and defaults), and checkRules reads
// them together (which operators a measure takes, a threshold as a number or an age, the warning
// before critical, what a new-rows alert refuses). One reading: saving and Test query both use it.
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
import { blankAsAbsent, described, flag, isBlank, issuesToFieldErrors, wholeNumberOr } from './input-checks.js';

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

/** The rule fields' names, in the order files list them. */
export const RULE_KEYS = ['condition', 'measure', 'labels', 'warning', 'pendingTicks', 'keepFiringTicks'] as const;

/** What a measure is called in an error ("a row count is compared with a number"). */
const MEASURE_NOUNS: Record<MeasureKind, string> = {
  value: 'the value',
  row_count: 'a row count',
  freshness: 'an age',
  change: 'a change',
  new_rows: 'new rows',
};

/** A column name: trimmed, at most 64 characters. */
const columnName = z
  .string({ error: 'must be a column name' })
  .trim()
  .max(RULE_LIMITS.columnLength, `must be at most ${RULE_LIMITS.columnLength} characters`);

/** A column that may be left out (blank: none). */
const optionalColumn = z.preprocess(blankAsAbsent, columnName.optional()).transform((v) => v ?? null);

/** A column that must be named. */
const requiredColumn = z.preprocess(blankAsAbsent, columnName.optional()).transform((v, ctx) => {
  if (v !== undefined) return v;
  ctx.issues.push({ code: 'custom', message: 'a column name is required', input: v });
  return z.NEVER;
});

const FLOOR_MESSAGE = 'must be a number of at least 0, e.g. 100 or 0.5; empty: no floor';

/** The change measure's floor: blank is none; otherwise a number of at least 0 (it is compared with |previous|). */
const floor = described(
  z
    .preprocess(blankAsAbsent, z.union([z.number(), z.string()], { error: FLOOR_MESSAGE }).optional())
    .transform((raw, ctx) => {
      if (raw === undefined) return null;
      const n = typeof raw === 'number' ? raw : parseThreshold(raw);
      if (typeof n === 'string' || !Number.isFinite(n) || n < 0) {
        ctx.issues.push({ code: 'custom', message: FLOOR_MESSAGE, input: raw });
        return z.NEVER;
      }
      return n;
    }),
  { minimum: 0 },
);

const { newRowsPerTick: perTick, newRowsRetentionDays: keepDays } = RULE_LIMITS;

/** Each measure and its options; a kind left blank is the single value. */
const measureSchema = z.preprocess(
  (raw) => (raw === null || (typeof raw === 'object' && isBlank((raw as { kind?: unknown }).kind)) ? { kind: 'value' } : raw),
  z.discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('value') }),
      z.strictObject({ kind: z.literal('row_count') }),
      z.strictObject({
        kind: z.literal('freshness'),
        /** The timestamp column; blank: the single value. */
        column: optionalColumn,
      }),
      z.strictObject({
        kind: z.literal('change'),
        mode: z.enum(CHANGE_MODES, { error: 'choose absolute or percent' }),
        direction: z.enum(CHANGE_DIRECTIONS, { error: 'choose up, down or either' }),
        floor,
      }),
      z.strictObject({
        kind: z.literal('new_rows'),
        keyColumn: requiredColumn,
        maxPerTick: wholeNumberOr(perTick.min, perTick.max, 'rows', DEFAULTS.newRowsPerTick),
        sendFirstRun: flag(),
        retentionDays: wholeNumberOr(keepDays.min, keepDays.max, 'days', DEFAULTS.newRowsRetentionDays),
      }),
    ],
    { error: `choose what to check: ${MEASURE_KINDS.join(', ')}` },
  ),
);

/** A threshold as typed: a number, or text (a number, or for an age a duration such as "2h"). */
const threshold = z.union([z.number(), z.string()], { error: 'threshold must be a number, e.g. 100 or 0.5' }).nullish();

/** A level as typed; which operators it takes and how its threshold reads depend on the measure (checkRules). */
const level = (operators: readonly string[]) =>
  z
    .strictObject(
      {
        op: described(z.string({ error: `choose a condition: ${operators.join(', ')}` }).nullish(), { enum: operators }),
        threshold,
      },
      { error: 'must be an operator and a threshold' },
    )
    .nullish();

/** Label columns: comma-separated text or a list; blanks dropped. */
const labels = z
  .union([z.string(), z.array(z.string())], { error: 'list column names, separated by commas' })
  .nullish()
  .transform((raw, ctx) => {
    const names = (typeof raw === 'string' ? raw.split(',') : (raw ?? [])).map((n) => n.trim()).filter((n) => n !== '');
    const { labels: most, columnLength } = RULE_LIMITS;
    const long = names.find((n) => n.length > columnLength);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    const problem =
      names.length > most
        ? `at most ${most} label columns (${names.length} given)`
        : long !== undefined
          ? `"${long.slice(0, 20)}…" is longer than ${columnLength} characters; a column name is expected`
          : twice !== undefined
            ? `"${twice}" is listed twice`
            : null;
    if (problem === null) return names;
    ctx.issues.push({ code: 'custom', message: problem, input: raw });
    return z.NEVER;
  });

const { pendingTicks: pending, keepFiringTicks: keep } = RULE_LIMITS;

/** Each rule field read on its own. */
export const RULE_FIELDS = {
  /** The critical level (alerts); its operators depend on the measure. */
  condition: level(OPERATORS),
  measure: measureSchema.optional(),
  labels,
  /** The level below critical; its operator, when given, must be the critical one's. */
  warning: level(NUMERIC_OPERATORS),
  pendingTicks: wholeNumberOr(pending.min, pending.max, 'checks', DEFAULTS.pendingTicks),
  keepFiringTicks: wholeNumberOr(keep.min, keep.max, 'checks', DEFAULTS.keepFiringTicks),
};

const rulesObject = z.object(RULE_FIELDS);

/** The rule fields as RULE_FIELDS read them; a field that failed holds what was sent. */
type RuleValues = z.output<typeof rulesObject>;

/** A problem reported against a field key, e.g. `warning.threshold`. */
export type Report = (key: string, message: string) => void;

/**
 * The rules read together, or null with each problem given to `report`. `failed` names the
 * fields whose own reading failed: their values are what was sent, and their own error stands.
 */
export function checkRules(values: RuleValues, failed: ReadonlySet<string>, report: Report): AlertRules | null {
  let problems = 0;
  const counted: Report = (key, message) => {
    problems += 1;
    report(key, message);
  };
  const measure: Measure | undefined = failed.has('measure') ? undefined : (values.measure ?? { kind: 'value' });
  // A measure with a bad option still says how its condition is read.
  const kind = measure?.kind ?? rawKind(values.measure) ?? 'value';
  const rules = kind === 'new_rows' ? newRowsRules(values, measure, failed, counted) : measuredRules(values, measure, kind, failed, counted);
  return problems > 0 || failed.size > 0 ? null : rules;
}

function measuredRules(values: RuleValues, measure: Measure | undefined, kind: MeasureKind, failed: ReadonlySet<string>, report: Report): AlertRules | null {
  const condition = failed.has('condition') ? null : readLevel(values.condition, kind, report);
  const warning = failed.has('warning') ? null : readWarning(values.warning, condition, kind, report);
  const labels = failed.has('labels') ? [] : values.labels;
  // Label columns leave each series' rows before it is measured.
  if (measure?.kind === 'freshness' && measure.column !== null && labels.includes(measure.column)) {
    report('measure.column', `"${measure.column}" is also a label column; the timestamp must come from another column`);
  }
  if (measure === undefined || condition === null) return null;
  return { condition, measure, labels, warning, pendingTicks: values.pendingTicks, keepFiringTicks: values.keepFiringTicks };
}

/** New rows are sent one by one: no threshold, no levels, no series, nothing to wait for. */
function newRowsRules(values: RuleValues, measure: Measure | undefined, failed: ReadonlySet<string>, report: Report): AlertRules | null {
  if (!failed.has('labels') && values.labels.length > 0) report('labels', 'a new-rows alert has no series: each new row is sent on its own');
  if (!failed.has('warning') && values.warning !== undefined && values.warning !== null && !isBlank(values.warning.threshold)) {
    report('warning.threshold', 'a new-rows alert has no warning level: each new row is sent');
  }
  if (!failed.has('pendingTicks') && values.pendingTicks !== DEFAULTS.pendingTicks) {
    report('pendingTicks', 'does not apply to a new-rows alert: a new row is sent at the first check that returns it');
  }
  if (!failed.has('keepFiringTicks') && values.keepFiringTicks !== DEFAULTS.keepFiringTicks) {
    report('keepFiringTicks', 'does not apply to a new-rows alert: it has nothing to keep firing');
  }
  if (measure === undefined) return null;
  return { condition: { op: 'rows exist' }, measure, labels: [], warning: null, pendingTicks: DEFAULTS.pendingTicks, keepFiringTicks: DEFAULTS.keepFiringTicks };
}

function rawKind(raw: unknown): MeasureKind | null {
  const kind = typeof raw === 'object' && raw !== null ? (raw as { kind?: unknown }).kind : undefined;
  return typeof kind === 'string' && (MEASURE_KINDS as readonly string[]).includes(kind) ? (kind as MeasureKind) : null;
}

type LevelValue = z.output<ReturnType<typeof level>>;

/** A level's operator and threshold for `kind`: numeric operators only beyond the value; ages are durations. */
function readLevel(raw: LevelValue, kind: MeasureKind, report: Report): Condition | null {
  const op = raw?.op;
  const allowed: readonly string[] = kind === 'value' ? OPERATORS : NUMERIC_OPERATORS;
  if (typeof op !== 'string' || !allowed.includes(op)) {
    report(
      'condition.op',
      kind === 'value' || typeof op !== 'string' || !(OPERATORS as readonly string[]).includes(op)
        ? `choose a condition: ${allowed.join(', ')}`
        : `${MEASURE_NOUNS[kind]} is compared with a number: choose ${NUMERIC_OPERATORS.join(', ')}`,
    );
    return null;
  }
  if (!isNumericOperator(op)) return { op: op as 'not null' | 'rows exist' | 'no rows' };
  const value = readThreshold(raw?.threshold, kind, 'condition.threshold', report);
  return value === null ? null : { op, threshold: value };
}

/** A threshold as typed: a number, or for an age a duration ("2h", "90 min"), kept in seconds. */
function readThreshold(raw: unknown, kind: MeasureKind, key: string, report: Report): number | null {
  const text = raw === undefined || raw === null ? '' : String(raw);
  if (kind === 'freshness') {
    const seconds = text.trim() === '' ? 'an age is required, e.g. 90s, 15 min, 2h or 1d' : parseDuration(text);
    if (typeof seconds === 'string') {
      report(key, seconds.startsWith('an age') ? seconds : `must be ${seconds}`);
      return null;
    }
    return seconds;
  }
  const value = parseThreshold(text);
  if (typeof value === 'string') {
    report(key, value);
    return null;
  }
  return value;
}

/**
 * The warning level: its operator is the critical one's (left out, it is taken from there), and
 * it must hold before critical does — a lower threshold for > and >=, a higher one for < and <=.
 * With == and != no value is less severe than another, so there is none.
 */
function readWarning(raw: LevelValue, critical: Condition | null, kind: MeasureKind, report: Report): Condition | null {
  if (raw === undefined || raw === null || isBlank(raw.threshold)) return null;
  if (critical === null) return null; // the critical level has its own error
  if (!('threshold' in critical)) {
    report('warning.op', `a warning level needs a critical level compared with a number; "${describeCondition(critical)}" has none`);
    return null;
  }
  const op = isBlank(raw.op) ? critical.op : raw.op;
  if (op !== critical.op) {
    report('warning.op', `the warning level uses the critical level's operator (${critical.op})`);
    return null;
  }
  if (op === '==' || op === '!=') {
    report('warning.op', `a warning level needs > >= < or <=: with ${op} no value comes before another`);
    return null;
  }
  const value = readThreshold(raw.threshold, kind, 'warning.threshold', report);
  if (value === null) return null;
  const above = op === '>' || op === '>=';
  const shown = (n: number) => (kind === 'freshness' ? describeDuration(n) : formatNumber(n));
  if (above ? value >= critical.threshold : value <= critical.threshold) {
    report('warning.threshold', `must be ${above ? 'lower' : 'higher'} than the critical threshold (${op} ${shown(critical.threshold)}): the warning comes first`);
    return null;
  }
  return { op: op as NumericOperator, threshold: value };
}

/** Field keys of the issues zod has recorded so far, by their first segment (`measure`, `labels`, …). */
export function failedFields(issues: readonly z.core.$ZodRawIssue[]): Set<string> {
  return new Set(issues.flatMap((issue) => (issue.path !== undefined && issue.path.length > 0 ? [String(issue.path[0])] : [])));
}

/** Reports through zod: `key` split into the issue's path. */
export function reportTo(issues: z.core.$ZodRawIssue[], input: unknown): Report {
  return (key, message) => issues.push({ code: 'custom', path: key.split('.'), message, input });
}

/** The rule fields alone, read and checked together (Test query reads a draft with it). */
const rulesSchema = rulesObject
  .superRefine((values, ctx) => void checkRules(values, failedFields(ctx.issues), reportTo(ctx.issues, values)), { when: () => true })
  .transform((values) => checkRules(values, new Set(), () => undefined));

/** The rules, or null with each problem in `errors`. */
export function readAlertRules(input: RulesInput, errors: Record<string, string>): AlertRules | null {
  const picked = Object.fromEntries(RULE_KEYS.map((key) => [key, input[key]]));
  const parsed = rulesSchema.safeParse(picked);
  if (parsed.success) return parsed.data;
  Object.assign(errors, issuesToFieldErrors(parsed.error.issues));
  return null;
}
