import { describe, expect, it } from '@jest/globals';
import { routedLevel, routedTo, threadsShowing } from '../../../src/domain/routing.js';
import type { SeriesReport } from '../../../src/domain/decide-result.js';
import type { Recipient } from '../../../src/domain/types.js';

const ALL: Recipient = { kind: 'slack_channel', id: 'C0ALL' };
const WARN: Recipient = { kind: 'slack_channel', id: 'C0DATA', levels: ['warning'] };
const CRIT: Recipient = { kind: 'slack_channel', id: 'C0ONCALL', levels: ['critical'] };
const CRIT_MAIL: Recipient = { kind: 'email', address: 'oncall@example.com', levels: ['critical'] };
const EMPTY_LEVELS: Recipient = { kind: 'slack_user', id: 'U0AMY', levels: [] };
const EVERYONE = [ALL, WARN, CRIT, CRIT_MAIL, EMPTY_LEVELS];

describe('routedTo', () => {
  it('warning goes to the unrestricted and the warning recipients', () => {
    expect(routedTo(EVERYONE, 'firing', 'warning', {})).toEqual([ALL, WARN, EMPTY_LEVELS]);
  });
  it('critical goes to the unrestricted and the critical recipients, email included', () => {
    expect(routedTo(EVERYONE, 'firing', 'critical', {})).toEqual([ALL, CRIT, CRIT_MAIL, EMPTY_LEVELS]);
  });
  it('a resolution reaches restricted recipients only when they were told of the incident', () => {
    expect(routedTo(EVERYONE, 'resolved', 'critical', { 'channel:C0ONCALL': 'C0ONCALL:1.2' })).toEqual([ALL, CRIT, EMPTY_LEVELS]);
  });
  it('reports go to everyone', () => {
    expect(routedTo(EVERYONE, 'report', 'critical', {})).toEqual(EVERYONE);
  });
});

describe('routedLevel', () => {
  const item = (level: 'warning' | 'critical') => ({ level }) as SeriesReport['firing'][number];
  const report = (firing: SeriesReport['firing'], changes: SeriesReport['changes'] = []) => ({ firing, changes }) as unknown as SeriesReport;
  it.each<[string, SeriesReport | null, string]>([
    ['no series: critical', null, 'critical'],
    ['every series firing at warning', report([item('warning'), item('warning')]), 'warning'],
    ['one series critical among warnings', report([item('warning'), item('critical')]), 'critical'],
    ['nothing firing, the changes at warning', report([], [item('warning')]), 'warning'],
    ['nothing firing or changed', report([]), 'critical'],
  ])('%s', (_, series, expected) => {
    expect(routedLevel(series)).toBe(expected);
  });
});

describe('threadsShowing', () => {
  const threads = { 'channel:C0ALL': 'C0ALL:1.1', 'channel:C0DATA': 'C0DATA:1.2', 'channel:C0ONCALL': 'C0ONCALL:1.3', 'channel:C0GONE': 'C0GONE:1.4' };
  const alert = { recipients: [ALL, WARN, CRIT], threads };
  it('at critical: every thread but the warnings-only channel’s and a recipient’s the alert no longer has', () => {
    expect(threadsShowing(alert, 'critical')).toEqual({ 'channel:C0ALL': 'C0ALL:1.1', 'channel:C0ONCALL': 'C0ONCALL:1.3' });
  });
  it('at warning: the unrestricted and the warnings channel', () => {
    expect(threadsShowing(alert, 'warning')).toEqual({ 'channel:C0ALL': 'C0ALL:1.1', 'channel:C0DATA': 'C0DATA:1.2' });
  });
});
