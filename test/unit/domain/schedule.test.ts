import { describe, it, expect } from '@jest/globals';
import { CronExpressionParser } from 'cron-parser';
import { IANAZone } from 'luxon';
import { ValidationError } from '../../../src/errors.js';
import {
  describeSchedule,
  nextRunAfter,
  nextRuns,
  presetCron,
  validateSchedule,
  type SchedulePreset,
} from '../../../src/domain/schedule.js';

const NY = 'America/New_York';
const at = (iso: string): Date => new Date(iso);
const iso = (dates: Date[]): string[] => dates.map((d) => d.toISOString());
const runs = (cron: string, timezone: string, after: string, count: number): string[] =>
  iso(nextRuns({ cron, timezone }, at(after), count));

describe('validateSchedule', () => {
  it.each([
    ['* * * * *', 'UTC'],
    ['0 9 * * 1-5', 'Asia/Seoul'],
    ['30 2 * * *', NY],
    ['0 9 * * MON-FRI', 'Europe/London'],
    ['0 0 29 2 *', 'UTC'],
    ['0 9 L * *', 'UTC'],
    ['  */5 * * * *  ', 'UTC'],
  ])('accepts %j in %s', (cron, timezone) => {
    expect(validateSchedule({ cron, timezone })).toEqual({});
  });

  it.each([
    ['*/0 * * * *', /^"\*\/0 \* \* \* \*" is not a valid cron expression: the minute field "\*\/0" has a step of 0/],
    ['61 * * * *', /is not a valid cron expression: the minute field "61" has 61; it must be within 0-59/],
    ['0 24 * * *', /the hour field "24" has 24; it must be within 0-23/],
    ['0 9 * 13 *', /the month field "13" has 13; it must be within 1-12/],
    ['0 9 * * 8', /the day-of-week field "8"/],
    ['a b c d e', /is not a valid cron expression: the minute field "a" has characters a cron does not use/],
    ['5-1 * * * *', /the range 5-1, which runs backwards/],
    ['* * * *', /has 4 fields, not 5/],
    ['', /^Enter a cron schedule/],
    ['@daily', /shortcuts are not supported/],
    ['H * * * *', /uses H \(a random value\)/],
  ])('rejects %j with a sentence about it', (cron, message) => {
    const errors = validateSchedule({ cron, timezone: 'UTC' });
    expect(Object.keys(errors)).toEqual(['schedule.cron']);
    expect(errors['schedule.cron']).toMatch(message);
    expect(errors['schedule.cron']).toMatch(/minute hour day-of-month month day-of-week, e\.g\. 0 9 \* \* 1-5/);
  });

  it('rejects a 6-field (seconds) cron as sub-minute', () => {
    const errors = validateSchedule({ cron: '*/10 * * * * *', timezone: 'UTC' });
    expect(Object.keys(errors)).toEqual(['schedule.cron']);
    expect(errors['schedule.cron']).toMatch(/6 fields.*seconds.*at most once a minute/);
  });

  it.each(['0 0 31 2 *', '0 0 30 2 *', '0 0 31 4,6,9,11 *'])('rejects %j, which never runs', (cron) => {
    const errors = validateSchedule({ cron, timezone: 'UTC' });
    expect(Object.keys(errors)).toEqual(['schedule.cron']);
    expect(errors['schedule.cron']).toMatch(/never runs/);
  });

  it.each(['Mars/Olympus', '+09:00', 'Local', ''])('rejects the timezone %j', (timezone) => {
    const errors = validateSchedule({ cron: '0 9 * * *', timezone });
    expect(Object.keys(errors)).toEqual(['schedule.timezone']);
    expect(errors['schedule.timezone']).toMatch(/timezone/);
  });

  it('names the unknown timezone and suggests real ones', () => {
    expect(validateSchedule({ cron: '0 9 * * *', timezone: 'Mars/Olympus' })).toEqual({
      'schedule.timezone': '"Mars/Olympus" is not a known IANA timezone; use a name such as Asia/Seoul, America/New_York or UTC.',
    });
  });

  it('reports both fields at once', () => {
    expect(Object.keys(validateSchedule({ cron: '0 * * * * *', timezone: 'Mars/Olympus' })).sort()).toEqual([
      'schedule.cron',
      'schedule.timezone',
    ]);
  });
});

describe('nextRuns', () => {
  it('returns runs strictly after the given instant', () => {
    expect(runs('*/5 * * * *', 'UTC', '2026-01-01T10:05:00Z', 3)).toEqual([
      '2026-01-01T10:10:00.000Z',
      '2026-01-01T10:15:00.000Z',
      '2026-01-01T10:20:00.000Z',
    ]);
    expect(runs('*/5 * * * *', 'UTC', '2026-01-01T10:04:59.999Z', 1)).toEqual(['2026-01-01T10:05:00.000Z']);
    expect(runs('* * * * *', 'UTC', '2026-01-01T10:00:30Z', 1)).toEqual(['2026-01-01T10:01:00.000Z']);
  });

  it('runs 0 9 * * 1-5 in Asia/Seoul at 00:00Z on weekdays, skipping the weekend', () => {
    // 2026-03-06 is a Friday; 09:00 KST (UTC+9, no DST) is 00:00Z.
    expect(runs('0 9 * * 1-5', 'Asia/Seoul', '2026-03-05T00:00:00Z', 6)).toEqual([
      '2026-03-06T00:00:00.000Z',
      '2026-03-09T00:00:00.000Z',
      '2026-03-10T00:00:00.000Z',
      '2026-03-11T00:00:00.000Z',
      '2026-03-12T00:00:00.000Z',
      '2026-03-13T00:00:00.000Z',
    ]);
  });

  it('runs 30 2 * * * in New York at 03:30 EDT on 2026-03-08, when 02:30 does not exist', () => {
    expect(runs('30 2 * * *', NY, '2026-03-05T12:00:00Z', 6)).toEqual([
      '2026-03-06T07:30:00.000Z', // 02:30 EST
      '2026-03-07T07:30:00.000Z', // 02:30 EST
      '2026-03-08T07:30:00.000Z', // 03:30 EDT: 02:30 was skipped
      '2026-03-09T06:30:00.000Z', // 02:30 EDT
      '2026-03-10T06:30:00.000Z',
      '2026-03-11T06:30:00.000Z',
    ]);
  });

  it('still finds the shifted 2026-03-08 run from inside and after the gap', () => {
    expect(runs('30 2 * * *', NY, '2026-03-08T06:59:00Z', 1)).toEqual(['2026-03-08T07:30:00.000Z']); // from 01:59 EST
    expect(runs('30 2 * * *', NY, '2026-03-08T07:00:00Z', 1)).toEqual(['2026-03-08T07:30:00.000Z']); // from 03:00 EDT
    expect(runs('30 2 * * *', NY, '2026-03-08T07:30:00Z', 1)).toEqual(['2026-03-09T06:30:00.000Z']);
  });

  it('runs 30 2 * * * in New York exactly once on 2026-11-01, at 02:30 EST', () => {
    expect(runs('30 2 * * *', NY, '2026-10-29T12:00:00Z', 6)).toEqual([
      '2026-10-30T06:30:00.000Z', // 02:30 EDT
      '2026-10-31T06:30:00.000Z', // 02:30 EDT
      '2026-11-01T07:30:00.000Z', // 02:30 EST, once
      '2026-11-02T07:30:00.000Z',
      '2026-11-03T07:30:00.000Z',
      '2026-11-04T07:30:00.000Z',
    ]);
  });

  it('runs 30 1 * * * once on 2026-11-01 in New York, at the first 01:30', () => {
    expect(runs('30 1 * * *', NY, '2026-10-31T12:00:00Z', 2)).toEqual([
      '2026-11-01T05:30:00.000Z', // 01:30 EDT; the 01:30 EST an hour later does not run
      '2026-11-02T06:30:00.000Z',
    ]);
    expect(runs('30 1 * * *', NY, '2026-11-01T05:30:00Z', 1)).toEqual(['2026-11-02T06:30:00.000Z']);
  });

  it('keeps every-N-minute crons on real time through both New York changes', () => {
    expect(runs('*/30 * * * *', NY, '2026-03-08T06:00:00Z', 4)).toEqual([
      '2026-03-08T06:30:00.000Z', // 01:30 EST
      '2026-03-08T07:00:00.000Z', // 03:00 EDT
      '2026-03-08T07:30:00.000Z',
      '2026-03-08T08:00:00.000Z',
    ]);
    expect(runs('*/30 * * * *', NY, '2026-11-01T04:45:00Z', 6)).toEqual([
      '2026-11-01T05:00:00.000Z', // 01:00 EDT
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T06:00:00.000Z', // 01:00 EST
      '2026-11-01T06:30:00.000Z',
      '2026-11-01T07:00:00.000Z', // 02:00 EST
      '2026-11-01T07:30:00.000Z',
    ]);
    expect(runs('*/30 * * * *', NY, '2026-11-01T06:10:00Z', 2)).toEqual([
      '2026-11-01T06:30:00.000Z', // from inside the repeated hour
      '2026-11-01T07:00:00.000Z',
    ]);
  });

  // cron-parser 5.10 gets each of these wrong (see the comment atop schedule.ts).
  it.each<[string, string, string, string[]]>([
    ['0 * * * *', 'Australia/Lord_Howe', '2026-04-04T13:00:00Z', [
      '2026-04-04T14:00:00.000Z', // 01:00 +11
      '2026-04-04T15:30:00.000Z', // 02:00 +10:30 after the 30-minute fall-back
      '2026-04-04T16:30:00.000Z',
    ]],
    ['0 2 * * *', 'Australia/Lord_Howe', '2026-10-02T12:00:00Z', [
      '2026-10-02T15:30:00.000Z',
      '2026-10-03T15:30:00.000Z', // 02:00 skipped: runs 02:30 +11
      '2026-10-04T15:00:00.000Z',
    ]],
    ['*/15 * * * *', 'Pacific/Chatham', '2026-04-04T13:30:00Z', [
      '2026-04-04T13:45:00.000Z',
      '2026-04-04T14:00:00.000Z',
      '2026-04-04T14:15:00.000Z',
    ]],
    ['59 23 * * *', 'America/Nuuk', '2026-03-27T12:00:00Z', [
      '2026-03-28T01:59:00.000Z',
      '2026-03-29T01:59:00.000Z', // 23:59 skipped: runs 00:59 -01
      '2026-03-30T00:59:00.000Z',
    ]],
    ['0 0 * * *', 'America/Havana', '2026-10-30T12:00:00Z', [
      '2026-10-31T04:00:00.000Z',
      '2026-11-01T04:00:00.000Z', // the first of two midnights
      '2026-11-02T05:00:00.000Z',
    ]],
    ['0 2 * * *', 'Antarctica/Troll', '2026-10-24T00:00:00Z', [
      '2026-10-25T00:00:00.000Z', // once, though 02:00 happens twice
      '2026-10-26T02:00:00.000Z',
    ]],
  ])('%j in %s from %s', (cron, timezone, after, expected) => {
    expect(runs(cron, timezone, after, expected.length)).toEqual(expected);
  });

  it('agrees with a minute-by-minute oracle around every 2026 clock change', () => {
    const zones = [NY, 'Europe/London', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Havana', 'America/Nuuk', 'Antarctica/Troll'];
    const crons = ['30 2 * * *', '0 0 * * *', '*/15 * * * *', '30 1 * * *', '0 */2 * * *', '45 1,2 * * *', '59 23 * * *', '0,30 0-3 * * *'];
    let compared = 0;
    const mismatches: string[] = [];
    for (const timezone of zones) {
      for (const change of clockChanges(timezone, 2026)) {
        const from = change - 6 * HOUR;
        const to = change + 4 * DAY;
        const offsets = offsetTable(timezone, from - 4 * HOUR, to);
        for (const cron of crons) {
          const all = oracle(cron, offsets, from, to);
          for (let start = change - 4 * HOUR; start <= change + 4 * HOUR; start += 13 * MINUTE) {
            const expected = isoMs(all.filter((t) => t > start).slice(0, 3));
            const got = iso(nextRuns({ cron, timezone }, new Date(start), 3));
            if (expected.length !== 3 || got.join() !== expected.join()) {
              mismatches.push(`${cron} in ${timezone} after ${new Date(start).toISOString()}: got ${got.join(' ')}, want ${expected.join(' ')}`);
            }
            compared++;
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(1000);
  });

  it('returns nothing for a count of 0 and refuses a bad count or date', () => {
    expect(nextRuns({ cron: '* * * * *', timezone: 'UTC' }, at('2026-01-01T00:00:00Z'), 0)).toEqual([]);
    expect(() => nextRuns({ cron: '* * * * *', timezone: 'UTC' }, at('2026-01-01T00:00:00Z'), -1)).toThrow(RangeError);
    expect(() => nextRuns({ cron: '* * * * *', timezone: 'UTC' }, new Date(Number.NaN), 1)).toThrow(RangeError);
  });

  it('throws a ValidationError with the field errors for an invalid schedule', () => {
    const call = (): Date[] => nextRuns({ cron: '0 9 * * *', timezone: 'Mars/Olympus' }, at('2026-01-01T00:00:00Z'), 1);
    expect(call).toThrow(ValidationError);
    try {
      call();
    } catch (err) {
      expect((err as ValidationError).fieldErrors).toHaveProperty(['schedule.timezone']);
    }
  });

  it('nextRunAfter is the first of nextRuns', () => {
    expect(nextRunAfter({ cron: '0 9 * * 1-5', timezone: 'Asia/Seoul' }, at('2026-03-06T00:00:00Z')).toISOString()).toBe(
      '2026-03-09T00:00:00.000Z',
    );
  });
});

describe('describeSchedule', () => {
  it.each([
    ['* * * * *', 'every minute (Asia/Seoul)'],
    ['*/5 * * * *', 'every 5 minutes (Asia/Seoul)'],
    ['5 * * * *', 'every hour at :05 (Asia/Seoul)'],
    ['0 */2 * * *', 'every 2 hours at :00 (Asia/Seoul)'],
    ['0 9 * * *', 'every day at 09:00 (Asia/Seoul)'],
    ['0 9,17 * * *', 'every day at 09:00 and 17:00 (Asia/Seoul)'],
    ['0 9 * * 1-5', 'at 09:00 on Monday through Friday (Asia/Seoul)'],
    ['0 9 * * MON-FRI', 'at 09:00 on Monday through Friday (Asia/Seoul)'],
    ['30 8 * * 1', 'every Monday at 08:30 (Asia/Seoul)'],
    ['30 8 * * 7', 'every Sunday at 08:30 (Asia/Seoul)'],
    ['0 10 * * 6,0', 'at 10:00 on Saturday and Sunday (Asia/Seoul)'],
    ['0 9 * * 1,3,5', 'at 09:00 on Monday, Wednesday and Friday (Asia/Seoul)'],
    ['*/15 9-17 * * 1-5', 'every 15 minutes from 09:00 to 17:59 on Monday through Friday (Asia/Seoul)'],
    ['0 9 1 * *', 'at 09:00 on day 1 of every month (Asia/Seoul)'],
    ['0 9 L * *', 'at 09:00 on the last day of every month (Asia/Seoul)'],
    ['*/7 * * * *', 'cron "*/7 * * * *" (Asia/Seoul)'],
    ['0 9 1 * 1', 'cron "0 9 1 * 1" (Asia/Seoul)'],
    ['0 9 * * 1#2', 'cron "0 9 * * 1#2" (Asia/Seoul)'],
    ['not a cron', 'cron "not a cron" (Asia/Seoul)'],
  ])('%j reads %j', (cron, words) => {
    expect(describeSchedule({ cron, timezone: 'Asia/Seoul' })).toBe(words);
  });
});

describe('presetCron', () => {
  it.each<[SchedulePreset, string]>([
    [{ kind: 'every_minutes', minutes: 1 }, '* * * * *'],
    [{ kind: 'every_minutes', minutes: 5 }, '*/5 * * * *'],
    [{ kind: 'every_minutes', minutes: 10 }, '*/10 * * * *'],
    [{ kind: 'every_minutes', minutes: 15 }, '*/15 * * * *'],
    [{ kind: 'every_minutes', minutes: 30 }, '*/30 * * * *'],
    [{ kind: 'hourly', minute: 5 }, '5 * * * *'],
    [{ kind: 'daily', hour: 9, minute: 30 }, '30 9 * * *'],
    [{ kind: 'weekly', weekday: 1, hour: 9, minute: 0 }, '0 9 * * 1'],
    [{ kind: 'weekly', weekday: 0, hour: 23, minute: 59 }, '59 23 * * 0'],
  ])('%j -> %j', (preset, cron) => {
    expect(presetCron(preset)).toBe(cron);
    expect(validateSchedule({ cron, timezone: 'UTC' })).toEqual({});
  });

  it.each<SchedulePreset>([
    { kind: 'every_minutes', minutes: 7 },
    { kind: 'every_minutes', minutes: 0 },
    { kind: 'every_minutes', minutes: 60 },
    { kind: 'hourly', minute: 60 },
    { kind: 'daily', hour: 24, minute: 0 },
    { kind: 'daily', hour: 9, minute: -1 },
    { kind: 'daily', hour: 9.5, minute: 0 },
    { kind: 'weekly', weekday: 7, hour: 9, minute: 0 },
  ])('rejects %j', (preset) => {
    expect(() => presetCron(preset)).toThrow(ValidationError);
  });
});

// ------------------------------------------------------------------------------------------
// A brute-force oracle: every minute of real time, with the rule schedule.ts documents.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const QUARTER = 15 * MINUTE;

function isoMs(ms: number[]): string[] {
  return ms.map((t) => new Date(t).toISOString());
}

/** Every instant of `year` at which the zone's offset changes (tzdata changes fall on quarter hours). */
function clockChanges(timezone: string, year: number): number[] {
  const zone = IANAZone.create(timezone);
  const changes: number[] = [];
  for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += DAY) {
    if (zone.offset(day) === zone.offset(day + DAY)) continue;
    for (let t = day; t < day + DAY; t += QUARTER) {
      if (zone.offset(t) !== zone.offset(t + QUARTER)) changes.push(t + QUARTER);
    }
  }
  return changes;
}

/** The zone's UTC offset (ms) at any instant from `from` to `to`, looked up once per quarter hour. */
function offsetTable(timezone: string, from: number, to: number): (t: number) => number {
  const zone = IANAZone.create(timezone);
  const start = Math.floor(from / QUARTER) * QUARTER;
  const offsets = Array.from({ length: Math.ceil((to - start) / QUARTER) + 1 }, (_, i) => zone.offset(start + i * QUARTER) * MINUTE);
  return (t) => {
    const o = offsets[Math.floor((t - start) / QUARTER)];
    if (o === undefined) throw new Error(`outside the offset table: ${new Date(t).toISOString()}`);
    return o;
  };
}

/** Run instants in [from, to]: plain fields only (no L or #), cron's "either" rule for days. */
function oracle(cron: string, offset: (t: number) => number, from: number, to: number): number[] {
  const f = CronExpressionParser.parse(cron, { tz: 'UTC', currentDate: new Date(0) }).fields;
  const everyHour = f.hour.values.length === 24;
  const has = (values: readonly (number | string)[], v: number): boolean => values.includes(v);
  const matches = (wall: number): boolean => {
    const d = new Date(wall);
    const dom = has(f.dayOfMonth.values, d.getUTCDate());
    const dow = has(f.dayOfWeek.values, d.getUTCDay()) || (d.getUTCDay() === 0 && has(f.dayOfWeek.values, 7));
    const day = f.dayOfMonth.isWildcard ? (f.dayOfWeek.isWildcard ? true : dow) : f.dayOfWeek.isWildcard ? dom : dom || dow;
    return has(f.minute.values, d.getUTCMinutes()) && has(f.hour.values, d.getUTCHours()) && has(f.month.values, d.getUTCMonth() + 1) && day;
  };
  const out = new Set<number>();
  for (let t = from; t <= to; t += MINUTE) {
    const o = offset(t);
    const earlier = offset(t - 3 * HOUR);
    // The same wall time happened earlier, before a fall-back.
    const repeat = earlier > o && offset(t - (earlier - o)) === earlier;
    if (matches(t + o) && (!repeat || everyHour)) out.add(t);
    const before = offset(t - MINUTE);
    // Wall times a spring-forward skipped run as far after the change as they were into the gap.
    for (let wall = t + before; o > before && wall < t + o; wall += MINUTE) {
      if (matches(wall)) out.add(wall - before);
    }
  }
  return [...out].filter((t) => t >= from && t <= to).sort((a, b) => a - b);
}
