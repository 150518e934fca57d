// Reminders that back off (issue 4/6): while an incident is open and nobody acknowledged it, a
// reminder after `firstS`, then after an interval multiplied by `factor` each time, at most
// `capS` (1 h, 2 h, 4 h … 24 h). Measured between scheduled ticks, like the grace period, so a
// slow tick never swallows the next reminder. Pure.
import type { AlertRuntime, ReminderPolicy } from './types.js';

type Backoff = Extract<ReminderPolicy, { mode: 'backoff' }>;

/** Seconds to wait before reminder number `sent` (0: the first after the incident's message). */
export function reminderInterval(policy: Backoff, sent: number): number {
  // The exponent is capped so a long incident never overflows to Infinity or NaN.
  const grown = policy.firstS * Math.pow(Math.max(policy.factor, 1), Math.min(Math.max(sent, 0), 64));
  return Math.min(grown, policy.capS);
}

/** When the next reminder is due: the last message of the incident (or its start) plus the interval. */
export function nextReminderAt(policy: Backoff, reminded: AlertRuntime['reminded'], firingSince: Date | null): Date | null {
  const base = reminded.lastTick ?? firingSince;
  if (base === null) return null;
  return new Date(base.getTime() + reminderInterval(policy, reminded.sent) * 1000);
}

/** True when a scheduled tick at `scheduledAt` should carry a reminder. */
export function reminderDue(policy: Backoff, reminded: AlertRuntime['reminded'], firingSince: Date | null, scheduledAt: Date): boolean {
  const next = nextReminderAt(policy, reminded, firingSince);
  return next !== null && scheduledAt.getTime() >= next.getTime();
}
