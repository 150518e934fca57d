// Which recipients are failing now: the latest delivery per (alert, recipient) decides, and a
// failing one says since when its streak of failures runs.
import { describe, expect, it } from '@jest/globals';
import { failingRecipients, isFailing } from '../../../src/domain/delivery-health.js';
import type { DeliveryRecord, Execution } from '../../../src/domain/types.js';
import { makeExecution } from '../../support/fixtures.js';

const ok = (recipient: string): DeliveryRecord => ({ recipient, ok: true, unknown: false, error: null, ref: null, note: null });
const failed = (recipient: string, error = 'not_in_channel'): DeliveryRecord => ({ recipient, ok: false, unknown: false, error, ref: null, note: null });
const at = (hour: number): Date => new Date(Date.UTC(2026, 10, 24, hour));
let n = 0;
const run = (alertId: string, hour: number, deliveries: DeliveryRecord[]): Execution =>
  makeExecution({ id: `e${(n += 1)}`, alertId, scheduledAt: at(hour), startedAt: at(hour), finishedAt: at(hour), deliveries });

describe('isFailing', () => {
  it.each<[string, boolean, DeliveryRecord]>([
    ['sent', false, ok('channel:C1')],
    ['failed', true, failed('channel:C1')],
    ['outcome unknown', true, { ...failed('channel:C1'), unknown: true }],
    ['found later', false, { ...ok('channel:C1'), reconciled: 'found' }],
    ['found missing later', true, { ...failed('channel:C1'), unknown: true, reconciled: 'missing' }],
    ['sent by email because Slack failed', true, { ...ok('channel:C1'), fallback: 'ops@example.com' }],
    ['sent in a digest', false, { ...ok('channel:C1'), digest: true }],
    ['sent with a note', false, { ...ok('channel:C1'), note: 'the CSV could not be uploaded' }],
  ])('%s → %s', (_, expected, record) => {
    expect(isFailing(record)).toBe(expected);
  });
});

describe('failingRecipients', () => {
  it('the latest delivery decides: a success after failures clears it, a failure after a success lists it', () => {
    const runs = [run('a', 1, [failed('channel:C1'), ok('channel:C2')]), run('a', 2, [ok('channel:C1'), failed('channel:C2')])];
    expect(failingRecipients(runs).map((f) => f.recipient)).toEqual(['channel:C2']);
  });

  it('counts the streak back to the last success, in whatever order the runs come', () => {
    const runs = [run('a', 1, [failed('channel:C1')]), run('a', 2, [ok('channel:C1')]), run('a', 3, [failed('channel:C1')]), run('a', 4, [failed('channel:C1', 'is_archived')])];
    for (const order of [runs, [...runs].reverse()]) {
      const [only, ...rest] = failingRecipients(order);
      expect(rest).toEqual([]);
      expect(only).toMatchObject({ alertId: 'a', recipient: 'channel:C1', at: at(4), since: at(3), runs: 2, orEarlier: false });
      expect(only?.latest.error).toBe('is_archived');
    }
  });

  it('says the streak may be older when it reaches back to the first run given', () => {
    const [only] = failingRecipients([run('a', 5, [failed('user:U1')]), run('a', 6, [failed('user:U1')])]);
    expect(only).toMatchObject({ since: at(5), runs: 2, orEarlier: true });
  });

  it('keeps alerts apart, and runs that did not send to a recipient do not end its streak', () => {
    const runs = [run('a', 1, [failed('channel:C1')]), run('b', 2, [ok('channel:C1')]), run('a', 3, [failed('channel:C1')]), run('a', 4, [])];
    expect(failingRecipients(runs).map((f) => [f.alertId, f.recipient, f.runs])).toEqual([['a', 'channel:C1', 2]]);
  });

  it('lists the most recent failure first; nothing for no runs', () => {
    const runs = [run('a', 1, [failed('channel:C1')]), run('b', 2, [failed('channel:C2')])];
    expect(failingRecipients(runs).map((f) => f.alertId)).toEqual(['b', 'a']);
    expect(failingRecipients([])).toEqual([]);
  });
});
