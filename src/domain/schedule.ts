// Cron + IANA timezone: validation, the next run instants, and the schedule in words.
// Pure: the current time is always a parameter (DESIGN.md, "Architecture").
//
// Why not cron-parser's own timezone walk: checked against a minute-by-minute oracle around
// every 2026 clock change in 17 zones, cron-parser 5.10 is right in America/New_York,
// Asia/Seoul, Europe/* and the other zones whose clocks move one hour, away from midnight, but
// wrong elsewhere: it throws "loop limit exceeded" around Australia/Lord_Howe's 30-minute change,
// stops `*/15 * * * *` for a day after Pacific/Chatham's 03:45 fall-back, drops a day of
// `0 */2 * * *` and the skipped 23:59 in America/Nuuk (change at 23:00 local), runs `0 2 * * *`
// twice on Antarctica/Troll's 2-hour fall-back, and takes the later of America/Havana's two
// midnights. So cron-parser only matches fields here, on a clock with no DST (UTC fields standing
// in for local wall time), and luxon maps wall times to instants, one stretch of constant UTC
// offset at a time, with one rule in every zone:
//   - a wall time that exists once runs then;
//   - a wall time skipped by a spring-forward runs as far after the change as it was into the
//     gap (02:30 in New York on 2026-03-08 -> 03:30 EDT, 07:30Z), once;
//   - a wall time that happens twice (fall-back) runs at its first occurrence only, except when
//     the cron names all 24 hours (`*/15 * * * *`, `0 * * * *`): those follow real time and run in
//     both. So `30 2 * * *` runs once on 2026-11-01 in New York (02:30 EST, 07:30Z).
// cron-parser's prev() is not used for missed runs: it skips shifted runs (DESIGN.md).
import { CronExpressionParser, type CronExpression, type CronFieldCollection } from 'cron-parser';
import { IANAZone } from 'luxon';
import { ValidationError } from '../errors.js';
import type { Schedule } from './types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Wider than the largest clock change in tzdata (Antarctica/Troll, 2 h). */
const SHIFT_WINDOW = 3 * HOUR;
/** Any fixed instant: validation must not read the clock, and a cron that fires at all fires within 28 years of it. */
const REFERENCE = new Date(Date.UTC(2000, 0, 1));

const FIELD_NAMES = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
const FORMAT_HINT = 'Use 5 fields: minute hour day-of-month month day-of-week, e.g. 0 9 * * 1-5.';
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;

// ---------------------------------------------------------------------------------------------
// Validation

/** Field errors keyed `schedule.cron` / `schedule.timezone`; empty when the schedule is fine. */
export function validateSchedule(schedule: Schedule): Record<string, string> {
  const errors: Record<string, string> = {};
  const cronError = checkCron(schedule.cron);
  if (cronError !== null) errors['schedule.cron'] = cronError;
  const zoneError = checkTimezone(schedule.timezone);
  if (zoneError !== null) errors['schedule.timezone'] = zoneError;
  return errors;
}

function checkTimezone(timezone: string): string | null {
  if (timezone.trim() === '') return 'Choose a timezone, e.g. Asia/Seoul, America/New_York or UTC.';
  // cron-parser accepts any string here and only fails later, inside next() (DESIGN.md, "Tested facts").
  if (!IANAZone.isValidZone(timezone)) {
    return `"${timezone}" is not a known IANA timezone; use a name such as Asia/Seoul, America/New_York or UTC.`;
  }
  return null;
}

function checkCron(cron: string): string | null {
  const expr = cron.trim();
  if (expr === '') return `Enter a cron schedule. ${FORMAT_HINT}`;
  const fields = expr.split(/\s+/);
  if (expr.startsWith('@')) return `"${expr}" shortcuts are not supported. ${FORMAT_HINT}`;
  if (fields.length === 6) {
    return `"${expr}" has 6 fields, the first one for seconds, but schedules run at most once a minute. ${FORMAT_HINT}`;
  }
  if (fields.length !== 5) return `"${expr}" has ${fields.length} fields, not 5. ${FORMAT_HINT}`;
  // cron-parser reads Jenkins-style `H` as a random value, drawn anew at every parse.
  if (fields.some((field) => field.split(',').some((part) => /^H(?:$|[/(])/.test(part)))) {
    return `"${expr}" uses H (a random value), which Lookout does not support. ${FORMAT_HINT}`;
  }
  try {
    CronExpressionParser.parse(expr, { tz: 'UTC', currentDate: REFERENCE });
  } catch (err) {
    const reason = reasonOf(err);
    if (/explicit day of month/i.test(reason)) return neverRuns(expr);
    return `"${expr}" is not a valid cron expression: ${blameField(fields) ?? cleanReason(reason)}. ${FORMAT_HINT}`;
  }
  try {
    CronExpressionParser.parse(expr, { tz: 'UTC', currentDate: REFERENCE }).next();
  } catch {
    return neverRuns(expr);
  }
  return null;
}

function neverRuns(expr: string): string {
  return `"${expr}" never runs: no date matches its day-of-month, month and day-of-week (e.g. 31 February). Pick a day that exists.`;
}

/** Names the first field that is wrong on its own, with cron-parser's reason made readable. */
function blameField(fields: string[]): string | null {
  for (const [i, name] of FIELD_NAMES.entries()) {
    const alone = FIELD_NAMES.map((_, j) => (j === i ? fields[i] : '*')).join(' ');
    try {
      CronExpressionParser.parse(alone, { tz: 'UTC', currentDate: REFERENCE });
    } catch (err) {
      return `the ${name} field "${fields[i] ?? ''}" ${cleanReason(reasonOf(err))}`;
    }
  }
  return null;
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** cron-parser's messages, shortened into words a person reads. */
function cleanReason(message: string): string {
  const m = message.trim().replace(/\.$/, '');
  let g: RegExpMatchArray | null;
  if ((g = m.match(/got value (.+?) expected range (\d+)-(\d+)/))) return `has ${g[1]}; it must be within ${g[2]}-${g[3]}`;
  if ((g = m.match(/got range (.+?) expected range (\d+)-(\d+)/))) return `has the range ${g[1]}, outside ${g[2]}-${g[3]}`;
  if (/cannot repeat at every 0 time/.test(m)) return 'has a step of 0 (use */1 or * for every one)';
  if ((g = m.match(/Invalid range: (.+?), min\(\d+\) > max\(\d+\)/))) return `has the range ${g[1]}, which runs backwards`;
  if (/Invalid characters/.test(m)) return 'has characters a cron does not use';
  if ((g = m.match(/duplicate values found: (.+)/))) return `repeats the value ${g[1]}`;
  return `is not valid (${m})`;
}

// ---------------------------------------------------------------------------------------------
// Next runs

interface Compiled {
  /** Matching wall times, on a clock with no DST (UTC fields standing in for local ones). */
  walls: CronExpression;
  zone: IANAZone;
  /** All 24 hours are named: runs follow real time through a fall-back (see the top comment). */
  everyHour: boolean;
}

/**
 * Parsed schedules by cron and timezone: validating costs more than a walk (luxon builds an Intl
 * formatter). Each holds a cron-parser iterator that nextRuns() resets before use; safe because
 * nextRuns() is synchronous.
 */
const compiled = new Map<string, Compiled>();
const COMPILED_MAX = 5_000;

function compile(schedule: Schedule): Compiled {
  const key = `${schedule.cron}\u0000${schedule.timezone}`;
  const hit = compiled.get(key);
  if (hit !== undefined) return hit;
  const errors = validateSchedule(schedule);
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const walls = CronExpressionParser.parse(schedule.cron.trim(), { tz: 'UTC', currentDate: REFERENCE });
  const c: Compiled = { walls, zone: IANAZone.create(schedule.timezone), everyHour: walls.fields.hour.values.length === 24 };
  if (compiled.size >= COMPILED_MAX) compiled.clear();
  compiled.set(key, c);
  return c;
}

function parseFields(cron: string): CronFieldCollection {
  return CronExpressionParser.parse(cron, { tz: 'UTC', currentDate: REFERENCE }).fields;
}

/** The next `count` run instants strictly after `after`, in order. Throws ValidationError on a bad schedule. */
export function nextRuns(schedule: Schedule, after: Date, count: number): Date[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number ≥ 0, got ${count}`);
  if (Number.isNaN(after.getTime())) throw new RangeError('after is not a valid date');
  if (count === 0) return [];
  const { walls, zone, everyHour } = compile(schedule);
  const offsetAt = (instant: number): number => zone.offset(instant) * MINUTE;
  /** The first matching wall time at or after (`inclusive`) or strictly after `wall`. */
  const nextWall = (wall: number, inclusive: boolean): number => {
    walls.reset(new Date(inclusive ? wall - 1 : wall));
    return walls.next().getTime();
  };

  const from = after.getTime();
  const found: number[] = [];
  const done = (atLeast: number): boolean => {
    const kth = found[count - 1];
    return kth !== undefined && kth <= atLeast;
  };
  /** Wall times skipped by a spring-forward at `change` run at wall - offset-before (02:30 -> 03:30). */
  const addGap = (change: number, before: number, afterOffset: number): void => {
    for (let w = nextWall(change + before, true); w < change + afterOffset; w = nextWall(w, false)) {
      if (w - before > from) insertSorted(found, w - before);
    }
  };

  // Sweep real time in stretches of one UTC offset; the wall -> instant map is exact inside each.
  let offset = offsetAt(from);
  /** In the stretch after a fall-back, wall times below this are second occurrences. */
  let repeatedBelow = -Infinity;
  // A change just before `from` can still put runs after it: its skipped wall times, or its repeated hour.
  const recent = firstChange(zone, from - SHIFT_WINDOW, from);
  if (recent !== null) {
    const before = offsetAt(recent - 1);
    if (offset > before) addGap(recent, before, offset);
    else if (!everyHour) repeatedBelow = recent + before;
  }
  let cursor = from;
  let inclusive = false;
  for (;;) {
    const wall = nextWall(cursor + offset, inclusive);
    const instant = wall - offset;
    const change = firstChange(zone, cursor, instant);
    if (change === null) {
      if (wall >= repeatedBelow) insertSorted(found, instant);
      if (done(instant)) break;
      cursor = instant;
      inclusive = false;
      continue;
    }
    // The clock changes before that wall time comes round: continue from the change with the new offset.
    const next = offsetAt(change);
    repeatedBelow = -Infinity;
    if (next > offset) addGap(change, offset, next);
    else if (!everyHour) repeatedBelow = change + offset;
    offset = next;
    if (done(change)) break;
    cursor = change;
    inclusive = true;
  }
  return found.slice(0, count).map((ms) => new Date(ms));
}

/** The first run strictly after `after`. */
export function nextRunAfter(schedule: Schedule, after: Date): Date {
  const [first] = nextRuns(schedule, after, 1);
  if (first === undefined) throw new Error('unreachable: a valid schedule always has a next run');
  return first;
}

/**
 * The first instant in (from, to] at which the zone's offset differs from its offset at `from`,
 * or null. Probes a day at a time (tzdata never changes a zone's clock twice within a day), then
 * bisects to the millisecond.
 */
function firstChange(zone: IANAZone, from: number, to: number): number | null {
  const base = zone.offset(from);
  for (let lo = from; lo < to; ) {
    let hi = Math.min(lo + DAY, to);
    if (zone.offset(hi) === base) {
      lo = hi;
      continue;
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (zone.offset(mid) === base) lo = mid;
      else hi = mid;
    }
    return hi;
  }
  return null;
}

function insertSorted(list: number[], value: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] ?? -Infinity) > value) i--;
  if (list[i - 1] !== value) list.splice(i, 0, value);
}

// ---------------------------------------------------------------------------------------------
// In words

/** The schedule for people, e.g. "every day at 09:00 (Asia/Seoul)"; the cron itself when unusual. */
export function describeSchedule(schedule: Schedule): string {
  const cron = schedule.cron.trim();
  let words: string | null = null;
  if (checkCron(cron) === null) words = describeFields(parseFields(cron));
  return `${words ?? `cron "${cron}"`} (${schedule.timezone})`;
}

function describeFields(f: CronFieldCollection): string | null {
  const minutes = numbers(f.minute.values);
  const hours = numbers(f.hour.values);
  const days = describeDays(f);
  if (minutes === null || hours === null || days === null) return null;

  const allHours = hours.length === 24;
  const minuteStep = stepOf(minutes, 60);
  const hourStep = stepOf(hours, 24);
  const [m] = minutes;
  const oneMinute = minutes.length === 1 && m !== undefined ? m : null;
  let interval: string | null = null;
  if (allHours && minuteStep !== null) interval = minuteStep === 1 ? 'every minute' : `every ${minuteStep} minutes`;
  else if (allHours && oneMinute !== null) interval = `every hour at :${pad(oneMinute)}`;
  else if (hourStep !== null && hourStep > 1 && oneMinute !== null) interval = `every ${hourStep} hours at :${pad(oneMinute)}`;
  else if (minuteStep !== null && (hours.length === 1 || isRun(hours))) {
    const each = minuteStep === 1 ? 'every minute' : `every ${minuteStep} minutes`;
    interval = `${each} from ${clock(hours[0] ?? 0, 0)} to ${clock(hours[hours.length - 1] ?? 0, 59)}`;
  }
  if (interval !== null) return days.kind === 'every day' ? interval : `${interval} ${days.phrase}`;

  // A few fixed times of day.
  if (minutes.length * hours.length > 4) return null;
  const times = list(hours.flatMap((h) => minutes.map((min) => clock(h, min))));
  switch (days.kind) {
    case 'every day':
      return `every day at ${times}`;
    case 'one weekday':
      return `every ${days.phrase.replace(/^on /, '')} at ${times}`;
    default:
      return `at ${times} ${days.phrase}`;
  }
}

type Days = { kind: 'every day' | 'one weekday' | 'other'; phrase: string };

function describeDays(f: CronFieldCollection): Days | null {
  const domAll = f.dayOfMonth.isWildcard;
  const dowAll = f.dayOfWeek.isWildcard;
  const monthAll = f.month.values.length === 12;
  if (f.dayOfWeek.nthDay > 0 || f.dayOfWeek.hasLastChar) return null;
  if (!domAll && !dowAll) return null; // cron's "either" rule reads badly in words
  if (!dowAll) {
    if (!monthAll) return null;
    const weekdays = numbers(f.dayOfWeek.values)?.map((d) => d % 7);
    if (weekdays === undefined) return null;
    // Monday first, so 6,0 reads "Saturday and Sunday" and 5-7 "Friday through Sunday".
    const unique = [...new Set(weekdays)].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7));
    if (unique.length === 7) return { kind: 'every day', phrase: '' };
    const names = unique.map((d) => WEEKDAYS[d] ?? String(d));
    if (unique.length === 1) return { kind: 'one weekday', phrase: `on ${names[0] ?? ''}` };
    if (unique.length >= 3 && isRun(unique.map((d) => (d + 6) % 7))) return { kind: 'other', phrase: `on ${names[0] ?? ''} through ${names[names.length - 1] ?? ''}` };
    return { kind: 'other', phrase: `on ${list(names)}` };
  }
  const months = numbers(f.month.values);
  const monthPhrase = monthAll ? 'every month' : months !== null ? list(months.map((mo) => MONTHS[mo - 1] ?? String(mo))) : null;
  if (monthPhrase === null) return null;
  if (domAll) return monthAll ? { kind: 'every day', phrase: '' } : { kind: 'other', phrase: `every day in ${monthPhrase}` };
  const dom = f.dayOfMonth.values;
  if (dom.length === 1 && dom[0] === 'L') return { kind: 'other', phrase: `on the last day of ${monthPhrase}` };
  const nums = numbers(dom);
  if (nums === null || nums.length > 3) return null;
  return { kind: 'other', phrase: `on day ${list(nums.map(String))} of ${monthPhrase}` };
}

/** The step N when `values` is exactly 0, N, 2N, … and N divides `size` (so it repeats evenly). */
function stepOf(values: number[], size: number): number | null {
  if (values.length < 2) return null;
  const step = (values[1] ?? 0) - (values[0] ?? 0);
  if (values[0] !== 0 || step <= 0 || size % step !== 0 || values.length !== size / step) return null;
  return values.every((v, i) => v === i * step) ? step : null;
}

function isRun(values: number[]): boolean {
  return values.length > 1 && values.every((v, i) => i === 0 || v === (values[i - 1] ?? NaN) + 1);
}

function numbers(values: readonly (number | string)[]): number[] | null {
  return values.every((v): v is number => typeof v === 'number') ? [...values] : null;
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function clock(hour: number, minute: number): string {
  return `${pad(hour)}:${pad(minute)}`;
}

// ---------------------------------------------------------------------------------------------
// Presets offered by the Slack modal

export type SchedulePreset =
  | { kind: 'every_minutes'; minutes: number }
  | { kind: 'hourly'; minute: number }
  | { kind: 'daily'; hour: number; minute: number }
  | { kind: 'weekly'; weekday: number; hour: number; minute: number };

/** Minute steps that divide the hour evenly, so `*\/N` really runs every N minutes. */
export const PRESET_MINUTE_STEPS: readonly number[] = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];

/** The cron for a preset; throws ValidationError (key `schedule.preset`) when a number is out of range. */
export function presetCron(preset: SchedulePreset): string {
  const fail = (message: string): never => {
    throw new ValidationError({ 'schedule.preset': message });
  };
  const inRange = (name: string, value: number, min: number, max: number): number =>
    Number.isInteger(value) && value >= min && value <= max ? value : fail(`${name} must be a whole number from ${min} to ${max}, got ${value}.`);
  switch (preset.kind) {
    case 'every_minutes':
      if (!PRESET_MINUTE_STEPS.includes(preset.minutes)) {
        fail(`Every ${preset.minutes} minutes is not offered; choose one of ${PRESET_MINUTE_STEPS.join(', ')}.`);
      }
      return preset.minutes === 1 ? '* * * * *' : `*/${preset.minutes} * * * *`;
    case 'hourly':
      return `${inRange('minute', preset.minute, 0, 59)} * * * *`;
    case 'daily':
      return `${inRange('minute', preset.minute, 0, 59)} ${inRange('hour', preset.hour, 0, 23)} * * *`;
    case 'weekly':
      return `${inRange('minute', preset.minute, 0, 59)} ${inRange('hour', preset.hour, 0, 23)} * * ${inRange('weekday', preset.weekday, 0, 6)}`;
  }
}
