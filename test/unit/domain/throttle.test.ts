import { describe, expect, it } from '@jest/globals';
import { inGracePeriod, shouldNotifyOwners } from '../../../src/domain/throttle.js';

const at = (iso: string) => new Date(`2026-11-25T${iso}Z`);

describe('inGracePeriod', () => {
  it('is false when nothing was ever sent', () => {
    expect(inGracePeriod(null, at('00:01:00'), 300)).toBe(false);
  });
  it('counts between scheduled ticks: 60 s after a sent tick is inside a 300 s grace period', () => {
    expect(inGracePeriod(at('00:00:00'), at('00:01:00'), 300)).toBe(true);
  });
  it('ends exactly at the grace period', () => {
    expect(inGracePeriod(at('00:00:00'), at('00:05:00'), 300)).toBe(false);
  });
  it('a 1 s grace period never covers the next every-minute tick', () => {
    expect(inGracePeriod(at('00:00:00'), at('00:01:00'), 1)).toBe(false);
  });
  it('a grace period of 0 is off', () => {
    expect(inGracePeriod(at('00:00:00'), at('00:00:00'), 0)).toBe(false);
  });
});

describe('shouldNotifyOwners', () => {
  it('notifies the first error', () => {
    expect(shouldNotifyOwners(null, at('00:00:00'), 60)).toBe(true);
  });
  it('throttles for at least one hour even with a shorter grace period', () => {
    expect(shouldNotifyOwners(at('00:00:00'), at('00:30:00'), 60)).toBe(false);
    expect(shouldNotifyOwners(at('00:00:00'), at('01:00:00'), 60)).toBe(true);
  });
  it('throttles for the grace period when it is longer than an hour', () => {
    expect(shouldNotifyOwners(at('00:00:00'), at('01:30:00'), 7200)).toBe(false);
    expect(shouldNotifyOwners(at('00:00:00'), at('02:00:00'), 7200)).toBe(true);
  });
  it('errors at 00:00, 00:30 and 01:30 with a one-hour throttle give two notices', () => {
    let last: Date | null = null;
    let notices = 0;
    for (const t of ['00:00:00', '00:30:00', '01:30:00']) {
      if (shouldNotifyOwners(last, at(t), 3600)) {
        notices += 1;
        last = at(t);
      }
    }
    expect(notices).toBe(2);
  });
});
