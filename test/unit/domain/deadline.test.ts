// The one Deadline of an execution: what is left of it, and until when its store writes wait.
import { describe, expect, it } from '@jest/globals';
import { deadlineAfter, msLeft, RECORD_GRACE_MS, recordBy } from '../../../src/domain/deadline.js';

const t = (iso: string) => new Date(`2026-11-25T${iso}Z`);
// Claimed at 10:00:00 with a 60 s working timeout.
const deadline = deadlineAfter(t('10:00:00'), 60_000);

describe('deadlineAfter', () => {
  it('ends the working timeout after the claim', () => {
    expect(deadline.at).toEqual(t('10:01:00'));
  });
});

describe('msLeft', () => {
  it.each([
    ['at the claim', '10:00:00', 60_000],
    ['half way', '10:00:30', 30_000],
    ['at the deadline', '10:01:00', 0],
    ['past it: nothing, never negative', '10:05:00', 0],
  ])('%s', (_what, now, left) => {
    expect(msLeft(deadline, t(now))).toBe(left);
  });
});

describe('recordBy', () => {
  it('is 30 s past the working timeout', () => {
    expect(RECORD_GRACE_MS).toBe(30_000);
  });
  it.each([
    ['before the deadline: the grace past the deadline', '10:00:10', '10:01:30'],
    ['at the deadline', '10:01:00', '10:01:30'],
    ['past the deadline: the whole grace from now', '10:02:00', '10:02:30'],
  ])('%s', (_what, now, until) => {
    expect(recordBy(deadline, t(now))).toEqual(t(until));
  });
});
