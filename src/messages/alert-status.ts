// An alert's standing in a few words, shared by Home and `/alert list`: paused, snoozed,
// firing (with its firing series and their levels), or how its last run went. Times in the
// alert's own schedule timezone, the one its schedule is described in, labelled.
import { describeLabels } from '../domain/series.js';
import type { Alert, ExecutionState, SeriesState } from '../domain/types.js';
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

/** Said under lists of alerts (Home, `/alert list`): whose clock their times are on. */
export const TIMES_NOTE = "Each alert's times are in its own schedule timezone.";

/** Firing series named in a status before "+N more". */
const SERIES_NAMED = 3;

export function stateWords(state: ExecutionState): string {
  return STATE_WORDS[state];
}

/**
 * "⏸️ paused", "😴 snoozed until …", "🔴 firing since …" (with series: "— 2 of 5 series
 * (region=eu critical, region=us warning)"; 🟠 when only warnings fire), else the last run's
 * state, or "not run yet". Times in the alert's schedule timezone.
 */
export function alertStatus(alert: Alert, now: Date): string {
  const zone = alert.schedule.timezone;
  if (!alert.active) return '⏸️ paused';
  if (alert.snoozedUntil !== null && alert.snoozedUntil.getTime() > now.getTime()) {
    return `😴 snoozed until ${formatInZone(alert.snoozedUntil, zone)}`;
  }
  const firing = alert.type === 'alert' ? Object.values(alert.series).filter((s) => s.status === 'firing') : [];
  const since = alert.type === 'alert' ? (alert.firingSince ?? earliest(firing)) : null;
  if (since !== null) return `${firing.length > 0 && firing.every((s) => s.level === 'warning') ? '🟠' : '🔴'} firing since ${formatInZone(since, zone)}${seriesWords(alert, firing)}`;
  return alert.lastState === null ? 'not run yet' : STATE_WORDS[alert.lastState];
}

/** '' for an alert without labels or levels (it reads as it always did); " (warning)"; " — 2 of 5 series (…)". */
function seriesWords(alert: Alert, firing: SeriesState[]): string {
  const levelled = alert.warning !== null;
  if (alert.labels.length === 0) {
    const level = firing[0]?.level;
    return levelled && level != null ? ` (${level})` : '';
  }
  if (firing.length === 0) return '';
  const named = firing.slice(0, SERIES_NAMED).map((s) => `${describeLabels(s.labels)}${levelled && s.level !== null ? ` ${s.level}` : ''}`);
  const more = firing.length > SERIES_NAMED ? `, +${firing.length - SERIES_NAMED} more` : '';
  const total = Math.max(Object.keys(alert.series).length, firing.length);
  return ` — ${firing.length} of ${total} series (${named.join(', ')}${more})`;
}

function earliest(series: SeriesState[]): Date | null {
  const times = series.flatMap((s) => (s.since !== null ? [s.since.getTime()] : []));
  return times.length > 0 ? new Date(Math.min(...times)) : null;
}

/** "2026-11-25 09:00 KST", or a word for a missing time. */
export function when(date: Date | null, timezone: string, missing: string): string {
  return date === null ? missing : formatInZone(date, timezone);
}
