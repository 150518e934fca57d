// An alert's standing in a few words, shared by Home and `/alert list`: paused, snoozed,
// firing, or how its last run went. Times in the reader's timezone.
import type { Alert, ExecutionState } from '../domain/types.js';
import { formatInZone } from './time.js';

const STATE_WORDS: Record<ExecutionState, string> = {
  WORKING: '⏳ running',
  SKIPPED: '⏭️ skipped',
  NOOP: '🟢 OK, nothing to send',
  GRACE: '🔕 in grace period',
  SUCCESS: '✅ sent',
  ERROR: '⚠️ failed',
  UNKNOWN: '❓ unknown (may have sent)',
};

export function stateWords(state: ExecutionState): string {
  return STATE_WORDS[state];
}

/** "⏸️ paused", "😴 snoozed until …", "🔴 firing since …", else the last run's state, or "not run yet". */
export function alertStatus(alert: Alert, now: Date, timezone: string): string {
  if (!alert.active) return '⏸️ paused';
  if (alert.snoozedUntil !== null && alert.snoozedUntil.getTime() > now.getTime()) {
    return `😴 snoozed until ${formatInZone(alert.snoozedUntil, timezone)}`;
  }
  if (alert.type === 'alert' && alert.firingSince !== null) return `🔴 firing since ${formatInZone(alert.firingSince, timezone)}`;
  return alert.lastState === null ? 'not run yet' : STATE_WORDS[alert.lastState];
}

/** "2026-11-25 09:00 KST", or a word for a missing time. */
export function when(date: Date | null, timezone: string, missing: string): string {
  return date === null ? missing : formatInZone(date, timezone);
}
