// Test query's verdict (issue 3/6): the draft's rules run through the tick's own decision
// (decideOnResult) as if the next scheduled check returned this result, from the stored alert's
// series states when it is an edit whose series mean the same, so each series says what it would
// do: fire at a level, stay pending, record its first value, resolve. A new-rows alert needs the
// keys it has seen, which live in the store: without them it says what the result holds and what
// a first run does. Pure: the caller reads the stored alert, the clock and the query.
import { decideOnResult, isSingleSeries, seriesStatesOf, type ResultDecision } from '../domain/decide-result.js';
import { keysOf } from '../domain/new-rows.js';
import type { Alert, QueryResult, SeriesEvent, SeriesState } from '../domain/types.js';
import type { SeriesVerdict, TestVerdict } from '../messages/test-query-result.js';
import type { AlertRules } from './alert-rules-input.js';

export interface VerdictInput {
  rules: AlertRules;
  /** The alert being edited, or null for a new one. */
  stored: Alert | null;
  gracePeriodS: number;
  /** The schedule's zone (timestamps without an offset are read in it). */
  timezone: string;
  result: QueryResult;
  now: Date;
  maxSeries: number;
}

/** Series that change something come first in the list. */
const ORDER: readonly SeriesEvent[] = ['fired', 'escalated', 'deescalated', 'repeat', 'resolved', 'pending', 'keeping', 'grace', 'recorded', 'no_data', 'normal'];

export function testVerdict(input: VerdictInput): TestVerdict {
  const { rules, stored } = input;
  if (rules.measure.kind === 'new_rows') return newRowsVerdict(input, rules.measure);
  // Stored states count only while they mean the same series of the same measure.
  const same = stored !== null && stored.measure.kind === rules.measure.kind && stored.labels.join('\n') === rules.labels.join('\n');
  const alert = {
    ...rules,
    type: 'alert' as const,
    gracePeriodS: input.gracePeriodS,
    schedule: { cron: stored?.schedule.cron ?? '* * * * *', timezone: input.timezone },
    firingSince: same ? stored.firingSince : null,
    lastSentTick: same ? stored.lastSentTick : null,
    series: same ? stored.series : {},
  };
  const decision = decideOnResult({ alert, scheduledAt: input.now, trigger: 'schedule', result: input.result, now: input.now, maxSeries: input.maxSeries });
  if (decision.kind === 'error') return { kind: 'error', reason: decision.reason };
  const before = seriesStatesOf(alert);
  const series = isSingleSeries(rules) ? [singleSeries(decision, before[''])] : decision.series.outcomes.map((o): SeriesVerdict => {
    const state = decision.series.states[o.key];
    return { labels: o.labels, event: o.event, level: o.level, value: o.value, reason: o.reason, held: state?.held ?? 0, quiet: state?.quiet ?? 0 };
  });
  return {
    kind: 'series',
    outcome: decision.kind === 'send' ? 'send' : decision.kind === 'grace' ? 'grace' : decision.recovered ? 'resolved' : 'nothing',
    labelled: rules.labels.length > 0,
    levelled: rules.warning !== null,
    pendingTicks: rules.pendingTicks,
    keepFiringTicks: rules.keepFiringTicks,
    series: [...series].sort((a, b) => ORDER.indexOf(a.event) - ORDER.indexOf(b.event)),
  };
}

/**
 * An alert shaped as before series reports no series outcomes (its messages read as they did):
 * its one series' event is read from the decision and the state it had.
 */
function singleSeries(decision: Exclude<ResultDecision, { kind: 'error' }>, before: SeriesState | undefined): SeriesVerdict {
  const wasFiring = before?.status === 'firing';
  const base = { labels: {}, value: decision.value, held: 0, quiet: 0 };
  switch (decision.kind) {
    case 'send':
      return { ...base, event: wasFiring ? 'repeat' : 'fired', level: 'critical', reason: '', held: 1 };
    case 'grace':
      return { ...base, event: 'grace', level: 'critical', reason: decision.reason, held: 1 };
    case 'noop':
      if (decision.recovered) return { ...base, event: 'resolved', level: null, reason: decision.reason };
      // No rows or NULL say nothing (the value is missing); a value that does not hold is normal.
      return { ...base, event: decision.value === null ? 'no_data' : 'normal', level: null, reason: decision.reason };
  }
}

function newRowsVerdict(input: VerdictInput, measure: Extract<AlertRules['measure'], { kind: 'new_rows' }>): TestVerdict {
  const keyed = keysOf(input.result, measure.keyColumn);
  if (!keyed.ok) return { kind: 'error', reason: keyed.reason };
  const present = keyed.keys.filter((k): k is string => k !== null);
  const distinct = new Set(present).size;
  const storedMeasure = input.stored?.measure;
  const seeded = input.stored?.keysSeededAt != null && storedMeasure?.kind === 'new_rows' && storedMeasure.keyColumn === measure.keyColumn;
  return {
    kind: 'new_rows',
    keyColumn: measure.keyColumn,
    rows: input.result.rows.length,
    truncated: input.result.truncated,
    keys: distinct,
    repeated: present.length - distinct,
    nullKeys: keyed.keys.length - present.length,
    seeded,
    sendFirstRun: measure.sendFirstRun,
    maxPerTick: measure.maxPerTick,
  };
}
