import { describe, expect, it } from '@jest/globals';
import { nextReminderAt, reminderDue, reminderInterval } from '../../../src/domain/reminders.js';

const HOUR = 3600;
const POLICY = { mode: 'backoff' as const, firstS: HOUR, factor: 2, capS: 24 * HOUR };
const T0 = new Date('2026-12-01T00:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR * 1000);

describe('reminderInterval', () => {
  it.each([
    [0, 1],
    [1, 2],
    [2, 4],
    [3, 8],
    [4, 16],
    [5, 24],
    [40, 24],
    [10_000, 24],
  ])('reminder %i waits %i h (capped at 24 h)', (sent, hours) => expect(reminderInterval(POLICY, sent)).toBe(hours * HOUR));

  it('a factor below 1 never shrinks the interval', () => {
    expect(reminderInterval({ ...POLICY, factor: 0.5 }, 3)).toBe(HOUR);
  });
});

describe('reminderDue', () => {
  it('counts from the incident start, then from the last reminder: 1 h, 2 h, 4 h', () => {
    // The first message at T0, reminders at +1 h, +3 h, +7 h.
    const schedule: [number, { sent: number; lastTick: Date | null }, boolean][] = [
      [0.5, { sent: 0, lastTick: T0 }, false],
      [1, { sent: 0, lastTick: T0 }, true],
      [2, { sent: 1, lastTick: at(1) }, false],
      [3, { sent: 1, lastTick: at(1) }, true],
      [6.9, { sent: 2, lastTick: at(3) }, false],
      [7, { sent: 2, lastTick: at(3) }, true],
    ];
    for (const [hours, reminded, due] of schedule) expect([hours, reminderDue(POLICY, reminded, T0, at(hours))]).toEqual([hours, due]);
  });

  it('an incident without a last message counts from when it began', () => {
    expect(nextReminderAt(POLICY, { sent: 0, lastTick: null }, T0)).toEqual(at(1));
    expect(nextReminderAt(POLICY, { sent: 0, lastTick: null }, null)).toBeNull();
    expect(reminderDue(POLICY, { sent: 0, lastTick: null }, null, at(100))).toBe(false);
  });
});
