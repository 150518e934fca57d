// Time rules of DESIGN.md step 4 and 6: the grace period and the owner error-notice throttle.

/** Owners hear about a failing alert at most this often, whatever its grace period. */
export const MIN_ERROR_NOTICE_INTERVAL_S = 3600;

/**
 * True when a tick scheduled at `scheduledAt` falls inside the grace period of the last
 * successfully sent tick. Measured between scheduled times, never from when a delivery
 * finished, so a slow delivery cannot swallow the next tick (Superset issue #13430).
 */
export function inGracePeriod(lastSentTick: Date | null, scheduledAt: Date, gracePeriodS: number): boolean {
  if (lastSentTick === null || gracePeriodS <= 0) return false;
  const since = scheduledAt.getTime() - lastSentTick.getTime();
  return since >= 0 && since < gracePeriodS * 1000;
}

/**
 * True when owners should be told of an error now: never told since the last run that
 * succeeded (the caller clears `lastErrorNoticeAt` on success), or told longer ago than
 * the throttle window (the grace period, at least one hour).
 */
export function shouldNotifyOwners(lastErrorNoticeAt: Date | null, now: Date, gracePeriodS: number): boolean {
  if (lastErrorNoticeAt === null) return true;
  const windowMs = Math.max(gracePeriodS, MIN_ERROR_NOTICE_INTERVAL_S) * 1000;
  return now.getTime() - lastErrorNoticeAt.getTime() >= windowMs;
}
