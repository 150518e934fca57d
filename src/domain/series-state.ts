// One series' state machine (DESIGN.md, "Series"): normal → pending → firing at a level, level
// changes, keep-firing, resolve. Pure: the tick's time and trigger are inputs. One row per rule:
//
//   holds at L, firing at L, grace over        → repeat            (sent)
//   holds at L, firing at L, in grace          → grace             (not sent)
//   holds at L, firing at the other level      → escalated / deescalated (sent)
//   holds at L, not firing, held ≥ pending     → fired at L        (sent)
//   holds at L, not firing, held < pending     → pending           (not sent)
//   does not hold, firing, quiet > keep-firing → resolved          (sent when notifyOnRecovery)
//   does not hold, firing, quiet ≤ keep-firing → keeping           (not sent, still firing)
//   does not hold, not firing                  → normal
//   no data (no rows, NULL)                    → no_data, nothing changes
//
// Run now answers the person who pressed it without moving the scheduled counters: a series that
// holds is reported even in grace, it fires only when no pending period applies, it resolves only
// when no keep-firing applies, and the change baseline is not replaced.
import type { Observation } from './observe.js';
import { inGracePeriod } from './throttle.js';
import type { Level, SeriesEvent, SeriesState, Trigger } from './types.js';

export interface SeriesRules {
  pendingTicks: number;
  keepFiringTicks: number;
  gracePeriodS: number;
}

export interface SeriesStep {
  state: SeriesState;
  event: SeriesEvent;
  /** The event is one a message names (fired, escalated, deescalated, repeat, resolved). */
  sends: boolean;
}

/** A series never seen before. */
export function newSeries(labels: Record<string, string>): SeriesState {
  return { labels, status: 'normal', level: null, held: 0, quiet: 0, since: null, lastSentTick: null, value: null };
}

export function stepSeries(prev: SeriesState, observation: Observation, rules: SeriesRules, scheduledAt: Date, trigger: Trigger): SeriesStep {
  const scheduled = trigger !== 'run_now';
  if (observation.kind === 'error' || observation.kind === 'no_data') return { state: prev, event: 'no_data', sends: false };
  // The baseline for change moves with scheduled evaluations only.
  const value = scheduled && observation.number !== null ? observation.number : prev.value;
  if (observation.kind === 'first') return { state: { ...prev, value }, event: 'recorded', sends: false };
  const level = observation.level;
  return level === null ? stopped(prev, rules, scheduled, value) : holds(prev, level, rules, scheduledAt, scheduled, value);
}

function holds(prev: SeriesState, level: Level, rules: SeriesRules, scheduledAt: Date, scheduled: boolean, value: number | null): SeriesStep {
  const held = scheduled ? prev.held + 1 : prev.held;
  const base = { ...prev, held, quiet: 0, value };
  if (prev.status === 'firing') {
    if (prev.level !== level) {
      return { state: { ...base, level }, event: rank(level) > rank(prev.level) ? 'escalated' : 'deescalated', sends: true };
    }
    if (scheduled && inGracePeriod(prev.lastSentTick, scheduledAt, rules.gracePeriodS)) return { state: base, event: 'grace', sends: false };
    return { state: base, event: 'repeat', sends: true };
  }
  const enough = scheduled ? held >= rules.pendingTicks : rules.pendingTicks <= 1;
  if (enough) return { state: { ...base, status: 'firing', level, since: scheduledAt }, event: 'fired', sends: true };
  return { state: { ...base, status: 'pending', level }, event: 'pending', sends: false };
}

function stopped(prev: SeriesState, rules: SeriesRules, scheduled: boolean, value: number | null): SeriesStep {
  if (prev.status !== 'firing') return { state: { ...prev, status: 'normal', level: null, held: 0, quiet: 0, value }, event: 'normal', sends: false };
  const quiet = scheduled ? prev.quiet + 1 : prev.quiet;
  const over = scheduled ? quiet > rules.keepFiringTicks : rules.keepFiringTicks === 0;
  if (!over) return { state: { ...prev, held: 0, quiet, value }, event: 'keeping', sends: false };
  return { state: { ...prev, status: 'normal', level: null, held: 0, quiet: 0, since: null, value }, event: 'resolved', sends: true };
}

function rank(level: Level | null): number {
  return level === 'critical' ? 2 : level === 'warning' ? 1 : 0;
}
