// When a shard's dispatch runs: at each minute, and its lead before it.
import { describe, expect, it } from '@jest/globals';
import { CronExpressionParser } from 'cron-parser';
import { dispatchCron } from '../../../src/scheduler/agenda.js';

const runs = (cron: string, from: string, n: number) => {
  const it = CronExpressionParser.parse(cron, { currentDate: new Date(from), tz: 'UTC' });
  return Array.from({ length: n }, () => it.next().toDate().toISOString().slice(11, 19));
};

describe('the dispatch cron', () => {
  it('with a 5 s lead runs 5 s before each minute and at it', () => {
    expect(runs(dispatchCron(5), '2026-12-07T10:00:01Z', 4)).toEqual(['10:00:55', '10:01:00', '10:01:55', '10:02:00']);
  });

  it('without a lead runs at each minute only', () => {
    expect(runs(dispatchCron(0), '2026-12-07T10:00:01Z', 2)).toEqual(['10:01:00', '10:02:00']);
  });
});
