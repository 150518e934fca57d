// Quiet hours as people type them (issue 4/6): "Mon-Fri 20:00-08:00, Sat-Sun 00:00-24:00". Each
// window is its days (a day, a range such as Mon-Fri or Fri-Mon, "daily", "weekdays",
// "weekends", or nothing for every day) and a time range in 24-hour time; windows are separated
// by commas, semicolons or new lines. Days are the days a window starts on: one whose end is not
// after its start runs past midnight (20:00-08:00), and 24:00 ends a day. The text the modal shows
// for stored windows parses back to the same windows.
import type { QuietWindow } from './types.js';

/** Windows an alert may have: two a day for a week. */
export const MAX_QUIET_WINDOWS = 14;
/** Characters of typed windows read at most (14 long windows fit with room). */
export const QUIET_TEXT_MAX = 500;

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const DAY_WORDS: Record<string, number> = {
  sun: 0, sunday: 0,
  mon: 1, monday: 1,
  tue: 2, tues: 2, tuesday: 2,
  wed: 3, wednesday: 3,
  thu: 4, thur: 4, thurs: 4, thursday: 4,
  fri: 5, friday: 5,
  sat: 6, saturday: 6,
};
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];
const DAY_SETS: Record<string, number[]> = {
  '': EVERY_DAY,
  daily: EVERY_DAY,
  'every day': EVERY_DAY,
  weekdays: [1, 2, 3, 4, 5],
  weekends: [0, 6],
};
const DAYS_HELP = 'a day (Mon), a range (Mon-Fri), daily, weekdays or weekends';

/** "<days> <from>-<to>": days are whatever comes before the time range. */
const WINDOW = /^(?<days>.*?)\s*(?<from>\d{1,2}(?::\d{1,2})?)\s*(?:-|to)\s*(?<to>\d{1,2}(?::\d{1,2})?)$/i;

export type QuietParse = { ok: true; windows: QuietWindow[] } | { ok: false; error: string };

/** Typed windows → windows (days ascending, times as HH:MM), or what is wrong with the first bad one. */
export function parseQuietWindows(text: string): QuietParse {
  if (text.length > QUIET_TEXT_MAX) return { ok: false, error: `must be at most ${QUIET_TEXT_MAX} characters` };
  const parts = text.split(/[,;\n]+/).map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length > MAX_QUIET_WINDOWS) return { ok: false, error: `at most ${MAX_QUIET_WINDOWS} windows (this has ${parts.length}); a range of days (Mon-Fri) counts once` };
  const windows: QuietWindow[] = [];
  for (const part of parts) {
    const parsed = parseWindow(part);
    if (typeof parsed === 'string') return { ok: false, error: `"${part}": ${parsed}` };
    windows.push(parsed);
  }
  return { ok: true, windows };
}

function parseWindow(part: string): QuietWindow | string {
  const match = WINDOW.exec(part.replace(/[–—]/g, '-'));
  const groups = match?.groups;
  if (groups?.from === undefined || groups.to === undefined) return 'write the days and a time range, e.g. Mon-Fri 20:00-08:00';
  const days = parseDays(groups.days ?? '');
  if (typeof days === 'string') return days;
  const from = parseTime(groups.from, 'from');
  if (typeof from !== 'string') return from.error;
  const to = parseTime(groups.to, 'to');
  if (typeof to !== 'string') return to.error;
  if (from === to) return 'starts and ends at the same time; for a whole day write 00:00-24:00';
  return { days, from, to };
}

function parseDays(raw: string): number[] | string {
  const text = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  const set = DAY_SETS[text];
  if (set !== undefined) return [...set];
  const range = /^([a-z]+)\s*(?:-\s*([a-z]+))?$/.exec(text);
  if (range === null) return `"${raw.trim()}" is not ${DAYS_HELP}`;
  const first = DAY_WORDS[range[1] ?? ''];
  if (first === undefined) return `"${range[1]}" is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)`;
  if (range[2] === undefined) return [first];
  const last = DAY_WORDS[range[2]];
  if (last === undefined) return `"${range[2]}" is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)`;
  // A range may wrap the week: Fri-Mon is Fri, Sat, Sun, Mon.
  const days: number[] = [];
  for (let d = first; ; d = (d + 1) % 7) {
    days.push(d);
    if (d === last) break;
  }
  return days.sort((a, b) => a - b);
}

/** "8", "8:00", "08:00" → "08:00"; 24:00 only as an end. */
function parseTime(raw: string, end: 'from' | 'to'): string | { error: string } {
  const [h = '', m = '00'] = raw.split(':');
  const hours = Number(h);
  const minutes = Number(m);
  if (m.length !== 2) return { error: `${raw} is not a time: write HH:MM, e.g. 20:00` };
  if (hours > 24 || minutes > 59 || (hours === 24 && minutes !== 0)) return { error: `${raw} is not a time of day (00:00 to 24:00)` };
  if (hours === 24 && end === 'from') return { error: 'a window cannot start at 24:00; start it at 00:00 of the next day' };
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/**
 * Windows as the modal shows them, in the same words the parser reads: "Mon-Fri 20:00-08:00,
 * Sat-Sun 00:00-24:00". A window whose days are not one run (Mon and Wed) is written once per run.
 */
export function describeQuietWindows(windows: readonly QuietWindow[]): string {
  return windows.flatMap((w) => dayRuns(w.days).map((days) => `${days} ${w.from}-${w.to}`)).join(', ');
}

/** Days as runs of the week, Monday first: [1..5] → ["Mon-Fri"], [0, 6] → ["Sat-Sun"], all → ["Daily"]. */
function dayRuns(days: readonly number[]): string[] {
  const set = new Set(days.filter((d) => Number.isInteger(d) && d >= 0 && d <= 6));
  if (set.size === 7) return ['Daily'];
  const starts = [...set].filter((d) => !set.has((d + 6) % 7)).sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7));
  return starts.map((start) => {
    let end = start;
    while (set.has((end + 1) % 7) && (end + 1) % 7 !== start) end = (end + 1) % 7;
    return end === start ? DAY_NAMES[start]! : `${DAY_NAMES[start]}-${DAY_NAMES[end]}`;
  });
}
