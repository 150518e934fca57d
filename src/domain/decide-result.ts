// Step 4 of a tick (DESIGN.md, "Execution semantics" and "Series"): what a query result means for
// an alert. The result is split into series, each series observed (observe.ts) and stepped
// through its state machine (series-state.ts); the alert sends when a series fired, changed
// level, repeats past its grace or resolved. An alert without labels, levels, pending or
// keep-firing is one series whose steps are exactly the decisions it had before series existed.
import { observe, type Observation } from './observe.js';
import { describeLabels, splitSeries, type SeriesResult } from './series.js';
import { newSeries, stepSeries, type SeriesStep } from './series-state.js';
import type { Alert, Level, SeriesEvent, SeriesOutcome, SeriesState, QueryResult, Trigger } from './types.js';

/** A series as a message names it. */
export interface SeriesItem {
  key: string;
  labels: Record<string, string>;
  event: SeriesEvent;
  level: Level | null;
  value: string | null;
  reason: string;
  /** Consecutive scheduled checks it held. */
  held: number;
  since: Date | null;
}

/** What a message about a multi-series (or levelled) alert lists. */
export interface SeriesReport {
  /** What this tick changed: fired, escalated, deescalated, repeat, resolved. */
  changes: SeriesItem[];
  /** Every series firing after this tick (the first message is updated to show them). */
  firing: SeriesItem[];
  /** Holding but not firing yet (pending). */
  pending: SeriesItem[];
  /** Series in the result this tick. */
  total: number;
}

/** What the tick stores and reports of its series. */
export interface SeriesPlan {
  /** Each series' state after this tick. */
  states: Record<string, SeriesState>;
  /** Series a message names as firing: when it is delivered, their grace counts from this tick. */
  sentKeys: string[];
  /** For history; [] for an alert shaped as before series (one series, one level, no waiting). */
  outcomes: SeriesOutcome[];
  /** For messages; null for an alert shaped as before series, whose messages read as they did. */
  report: SeriesReport | null;
}

export type ResultDecision =
  | { kind: 'error'; reason: string }
  /** Nothing to send. `recovered`: the alert was firing and no series fires any more. */
  | { kind: 'noop'; reason: string; value: string | null; recovered: boolean; series: SeriesPlan }
  | { kind: 'grace'; reason: string; value: string | null; series: SeriesPlan }
  | { kind: 'send'; message: 'firing' | 'report'; value: string | null; series: SeriesPlan };

export type AlertRules = Pick<
  Alert,
  | 'type'
  | 'condition'
  | 'measure'
  | 'labels'
  | 'warning'
  | 'pendingTicks'
  | 'keepFiringTicks'
  | 'gracePeriodS'
  | 'firingSince'
  | 'lastSentTick'
  | 'series'
  | 'schedule'
>;

export interface ResultInput {
  alert: AlertRules;
  scheduledAt: Date;
  trigger: Trigger;
  result: QueryResult;
  /** When the result was read (freshness ages count to it). */
  now: Date;
  /** Series an alert may have (alerts.maxSeries). */
  maxSeries: number;
}

/** Series an alert may have when the config does not say (alerts.maxSeries). */
export const DEFAULT_MAX_SERIES = 100;

const NO_SERIES: SeriesPlan = { states: {}, sentKeys: [], outcomes: [], report: null };

/** Whether messages and history read as before series existed: one series, one level, no waiting. */
export function isSingleSeries(alert: Pick<Alert, 'measure' | 'labels' | 'warning' | 'pendingTicks' | 'keepFiringTicks'>): boolean {
  return alert.labels.length === 0 && alert.warning === null && alert.pendingTicks <= 1 && alert.keepFiringTicks === 0 && alert.measure.kind === 'value';
}

/**
 * The series states to start from. An alert stored before series existed has none yet; while it
 * was firing, its one series continues that incident (same start, same grace).
 */
export function seriesStatesOf(alert: Pick<Alert, 'series' | 'labels' | 'firingSince' | 'lastSentTick'>): Record<string, SeriesState> {
  if (Object.keys(alert.series).length > 0 || alert.labels.length > 0 || alert.firingSince === null) return alert.series;
  return { '': { ...newSeries({}), status: 'firing', level: 'critical', held: 1, since: alert.firingSince, lastSentTick: alert.lastSentTick } };
}

export function decideOnResult({ alert, scheduledAt, trigger, result, now, maxSeries }: ResultInput): ResultDecision {
  if (alert.type === 'report' || alert.condition === null) return { kind: 'send', message: 'report', value: null, series: NO_SERIES };
  const condition = alert.condition;
  const split = splitSeries(result, alert.labels, maxSeries);
  if (!split.ok) return { kind: 'error', reason: split.reason };

  const before = seriesStatesOf(alert);
  const rules = { pendingTicks: alert.pendingTicks, keepFiringTicks: alert.keepFiringTicks, gracePeriodS: alert.gracePeriodS };
  const steps: { series: SeriesResult; observation: Observation; step: SeriesStep }[] = [];
  for (const series of split.series) {
    const prev = before[series.key] ?? newSeries(series.labels);
    const observation = observe({
      measure: alert.measure,
      condition,
      warning: alert.warning,
      result: series.result,
      baseline: prev.value,
      now,
      timezone: alert.schedule.timezone,
    });
    if (observation.kind === 'error') {
      const where = alert.labels.length > 0 ? `series ${describeLabels(series.labels)}: ` : '';
      return { kind: 'error', reason: `${where}${observation.reason}` };
    }
    steps.push({ series, observation, step: stepSeries(prev, observation, rules, scheduledAt, trigger) });
  }
  // A series that was followed and is not in this result has stopped holding (a query that
  // filters with WHERE/HAVING returns only the series that hold).
  const present = new Set(split.series.map((s) => s.key));
  for (const [key, prev] of Object.entries(before)) {
    if (present.has(key) || alert.labels.length === 0) continue;
    const observation: Observation = { kind: 'tested', level: null, shown: null, number: null, reason: 'not in the result' };
    steps.push({ series: { key, labels: prev.labels, result: { columns: [], rows: [], truncated: false } }, observation, step: stepSeries(prev, observation, rules, scheduledAt, trigger) });
  }

  const states: Record<string, SeriesState> = {};
  for (const { series, step } of steps) {
    // A series that is normal and gone is forgotten, so the states stay as many as the series.
    if (step.state.status === 'normal' && !present.has(series.key)) continue;
    states[series.key] = step.state;
  }
  const items = steps.map(({ series, observation, step }) => item(series, observation, step));
  const changes = items.filter((_, i) => steps[i]?.step.sends === true);
  const firing = items.filter((_, i) => steps[i]?.step.state.status === 'firing');
  const pending = items.filter((i) => i.event === 'pending');
  const wasFiring = Object.values(before).some((s) => s.status === 'firing');
  const single = isSingleSeries(alert);
  const plan: SeriesPlan = {
    states,
    sentKeys: changes.filter((c) => c.event !== 'resolved').map((c) => c.key),
    outcomes: single ? [] : items.map((i) => outcome(i, steps.find((s) => s.series.key === i.key)?.step.state.status ?? 'normal')),
    report: single ? null : { changes, firing, pending, total: split.series.length },
  };
  // An unlabelled alert is one series: its value and reasons are that series' own.
  const unlabelled = alert.labels.length === 0;
  const first = steps[0]?.observation;
  const value = unlabelled ? (first?.kind === 'tested' || first?.kind === 'first' ? (first.shown ?? null) : null) : summary(firing.length, split.series.length);

  if (changes.length > 0 && firing.length > 0) return { kind: 'send', message: 'firing', value, series: plan };
  if (changes.length > 0) return { kind: 'noop', reason: reasonOf(items, unlabelled, 'every series resolved'), value, recovered: wasFiring, series: plan };
  if (items.some((i) => i.event === 'grace')) {
    const graced = unlabelled ? graceReason(alert, before['']) : `${firing.length} of ${split.series.length} series firing; each within its ${alert.gracePeriodS} s grace period`;
    return { kind: 'grace', reason: graced, value, series: plan };
  }
  const lead = firing.length > 0 ? `${firing.length} series still firing` : items.length === 0 ? 'no series in the result' : 'no series fires';
  return { kind: 'noop', reason: reasonOf(items, unlabelled, lead), value, recovered: false, series: plan };
}

function item(series: SeriesResult, observation: Observation, step: SeriesStep): SeriesItem {
  const shown = observation.kind === 'tested' || observation.kind === 'first' ? observation.shown : null;
  const reason = observation.reason;
  const pendingWords = step.event === 'pending' ? `; held ${step.state.held} check${step.state.held === 1 ? '' : 's'}` : '';
  return {
    key: series.key,
    labels: series.labels,
    event: step.event,
    level: step.state.level,
    value: shown,
    reason: `${reason}${pendingWords}`,
    held: step.state.held,
    since: step.state.since,
  };
}

function outcome(i: SeriesItem, status: SeriesState['status']): SeriesOutcome {
  return { key: i.key, labels: i.labels, event: i.event, status, level: i.level, value: i.value, reason: i.reason };
}

function summary(firing: number, total: number): string {
  return `${firing} of ${total} series firing`;
}

/** Why nothing (or only a recovery) was sent: a single series says its own reason, as before. */
function reasonOf(items: SeriesItem[], unlabelled: boolean, lead: string): string {
  if (unlabelled) return items[0]?.reason ?? 'no rows';
  const counts = new Map<SeriesEvent, number>();
  for (const i of items) counts.set(i.event, (counts.get(i.event) ?? 0) + 1);
  const parts = [...counts.entries()].map(([event, n]) => `${n} ${event}`);
  return parts.length > 0 ? `${lead} (${parts.join(', ')})` : lead;
}

function graceReason(alert: Pick<Alert, 'gracePeriodS'>, series: SeriesState | undefined): string {
  return `condition holds; within the ${alert.gracePeriodS} s grace period of the tick sent at ${series?.lastSentTick?.toISOString()}`;
}
