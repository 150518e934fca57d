// The stale-run rule as one table: who found the run, how old it is, whether a send began and
// which attempt it is → what becomes of it. A fixed clock; nothing here reads the time.
import { describe, expect, it } from '@jest/globals';
import { isStale, settleStaleRun, type FoundByDispatch, type FoundByNewerTick, type StaleSettlement } from '../../../src/domain/stale-run.js';

const t = (iso: string) => new Date(`2026-11-25T${iso}Z`);
const NOW = t('10:00:00');

describe('isStale', () => {
  it.each([
    ['started just now', '10:00:00', 300, false],
    ['one second short of the working timeout', '09:55:01', 300, false],
    ['exactly at the working timeout', '09:55:00', 300, true],
    ['well past it', '09:00:00', 300, true],
    ['a short timeout', '09:59:50', 10, true],
  ])('%s', (_what, startedAt, workingTimeoutS, stale) => {
    expect(isStale(t(startedAt), workingTimeoutS, NOW)).toBe(stale);
  });
});

describe('settleStaleRun', () => {
  const sending = t('09:54:30');
  it.each<[string, FoundByNewerTick | FoundByDispatch, StaleSettlement]>([
    // found by a newer tick: it runs anyway, so the stale run is only finished
    ['newer tick, nothing sent', { foundBy: 'newer_tick', run: { sendStartedAt: null }, workingTimeoutS: 300 },
      { kind: 'finish', state: 'ERROR', reason: 'working timeout: still running after 300 s; a newer tick took over' }],
    ['newer tick, a send began', { foundBy: 'newer_tick', run: { sendStartedAt: sending }, workingTimeoutS: 300 },
      { kind: 'finish', state: 'UNKNOWN', reason: 'working timeout: still running after 300 s; a newer tick took over' }],
    // found by the dispatch: a first attempt that sent nothing is run again, once
    ['dispatch, first attempt, nothing sent', { foundBy: 'dispatch', run: { sendStartedAt: null, attempt: 1, instance: 'a' } },
      { kind: 'take_over' }],
    ['dispatch, first attempt, a send began', { foundBy: 'dispatch', run: { sendStartedAt: sending, attempt: 1, instance: 'a' } },
      { kind: 'finish', state: 'UNKNOWN', reason: 'the instance running it stopped after it began sending (a); it was not re-sent' }],
    ['dispatch, taken over once already, nothing sent', { foundBy: 'dispatch', run: { sendStartedAt: null, attempt: 2, instance: 'b' } },
      { kind: 'finish', state: 'ERROR', reason: 'working timeout: the instance running it (b) stopped twice' }],
    ['dispatch, taken over once already, a send began', { foundBy: 'dispatch', run: { sendStartedAt: sending, attempt: 2, instance: 'b' } },
      { kind: 'finish', state: 'UNKNOWN', reason: 'the instance running it stopped after it began sending (b); it was not re-sent' }],
  ])('%s', (_what, found, settled) => {
    expect(settleStaleRun(found)).toEqual(settled);
  });
});
