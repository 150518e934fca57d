import { describe, expect, it } from '@jest/globals';
import { routedTo } from '../../../src/domain/routing.js';
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
