// Triage (issue 4/6, DESIGN.md "Triage"): what a tick sends once the result has been decided
// (decide-result.ts), given acknowledgement, reminders, quiet hours and an admins' mute. Pure:
// the tick's time and the mute are inputs. The rules, in order:
//
//   run now                                  → as decided (a person asked; never held, no reminder)
//   held (mute, or quiet hours), would send  → nothing; remember heldSince; a held resolution keeps
//                                              the incident open for the summary
//   first scheduled tick after a hold        → as decided if it sends anyway; else one summary:
//                                              still firing (unless acknowledged), or resolved
//   escalation                               → as decided, and the acknowledgement is cleared
//   resolution                               → as decided; acknowledgement and reminders cleared
//   firing, backoff, not acknowledged, due   → a reminder in the thread
//   firing and acknowledged                  → nothing (grace repeats stop too)
//
// Repeats by grace period still come from the series' own state machine; with an
// acknowledgement or a backoff policy, triageGrace() turns them off so triage alone decides.
import type { ResultDecision } from './decide-result.js';
import { quietAt } from './quiet-hours.js';
import { nextReminderAt, reminderDue } from './reminders.js';
import type { Alert, AlertRuntime, Mute, Trigger } from './types.js';

/** Why a message that is not a plain result says more: a reminder, or the summary after a hold. */
export type MessagePrompt = 'reminder' | 'after_hold';

/** A grace period no tick reaches: repeats by grace are off (ten years, in seconds). */
export const NO_REPEATS_S = 10 * 365 * 24 * 3600;

type TriageAlert = Pick<Alert, 'type' | 'reminders' | 'quietHours' | 'notifyOnRecovery' | 'firingSince' | 'gracePeriodS' | 'ack' | 'reminded' | 'heldSince'>;

export interface TriageInput {
  alert: TriageAlert;
  decision: Exclude<ResultDecision, { kind: 'error' }>;
  trigger: Trigger;
  scheduledAt: Date;
  mute: Mute | null;
}

export type TriageAction =
  /** Send (or not) what the result decision says; `prompt` adds a line to what is sent. */
  | { kind: 'as_decided'; prompt: MessagePrompt | null }
  /** Something would have gone out; a mute or quiet hours hold it. */
  | { kind: 'hold'; reason: string }
  /** Send this though the result decision did not: a reminder, or the summary after a hold. */
  | { kind: 'send'; message: 'firing' | 'resolved'; prompt: MessagePrompt }
  /** Nothing to send; the reason history shows instead of the decision's. */
  | { kind: 'quiet'; reason: string };

export interface Triage {
  action: TriageAction;
  /** Runtime to store whatever the delivery did. */
  runtime: Partial<Pick<AlertRuntime, 'ack' | 'reminded' | 'heldSince'>>;
  /** Runtime to store only when a message reached someone. */
  onSent: Partial<Pick<AlertRuntime, 'reminded'>>;
  /** 'keep': the incident stays open though no series fires (its resolution was held); 'close': it ends now. */
  incident: 'keep' | 'close' | null;
}

/** The grace period the result decision uses: none while acknowledged or reminding with backoff. */
export function triageGrace(alert: Pick<Alert, 'gracePeriodS' | 'reminders' | 'ack'>): number {
  return alert.ack !== null || alert.reminders.mode === 'backoff' ? NO_REPEATS_S : alert.gracePeriodS;
}

/** What holds messages at this tick: the admins' mute, else the alert's quiet hours; null when nothing does. */
export function holdAt(alert: Pick<Alert, 'quietHours'>, mute: Mute | null, at: Date): { reason: string; until: Date } | null {
  if (mute !== null && mute.until.getTime() > at.getTime()) return { reason: `everything muted until ${mute.until.toISOString()}`, until: mute.until };
  const quiet = quietAt(alert.quietHours, at);
  return quiet.quiet ? { reason: `quiet hours until ${quiet.until.toISOString()}`, until: quiet.until } : null;
}

const NO_REMINDERS = { sent: 0, lastTick: null };

export function decideTriage({ alert, decision, trigger, scheduledAt, mute }: TriageInput): Triage {
  const none: Triage = { action: { kind: 'as_decided', prompt: null }, runtime: {}, onSent: {}, incident: null };
  if (trigger === 'run_now') return none;

  const would = wouldSend(decision, alert.notifyOnRecovery);
  const firingNow = Object.values(decision.series.states).some((s) => s.status === 'firing');
  const recovered = decision.kind === 'noop' && decision.recovered;
  const policy = alert.reminders;
  const reminder =
    would === null && firingNow && alert.ack === null && policy.mode === 'backoff' && reminderDue(policy, alert.reminded, alert.firingSince, scheduledAt);

  const hold = holdAt(alert, mute, scheduledAt);
  if (hold !== null) {
    if (would === null && !reminder) return none;
    const what = would ?? 'reminder';
    return {
      action: { kind: 'hold', reason: `${hold.reason}; held: ${what}` },
      runtime: { heldSince: alert.heldSince ?? scheduledAt },
      onSent: {},
      // The people told of the incident hear of its end in the summary after the hold.
      incident: recovered && alert.firingSince !== null ? 'keep' : null,
    };
  }

  if (alert.heldSince !== null) {
    const cleared = { heldSince: null };
    if (would === 'firing') return { ...firingSend(decision, scheduledAt, 'after_hold'), runtime: { ...cleared, ...escalation(decision) } };
    if (would === 'resolved') return { action: { kind: 'as_decided', prompt: 'after_hold' }, runtime: { ...cleared, ack: null, reminded: NO_REMINDERS }, onSent: {}, incident: null };
    if (firingNow && alert.ack === null) {
      return { action: { kind: 'send', message: 'firing', prompt: 'after_hold' }, runtime: cleared, onSent: { reminded: { sent: 0, lastTick: scheduledAt } }, incident: null };
    }
    if (!firingNow && alert.firingSince !== null) {
      // Resolved while held: close the incident, saying so if the alert says recoveries.
      const action: TriageAction = alert.notifyOnRecovery ? { kind: 'send', message: 'resolved', prompt: 'after_hold' } : { kind: 'as_decided', prompt: null };
      return { action, runtime: { ...cleared, ack: null, reminded: NO_REMINDERS }, onSent: {}, incident: 'close' };
    }
    return { ...none, runtime: cleared };
  }

  if (would === 'firing') return { ...firingSend(decision, scheduledAt, null), runtime: escalation(decision) };
  if (recovered) return { ...none, runtime: { ack: null, reminded: NO_REMINDERS } };
  if (reminder) {
    return {
      action: { kind: 'send', message: 'firing', prompt: 'reminder' },
      runtime: {},
      onSent: { reminded: { sent: alert.reminded.sent + 1, lastTick: scheduledAt } },
      incident: null,
    };
  }
  if (firingNow && alert.ack !== null) {
    return { ...none, action: { kind: 'quiet', reason: `acknowledged by ${alert.ack.by} at ${alert.ack.at.toISOString()}; no reminders until it resolves or escalates` } };
  }
  if (firingNow && policy.mode === 'backoff') {
    const next = nextReminderAt(policy, alert.reminded, alert.firingSince);
    return { ...none, action: { kind: 'quiet', reason: `condition holds; next reminder at ${next?.toISOString() ?? 'the next check'}` } };
  }
  return none;
}

/** What the result decision sends on its own: a firing (or report) message, a recovery, or nothing. */
function wouldSend(decision: TriageInput['decision'], notifyOnRecovery: boolean): 'firing' | 'report' | 'resolved' | null {
  if (decision.kind === 'send') return decision.message;
  if (decision.kind === 'noop' && decision.recovered && notifyOnRecovery) return 'resolved';
  return null;
}

/** A firing message goes as decided and restarts the reminder count from this tick. */
function firingSend(decision: TriageInput['decision'], scheduledAt: Date, prompt: MessagePrompt | null): Omit<Triage, 'runtime'> {
  const restart = decision.kind === 'send' && decision.message === 'firing' ? { reminded: { sent: 0, lastTick: scheduledAt } } : {};
  return { action: { kind: 'as_decided', prompt }, onSent: restart, incident: null };
}

/** A level up ends the acknowledgement: people must look again. */
function escalation(decision: TriageInput['decision']): Triage['runtime'] {
  const escalated = decision.kind === 'send' && (decision.series.report?.changes.some((c) => c.event === 'escalated') ?? false);
  return escalated ? { ack: null } : {};
}
