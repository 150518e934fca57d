// What the incident's first message shows when an acknowledgement redraws it: the newest run that
// gave a result (a failed or skipped one says nothing about the value), with its firing series.
import { describe, expect, it } from '@jest/globals';
import { firingStatusFrom } from '../../../src/services/triage-service.js';
import { makeAlert, makeExecution } from '../../support/fixtures.js';

const alert = makeAlert({ firingSince: new Date('2026-11-24T00:00:00Z'), lastEvaluatedAt: new Date('2026-11-24T03:00:00Z') });
const at = (h: number) => new Date(Date.UTC(2026, 10, 24, h));

describe('firingStatusFrom', () => {
  it('the newest run with a result: its value and when it finished; no series for an alert shaped as before', () => {
    const runs = [
      makeExecution({ id: 'e3', state: 'ERROR', value: null, finishedAt: at(3) }),
      makeExecution({ id: 'e2', state: 'SKIPPED', value: null, finishedAt: at(2) }),
      makeExecution({ id: 'e1', state: 'GRACE', value: '42', finishedAt: at(1) }),
    ];
    expect(firingStatusFrom(alert, runs)).toEqual({ value: '42', at: at(1), series: null });
  });

  it('with series: those firing and those waiting, from the run\'s outcomes', () => {
    const eu = { key: 'eu', labels: { region: 'eu' }, event: 'repeat' as const, status: 'firing' as const, level: 'critical' as const, value: '9', reason: '9 > 5' };
    const us = { key: 'us', labels: { region: 'us' }, event: 'pending' as const, status: 'pending' as const, level: 'warning' as const, value: '4', reason: '4 > 3' };
    const ap = { key: 'ap', labels: { region: 'ap' }, event: 'normal' as const, status: 'normal' as const, level: null, value: '1', reason: '1, not > 3' };
    const status = firingStatusFrom(alert, [makeExecution({ state: 'SUCCESS', value: '1 of 3 series firing', finishedAt: at(2), series: [eu, us, ap] })]);
    expect(status).toMatchObject({ value: '1 of 3 series firing', at: at(2), series: { changes: [], total: 3 } });
    expect(status.series?.firing.map((i) => [i.key, i.level, i.value])).toEqual([['eu', 'critical', '9']]);
    expect(status.series?.pending.map((i) => i.key)).toEqual(['us']);
  });

  it('no run with a result: no value, at the last evaluation', () => {
    expect(firingStatusFrom(alert, [])).toEqual({ value: null, at: at(3), series: null });
    expect(firingStatusFrom(alert, [makeExecution({ state: 'WORKING', finishedAt: null })])).toEqual({ value: null, at: at(3), series: null });
  });
});
