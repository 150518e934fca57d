// An alert's standing in a few words (Home, /alert list): firing series and levels (issue 3/6),
// and an alert without labels or levels worded as it always was.
import { describe, expect, it } from '@jest/globals';
import { alertStatus } from '../../../src/messages/alert-status.js';
import type { Alert, Level, SeriesState } from '../../../src/domain/types.js';
import { makeAlert, NOW } from '../../support/fixtures.js';

const SINCE = new Date('2026-11-24T00:02:00Z');
const state = (labels: Record<string, string>, level: Level | null, since = SINCE): SeriesState => ({
  labels,
  status: level === null ? 'normal' : 'firing',
  level,
  held: 1,
  quiet: 0,
  since: level === null ? null : since,
  lastSentTick: null,
  value: 1,
});
const regions = (...levels: [string, Level | null][]): Record<string, SeriesState> => Object.fromEntries(levels.map(([r, l]) => [r, state({ region: r }, l)]));
const labelled = (patch: Partial<Alert>) => makeAlert({ labels: ['region'], firingSince: SINCE, ...patch });

describe('alertStatus', () => {
  it.each<[string, Alert, string]>([
    ['an alert as before series, firing: as it always read', makeAlert({ firingSince: SINCE }), '🔴 firing since 2026-11-24 09:02 (Asia/Seoul)'],
    ['…with its one series stored', makeAlert({ firingSince: SINCE, series: { '': state({}, 'critical') } }), '🔴 firing since 2026-11-24 09:02 (Asia/Seoul)'],
    ['one series at warning', makeAlert({ firingSince: SINCE, warning: { op: '<', threshold: 5 }, series: { '': state({}, 'warning') } }), '🟠 firing since 2026-11-24 09:02 (Asia/Seoul) (warning)'],
    ['one series at critical, levelled', makeAlert({ firingSince: SINCE, warning: { op: '<', threshold: 5 }, series: { '': state({}, 'critical') } }), '🔴 firing since 2026-11-24 09:02 (Asia/Seoul) (critical)'],
    [
      'two of five regions, levels named',
      labelled({ warning: { op: '<', threshold: 5 }, series: regions(['eu', 'critical'], ['us', 'warning'], ['ap', null], ['sa', null], ['af', null]) }),
      '🔴 firing since 2026-11-24 09:02 (Asia/Seoul) — 2 of 5 series (region=eu critical, region=us warning)',
    ],
    ['only warnings fire: orange', labelled({ warning: { op: '<', threshold: 5 }, series: regions(['eu', 'warning'], ['us', null]) }), '🟠 firing since 2026-11-24 09:02 (Asia/Seoul) — 1 of 2 series (region=eu warning)'],
    ['no warning level: no level words', labelled({ series: regions(['eu', 'critical'], ['us', null]) }), '🔴 firing since 2026-11-24 09:02 (Asia/Seoul) — 1 of 2 series (region=eu)'],
    ['five firing: three named', labelled({ series: regions(['a', 'critical'], ['b', 'critical'], ['c', 'critical'], ['d', 'critical'], ['e', 'critical']) }), '— 5 of 5 series (region=a, region=b, region=c, +2 more)'],
    ['firing series without a firing time kept: the earliest series', labelled({ firingSince: null, series: { eu: state({ region: 'eu' }, 'critical', new Date('2026-11-24T01:00:00Z')) } }), '🔴 firing since 2026-11-24 10:00 (Asia/Seoul) — 1 of 1 series (region=eu)'],
    ['not firing: the last run', labelled({ firingSince: null, series: regions(['eu', null]) }), '✅ sent'],
    ['paused before firing', labelled({ active: false, series: regions(['eu', 'critical']) }), '⏸️ paused'],
    ['a report never fires', makeAlert({ type: 'report', condition: null, firingSince: SINCE }), '✅ sent'],
  ])('%s', (_, alert, words) => {
    expect(alertStatus(alert, NOW)).toContain(words);
  });

  it('says snoozed times in the schedule\'s zone', () => {
    expect(alertStatus(makeAlert({ snoozedUntil: new Date('2026-11-26T00:00:00Z') }), NOW)).toBe('😴 snoozed until 2026-11-26 09:00 (Asia/Seoul)');
  });
});
