// Quiet hours as typed in the modal: every form the parser reads, each mistake it names, and the
// text the modal shows for stored windows reading back to the same windows.
import { describe, expect, it } from '@jest/globals';
import { describeQuietWindows, MAX_QUIET_WINDOWS, parseQuietWindows, QUIET_TEXT_MAX } from '../../../src/domain/quiet-window-text.js';
import type { QuietWindow } from '../../../src/domain/types.js';

const WEEKDAYS = [1, 2, 3, 4, 5];
const ALL = [0, 1, 2, 3, 4, 5, 6];

describe('parseQuietWindows reads', () => {
  it.each<[string, QuietWindow[]]>([
    ['Mon-Fri 20:00-08:00, Sat-Sun 00:00-24:00', [{ days: WEEKDAYS, from: '20:00', to: '08:00' }, { days: [0, 6], from: '00:00', to: '24:00' }]],
    ['Mon 9:00-17:30', [{ days: [1], from: '09:00', to: '17:30' }]],
    ['monday 22-6', [{ days: [1], from: '22:00', to: '06:00' }]],
    ['Fri-Mon 18:00-09:00', [{ days: [0, 1, 5, 6], from: '18:00', to: '09:00' }]],
    ['20:00-08:00', [{ days: ALL, from: '20:00', to: '08:00' }]],
    ['Daily 12:00 to 13:00', [{ days: ALL, from: '12:00', to: '13:00' }]],
    ['every day 01:00-02:00', [{ days: ALL, from: '01:00', to: '02:00' }]],
    ['weekdays 19:00-07:00; weekends 00:00-24:00', [{ days: WEEKDAYS, from: '19:00', to: '07:00' }, { days: [0, 6], from: '00:00', to: '24:00' }]],
    ['Tue – Thu 20:00 – 21:00', [{ days: [2, 3, 4], from: '20:00', to: '21:00' }]],
    ['Sun 23:00-24:00\nMon 00:00-06:00', [{ days: [0], from: '23:00', to: '24:00' }, { days: [1], from: '00:00', to: '06:00' }]],
    ['', []],
    [' , ;', []],
  ])('%j', (text, windows) => {
    expect(parseQuietWindows(text)).toEqual({ ok: true, windows });
  });
});

describe('parseQuietWindows says what is wrong', () => {
  it.each<[string, string]>([
    ['Mon-Fry 20:00-08:00', '"Mon-Fry 20:00-08:00": "fry" is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)'],
    ['Someday 20:00-08:00', '"Someday 20:00-08:00": "someday" is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)'],
    ['Mon Wed 20:00-08:00', '"Mon Wed 20:00-08:00": "Mon Wed" is not a day (Mon), a range (Mon-Fri), daily, weekdays or weekends'],
    ['Mon 25:00-08:00', '"Mon 25:00-08:00": 25:00 is not a time of day (00:00 to 24:00)'],
    ['Mon 20:60-08:00', '"Mon 20:60-08:00": 20:60 is not a time of day (00:00 to 24:00)'],
    ['Mon 20:5-08:00', '"Mon 20:5-08:00": 20:5 is not a time: write HH:MM, e.g. 20:00'],
    ['Mon 24:00-08:00', '"Mon 24:00-08:00": a window cannot start at 24:00; start it at 00:00 of the next day'],
    ['Mon 20:00-20:00', '"Mon 20:00-20:00": starts and ends at the same time; for a whole day write 00:00-24:00'],
    ['Mon evenings', '"Mon evenings": write the days and a time range, e.g. Mon-Fri 20:00-08:00'],
    ['Mon, Wed 20:00-08:00', '"Mon": write the days and a time range, e.g. Mon-Fri 20:00-08:00'],
  ])('%j', (text, error) => {
    expect(parseQuietWindows(text)).toEqual({ ok: false, error });
  });

  it(`refuses more than ${MAX_QUIET_WINDOWS} windows, and text past ${QUIET_TEXT_MAX} characters`, () => {
    const fifteen = Array.from({ length: MAX_QUIET_WINDOWS + 1 }, (_, i) => `Mon ${String(i).padStart(2, '0')}:00-${String(i).padStart(2, '0')}:30`).join(', ');
    expect(parseQuietWindows(fifteen)).toEqual({ ok: false, error: `at most ${MAX_QUIET_WINDOWS} windows (this has ${MAX_QUIET_WINDOWS + 1}); a range of days (Mon-Fri) counts once` });
    const fourteen = fifteen.split(', ').slice(0, MAX_QUIET_WINDOWS).join(', ');
    expect(parseQuietWindows(fourteen)).toMatchObject({ ok: true });
    expect(parseQuietWindows(`Mon 20:00-08:00${' '.repeat(QUIET_TEXT_MAX)}`)).toEqual({ ok: false, error: `must be at most ${QUIET_TEXT_MAX} characters` });
  });
});

describe('describeQuietWindows', () => {
  it.each<[QuietWindow[], string]>([
    [[{ days: WEEKDAYS, from: '20:00', to: '08:00' }, { days: [0, 6], from: '00:00', to: '24:00' }], 'Mon-Fri 20:00-08:00, Sat-Sun 00:00-24:00'],
    [[{ days: ALL, from: '22:00', to: '06:00' }], 'Daily 22:00-06:00'],
    [[{ days: [5, 6, 0, 1], from: '18:00', to: '09:00' }], 'Fri-Mon 18:00-09:00'],
    // Days that are not one run are written once per run.
    [[{ days: [1, 3], from: '12:00', to: '13:00' }], 'Mon 12:00-13:00, Wed 12:00-13:00'],
    [[{ days: [0], from: '23:00', to: '24:00' }], 'Sun 23:00-24:00'],
    [[], ''],
  ])('%j → %j', (windows, text) => {
    expect(describeQuietWindows(windows)).toBe(text);
  });

  it.each<[QuietWindow[]]>([
    [[{ days: WEEKDAYS, from: '20:00', to: '08:00' }, { days: [0, 6], from: '00:00', to: '24:00' }]],
    [[{ days: ALL, from: '22:00', to: '06:00' }]],
    [[{ days: [0, 1, 5, 6], from: '18:00', to: '09:00' }]],
    [[{ days: [2], from: '00:00', to: '24:00' }, { days: [4], from: '07:15', to: '07:45' }]],
  ])('reads back as the same windows: %j', (windows) => {
    expect(parseQuietWindows(describeQuietWindows(windows))).toEqual({ ok: true, windows });
  });
});
