// Quiet hours (issue 4/6): weekly windows in a timezone in which an alert sends nothing. Pure:
// the instant is a parameter. Windows are read in local wall time with luxon, so 20:00–08:00
// stays 20:00–08:00 on the days clocks change (the night is an hour shorter or longer), and a
// wall time skipped by a spring-forward starts the window at the first instant after the gap.
import { DateTime } from 'luxon';
import type { QuietHours, QuietWindow } from './types.js';

/** Whether an instant is quiet, and until when (the end of the window, or of back-to-back windows). */
export type QuietState = { quiet: false } | { quiet: true; until: Date };

/** Windows that touch end to end are one quiet stretch; this many at most are chained (a week of daily windows). */
const MAX_CHAIN = 16;

/** Minutes since midnight of "HH:MM" ("24:00" is the end of the day); null when malformed. */
export function minutesOf(hhmm: string): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (match === null) return null;
  const h = Number(match[1]);
  const m = Number(match[2]);
  if (m > 59 || h > 24 || (h === 24 && m !== 0)) return null;
  return h * 60 + m;
}

/** The window's stretches that contain `at`, or start within a day of it, as instants. */
function stretchesNear(window: QuietWindow, zone: string, at: DateTime): { start: DateTime; end: DateTime }[] {
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  if (from === null || to === null) return [];
  const out: { start: DateTime; end: DateTime }[] = [];
  const today = at.setZone(zone).startOf('day');
  // An overnight window that started yesterday may still run; one starting today or tomorrow may be next.
  for (const offset of [-1, 0, 1]) {
    const day = today.plus({ days: offset });
    // luxon's weekday is 1 = Monday … 7 = Sunday; ours is 0 = Sunday … 6 = Saturday.
    if (!window.days.includes(day.weekday % 7)) continue;
    const start = wallTime(day, from, zone);
    const end = to > from ? wallTime(day, to, zone) : wallTime(day.plus({ days: 1 }), to, zone);
    if (end > start) out.push({ start, end });
  }
  return out;
}

/** The instant of a wall time on a day in a zone; a time skipped by the clock change lands just after it. */
function wallTime(day: DateTime, minutes: number, zone: string): DateTime {
  return DateTime.fromObject({ year: day.year, month: day.month, day: day.day }, { zone }).plus({ minutes });
}

/** Whether `at` is inside one of the quiet windows, and until when. */
export function quietAt(quiet: QuietHours | null, at: Date): QuietState {
  if (quiet === null || quiet.windows.length === 0) return { quiet: false };
  let instant: DateTime = DateTime.fromJSDate(at, { zone: quiet.timezone });
  if (!instant.isValid) return { quiet: false };
  let until: DateTime | null = null as DateTime | null;
  // Follow back-to-back windows (Fri 20:00–24:00 then Sat 00:00–24:00 …) to where quiet ends.
  for (let step = 0; step < MAX_CHAIN; step++) {
    const containing = quiet.windows
      .flatMap((w) => stretchesNear(w, quiet.timezone, instant))
      .filter((s) => s.start <= instant && instant < s.end);
    if (containing.length === 0) break;
    const end = containing.reduce((a, b) => (b.end > a ? b.end : a), containing[0]!.end);
    until = end;
    instant = end;
  }
  return until === null ? { quiet: false } : { quiet: true, until: until.toJSDate() };
}
