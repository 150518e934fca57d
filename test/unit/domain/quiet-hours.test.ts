import { describe, expect, it } from '@jest/globals';
import { minutesOf, quietAt } from '../../../src/domain/quiet-hours.js';
import type { QuietHours } from '../../../src/domain/types.js';

// Nights before a working day (Sun–Thu) and Friday night, 20:00–08:00, and the whole weekend, in Berlin.
const NIGHTS = [0, 1, 2, 3, 4, 5];
const BERLIN: QuietHours = {
  timezone: 'Europe/Berlin',
  windows: [
    { days: NIGHTS, from: '20:00', to: '08:00' },
    { days: [0, 6], from: '00:00', to: '24:00' },
  ],
};

describe('quietAt', () => {
  const cases: [string, QuietHours | null, string, string | null][] = [
    ['no quiet hours', null, '2026-12-02T21:00:00Z', null],
    ['a weekday afternoon (Wed 15:00 CET)', BERLIN, '2026-12-02T14:00:00Z', null],
    ['a weekday night (Wed 21:00 CET) until Thu 08:00', BERLIN, '2026-12-02T20:00:00Z', '2026-12-03T07:00:00Z'],
    ['the start of the window is quiet (Wed 20:00)', BERLIN, '2026-12-02T19:00:00Z', '2026-12-03T07:00:00Z'],
    ['the end of the window is not (Thu 08:00)', BERLIN, '2026-12-03T07:00:00Z', null],
    ['after midnight, the window of the evening before (Thu 03:00)', BERLIN, '2026-12-03T02:00:00Z', '2026-12-03T07:00:00Z'],
    ['Friday night runs into the weekend and Monday morning', BERLIN, '2026-12-04T21:00:00Z', '2026-12-07T07:00:00Z'],
    ['Saturday noon: until Monday 08:00', BERLIN, '2026-12-05T11:00:00Z', '2026-12-07T07:00:00Z'],
    ['Monday 07:59: until 08:00', BERLIN, '2026-12-07T06:59:00Z', '2026-12-07T07:00:00Z'],
    // Clocks go forward on 2026-03-29 at 02:00 in Berlin: the Saturday/Sunday window is 23 hours.
    ['spring forward: Sunday 01:30 CET, until Monday 08:00 CEST', BERLIN, '2026-03-29T00:30:00Z', '2026-03-30T06:00:00Z'],
    // Clocks go back on 2026-10-25: Sunday night 20:00 is 19:00Z (CET).
    ['fall back: Monday 07:30 CET is quiet until 08:00 CET', BERLIN, '2026-10-26T06:30:00Z', '2026-10-26T07:00:00Z'],
    ['a window on no day is never quiet', { timezone: 'UTC', windows: [{ days: [], from: '00:00', to: '24:00' }] }, '2026-12-02T12:00:00Z', null],
    ['a same-day window (Tue 12:00–13:00 Seoul)', { timezone: 'Asia/Seoul', windows: [{ days: [2], from: '12:00', to: '13:00' }] }, '2026-12-01T03:30:00Z', '2026-12-01T04:00:00Z'],
    ['an unknown zone is never quiet', { timezone: 'Mars/Olympus', windows: [{ days: [0, 1, 2, 3, 4, 5, 6], from: '00:00', to: '24:00' }] }, '2026-12-02T12:00:00Z', null],
  ];
  it.each(cases)('%s', (_name, quiet, at, until) => {
    const state = quietAt(quiet, new Date(at));
    if (until === null) expect(state).toEqual({ quiet: false });
    else expect(state).toEqual({ quiet: true, until: new Date(until) });
  });

  it('a week of back-to-back windows ends (no endless chain)', () => {
    const always: QuietHours = { timezone: 'UTC', windows: [{ days: [0, 1, 2, 3, 4, 5, 6], from: '00:00', to: '24:00' }] };
    const state = quietAt(always, new Date('2026-12-02T12:00:00Z'));
    expect(state.quiet).toBe(true);
    if (state.quiet) expect(state.until.getTime()).toBeGreaterThan(new Date('2026-12-08T00:00:00Z').getTime());
  });
});

describe('minutesOf', () => {
  it.each([
    ['00:00', 0],
    ['08:30', 510],
    ['24:00', 1440],
    ['24:01', null],
    ['8:30', null],
    ['12:60', null],
    ['ab:cd', null],
  ])('%s → %s', (text, minutes) => expect(minutesOf(text)).toBe(minutes));
});
