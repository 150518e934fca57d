// The execution state machine of DESIGN.md ("Execution semantics"), as pure decisions.
// Each function returns what to do; services/tick-runner.ts carries it out. The current
// time is always a parameter.
import { isStale, settleStaleRun, type StaleFinish } from './stale-run.js';
import type { SeriesPlan } from './decide-result.js';
import { shouldNotifyOwners } from './throttle.js';
import type {
  Alert,
  AlertRuntime,
  DeliveryRecord,
  ExecutionState,
  SeriesState,
  Trigger,
} from './types.js';

export type StartDecision =
  | { kind: 'skip'; reason: string }
  /** Evaluate; `timeOutPrevious`: the previous execution ran past its working timeout, finish it so. */
  | { kind: 'evaluate'; timeOutPrevious: StaleFinish | null };

export interface StartInput {
  alert: Pick<Alert, 'active' | 'snoozedUntil' | 'workingTimeoutS'>;
  trigger: Trigger;
  now: Date;
  /** Another execution of this alert still WORKING, if any. */
  running: { startedAt: Date; sendStartedAt: Date | null } | null;
}

/** Steps 1 and 2: paused, snoozed, or still running? */
export function decideStart({ alert, trigger, now, running }: StartInput): StartDecision {
  // Run now is a person asking explicitly: it runs even while paused or snoozed.
  if (trigger !== 'run_now') {
    if (!alert.active) return { kind: 'skip', reason: 'paused' };
    if (alert.snoozedUntil !== null && alert.snoozedUntil.getTime() > now.getTime()) {
      return { kind: 'skip', reason: `snoozed until ${alert.snoozedUntil.toISOString()}` };
    }
  }
  if (running === null) return { kind: 'evaluate', timeOutPrevious: null };
  if (!isStale(running.startedAt, alert.workingTimeoutS, now)) {
    const ageS = Math.round((now.getTime() - running.startedAt.getTime()) / 1000);
    return { kind: 'skip', reason: `still running (previous run started ${ageS} s ago)` };
  }
  return { kind: 'evaluate', timeOutPrevious: settleStaleRun({ foundBy: 'newer_tick', run: running, workingTimeoutS: alert.workingTimeoutS }) };
}

export interface DeliveryFold {
  state: Extract<ExecutionState, 'SUCCESS' | 'ERROR' | 'UNKNOWN'>;
  reason: string | null;
}

/** Step 5: all delivered → SUCCESS; any failed → ERROR naming which; only unknowns → UNKNOWN. */
export function foldDeliveries(records: DeliveryRecord[]): DeliveryFold {
  const failed = records.filter((r) => !r.ok && !r.unknown);
  const unknown = records.filter((r) => !r.ok && r.unknown);
  const parts = [
    ...failed.map((r) => `${r.recipient}: ${r.error ?? 'failed'}`),
    ...unknown.map((r) => `${r.recipient}: outcome unknown (${r.error ?? 'no answer'}); not re-sent`),
  ];
  const reason = parts.length > 0 ? `delivery failed for ${parts.join('; ')}` : null;
  if (failed.length > 0) return { state: 'ERROR', reason };
  if (unknown.length > 0) return { state: 'UNKNOWN', reason };
  // Delivered, but something short of failure happened (a file that did not upload, an email fallback).
  const notes = records.filter((r) => r.ok && r.note !== null).map((r) => `${r.recipient}: ${r.note ?? ''}`);
  return { state: 'SUCCESS', reason: notes.length > 0 ? `delivered with notes: ${notes.join('; ')}` : null };
}

export interface RuntimeInput {
  runtime: AlertRuntime;
  gracePeriodS: number;
  state: ExecutionState;
  trigger: Trigger;
  scheduledAt: Date;
  now: Date;
  /** What was sent to the recipients, if anything. */
  sent: 'firing' | 'report' | 'resolved' | null;
  /** The condition was false (a recovery clears the firing state). */
  conditionFalse: boolean;
  /** The condition held (sent or in grace). */
  conditionTrue: boolean;
  deliveries: DeliveryRecord[];
  /** The tick's series plan; absent when the run got no result to decide on (an error). */
  series?: Pick<SeriesPlan, 'states' | 'sentKeys'>;
  /**
   * Triage's word on the incident (domain/triage.ts): 'keep' open though it resolved (the
   * resolution was held for the summary), 'close' now (the summary after a hold said resolved).
   */
  incident?: 'keep' | 'close' | null;
}

export interface RuntimeChange {
  runtime: Partial<AlertRuntime>;
  /** Step 6: tell the owners about this error now. */
  notifyOwners: boolean;
}

/** Folds a finished execution into the alert's runtime projection, and decides owner notices. */
export function foldRuntime(input: RuntimeInput): RuntimeChange {
  const { runtime, state, now } = input;
  if (state === 'SKIPPED') return { runtime: {}, notifyOwners: false };
  const change: Partial<AlertRuntime> = { lastState: state, lastEvaluatedAt: now };
  let notifyOwners = false;

  if (state === 'ERROR' || state === 'UNKNOWN') {
    notifyOwners = state === 'ERROR' && shouldNotifyOwners(runtime.lastErrorNoticeAt, now, input.gracePeriodS);
    if (notifyOwners) change.lastErrorNoticeAt = now;
  } else {
    // A run that succeeded resets the throttle: error → success → error notifies again.
    change.lastErrorNoticeAt = null;
  }

  const delivered = input.deliveries.some((d) => d.ok);
  if ((input.sent === 'firing' || input.sent === 'report') && delivered) {
    change.lastSentAt = now;
    // Run now never moves the grace window of scheduled ticks.
    if (input.trigger !== 'run_now') change.lastSentTick = input.scheduledAt;
  }
  if (input.conditionTrue && runtime.firingSince === null) change.firingSince = input.scheduledAt;
  if (input.sent === 'firing') {
    // A new incident starts new threads; while one lasts, the first message per recipient
    // stays the thread, and a recipient added meanwhile gets its own from now on.
    change.threads =
      runtime.firingSince === null ? threadsOf(input.deliveries) : { ...threadsOf(input.deliveries), ...runtime.threads };
  }
  if (input.sent === 'firing' || input.sent === 'resolved') {
    // What each first message shows now: this send's word wins over what was kept (a new incident keeps none).
    const kept = runtime.firingSince === null ? {} : runtime.drawn;
    const drawn = { ...kept, ...drawnOf(input.deliveries) };
    // A repeat that changed nothing on the first message writes nothing (most repeats).
    if (!sameEntries(drawn, runtime.drawn)) change.drawn = drawn;
  }
  const closes = input.incident === 'close' || (input.conditionFalse && input.incident !== 'keep');
  if (closes && runtime.firingSince !== null) {
    // The incident is over: its threads, acknowledgement and reminders with it.
    change.firingSince = null;
    change.threads = {};
    if (Object.keys(runtime.drawn).length > 0) change.drawn = {};
    change.ack = null;
    change.reminded = { sent: 0, lastTick: null };
  }
  if (input.series !== undefined) change.series = seriesAfter(input.series, delivered && input.sent === 'firing' && input.trigger !== 'run_now', input.scheduledAt);
  return { runtime: change, notifyOwners };
}

function threadsOf(deliveries: DeliveryRecord[]): Record<string, string> {
  const threads: Record<string, string> = {};
  for (const d of deliveries) if (d.ok && d.ref !== null) threads[d.recipient] = d.ref;
  return threads;
}

function sameEntries(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function drawnOf(deliveries: DeliveryRecord[]): Record<string, string> {
  const drawn: Record<string, string> = {};
  for (const d of deliveries) if (d.ok && d.drawn !== undefined) drawn[d.recipient] = d.drawn;
  return drawn;
}

/** The tick's series states; the series its delivered message named as firing count their grace from this tick. */
function seriesAfter(plan: Pick<SeriesPlan, 'states' | 'sentKeys'>, sent: boolean, scheduledAt: Date): Record<string, SeriesState> {
  if (!sent) return plan.states;
  const states = { ...plan.states };
  for (const key of plan.sentKeys) {
    const state = states[key];
    if (state !== undefined) states[key] = { ...state, lastSentTick: scheduledAt };
  }
  return states;
}
