// Timestamps, ages and durations as freshness reads them.
import { describe, expect, it } from '@jest/globals';
import { ageSeconds, describeDuration, parseDuration, parseTimestamp } from '../../../src/domain/freshness.js';

describe('parseTimestamp', () => {
  it.each<[string, string | number, string, string | null]>([
    ['an ISO instant with Z', '2026-11-25T10:00:00Z', 'Asia/Seoul', '2026-11-25T10:00:00.000Z'],
    ['an offset wins over the zone', '2026-11-25T10:00:00+09:00', 'UTC', '2026-11-25T01:00:00.000Z'],
    ['wall time is read in the zone', '2026-11-25 10:00:00', 'Asia/Seoul', '2026-11-25T01:00:00.000Z'],
    ['the repeated autumn hour reads as its first instant', '2026-10-25 02:30:00', 'Europe/Berlin', '2026-10-25T00:30:00.000Z'],
    ['the skipped spring hour reads an hour later', '2026-03-29 02:30:00', 'Europe/Berlin', '2026-03-29T01:30:00.000Z'],
    ['epoch seconds', 1_795_600_000, 'UTC', '2026-11-25T09:46:40.000Z'],
    ['epoch milliseconds', 1_795_600_000_000, 'UTC', '2026-11-25T09:46:40.000Z'],
    ['text that is no time', 'soon', 'UTC', null],
  ])('%s', (_, cell, zone, expected) => {
    expect(parseTimestamp(cell, zone)?.toISOString() ?? null).toBe(expected);
  });
});

describe('durations', () => {
  it.each<[number, string]>([
    [0, '0 s'],
    [45, '45 s'],
    [720, '12 min'],
    [7500, '2 h 5 min'],
    [90_061, '1 d 1 h'],
    [86_460, '1 d'],
  ])('%i s reads "%s"', (seconds, words) => {
    expect(describeDuration(seconds)).toBe(words);
  });

  it.each<[string, number | string]>([
    ['90', 90],
    ['90s', 90],
    ['15 min', 900],
    ['2h', 7200],
    ['1.5 d', 129_600],
    ['two hours', 'a duration, e.g. 90s, 15 min, 2h or 1d'],
  ])('"%s" is %s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it('a timestamp in the future is fresh, not negative', () => {
    expect(ageSeconds(new Date('2026-11-25T10:00:10Z'), new Date('2026-11-25T10:00:00Z'))).toBe(0);
  });
});
