// Every sentence more than one message says, written once. Builders beside this file compose
// them into MessageDocs; renderers only draw. Plain words: escaping is the renderer's job.
import { describeCondition, formatNumber } from '../domain/condition.js';
import { describeDuration } from '../domain/freshness.js';
import type { Alert, Condition, Measure } from '../domain/types.js';
import type { Inline } from './document.js';
import type { FailedStep } from './outgoing.js';

/**
 * How to name an alert in a command, so that pasting it back works: quoted when it has spaces,
 * its id when the name holds quotes or stray spaces that a command cannot carry.
 */
export function commandRef(alert: Pick<Alert, 'id' | 'name'>): string {
  if (/["“”]/.test(alert.name) || alert.name.trim() !== alert.name || alert.name === '') return alert.id;
  return /\s/.test(alert.name) ? `"${alert.name}"` : alert.name;
}

/** The step that failed, as owners read it. */
export const STEP_NAMES: Record<FailedStep, string> = {
  query: 'the query (running the SQL on the data source)',
  condition: "the condition (checking the query's result)",
  delivery: 'delivery (sending the message to its recipients)',
};

/** What to do about a failed step; every step's advice when the step is not known. */
export function whatToDo(step: FailedStep | null, alert: Pick<Alert, 'id' | 'name'>): Inline[] {
  const ref = commandRef(alert);
  const edit: Inline = { code: `/alert edit ${ref}` };
  const run: Inline = { code: `/alert run ${ref}` };
  const pause: Inline = { code: `/alert pause ${ref}` };
  const fix: Inline[] =
    step === 'query'
      ? ['fix the SQL or the data source (', edit, ', then Test query)']
      : step === 'condition'
        ? ['make the SQL return one row with one value (a number for > < = checks) or change the condition (', edit, ', then Test query)']
        : step === 'delivery'
          ? ['check that Lookout is in every channel it posts to (', { code: '/invite @Lookout' }, ') and that the recipients still exist (', edit, ')']
          : ['fix the SQL or the data source (', edit, ', then Test query) and check that Lookout is in every channel it posts to'];
  return [{ bold: 'What to do:' }, ' ', ...fix, ', then run it again with ', run, '. To stop it meanwhile: ', pause, '.'];
}

/** "value > 100", or null for a report. */
export function conditionWords(alert: Pick<Alert, 'condition'> & Partial<Pick<Alert, 'measure' | 'warning'>>): string | null {
  if (alert.condition === null) return null;
  const measure = alert.measure ?? { kind: 'value' };
  const critical = measureCondition(measure, alert.condition);
  const warning = alert.warning ?? null;
  return warning === null ? critical : `critical: ${critical}; warning: ${measureCondition(measure, warning)}`;
}

/**
 * One level's condition in words, for the measure it applies to: "value > 10", "rows >= 100",
 * "newest loaded_at older than 2 h", "a drop of at least 30% since the last check (from at least 100)".
 */
export function measureCondition(measure: Measure, condition: Condition): string {
  if (!('threshold' in condition)) return measure.kind === 'new_rows' ? 'new rows' : describeCondition(condition);
  const { op, threshold } = condition;
  switch (measure.kind) {
    case 'value':
      return describeCondition(condition);
    case 'new_rows':
      return 'new rows';
    case 'row_count':
      return `rows ${op} ${formatNumber(threshold)}`;
    case 'freshness': {
      const what = `newest ${measure.column ?? 'timestamp'}`;
      const age = describeDuration(threshold);
      const words: Record<string, string> = { '>': `older than ${age}`, '>=': `at least ${age} old`, '<': `newer than ${age}`, '<=': `at most ${age} old`, '==': `exactly ${age} old`, '!=': `not ${age} old` };
      return `${what} ${words[op] ?? `${op} ${age}`}`;
    }
    case 'change': {
      const unit = measure.mode === 'percent' ? '%' : '';
      const moved = { up: 'a rise', down: 'a drop', either: 'a change' }[measure.direction];
      const floor = measure.floor !== null ? ` (when the previous value is at least ${formatNumber(measure.floor)})` : '';
      return `${moved} ${op} ${formatNumber(threshold)}${unit} since the last check${floor}`;
    }
  }
}

/** "Value: *42* — condition: value > 10" (label "Value now" for a recovery); nothing when there is neither. */
export function valueLine(alert: Pick<Alert, 'condition'>, value: string | null, label: 'Value' | 'Value now'): Inline[] | null {
  const condition = conditionWords(alert);
  if (value === null && condition === null) return null;
  const inlines: Inline[] = value !== null ? [`${label}: `, { bold: value }] : [];
  if (condition !== null) inlines.push(value !== null ? ` — condition: ${condition}` : `Condition: ${condition}`);
  return inlines;
}

/** "first 10 of 250 rows", "1 row", "first 10 of more than 1000 rows". */
export function rowsSummary(shown: number, total: number, truncated: boolean): string {
  const totalText = truncated ? `more than ${total}` : String(total);
  const noun = total === 1 && !truncated ? 'row' : 'rows';
  return shown < total || truncated ? `first ${shown} of ${totalText} ${noun}` : `${totalText} ${noun}`;
}

/** "Data source: shop · Evaluated 2026-11-25 09:00 KST" (the time formatted by the caller). */
export function provenance(dataSource: string, evaluatedAt: string): Inline[] {
  return ['Data source: ', { bold: dataSource }, ` · Evaluated ${evaluatedAt}`];
}

/** Why an owner got a notice, and how often they will. */
export function ownerFooter(alert: Pick<Alert, 'type'>): string {
  return `You own this ${alert.type}; you are not told again within the grace period (at least an hour) while it keeps failing.`;
}

/** A recipient key (recipientKey()) as people read it: the channel, the person, or the address. */
export function recipientInline(key: string): Inline {
  const [kind, ...rest] = key.split(':');
  const id = rest.join(':');
  if (kind === 'channel') return { channel: id };
  if (kind === 'user') return { user: id };
  return id;
}

/** Recipient keys as one run of text: "#ops, @ana and #alerts". */
export function recipientsInlines(keys: readonly string[]): Inline[] {
  return keys.flatMap((key, i): Inline[] => [i === 0 ? '' : i === keys.length - 1 ? ' and ' : ', ', recipientInline(key)]).filter((i) => i !== '');
}

export const OPEN_DASHBOARD = 'Open the dashboard';

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
