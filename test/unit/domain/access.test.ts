// One row per access rule of DESIGN.md ("Access").
import { describe, expect, it } from '@jest/globals';
import { barredFromSource, mayAcknowledge, mayChange, mayUseCredentials, mayUseSource, mayView, type AckPlace } from '../../../src/domain/access.js';
import type { Condition, Level, Recipient } from '../../../src/domain/types.js';

const policy = { admins: ['UADMIN'] };
const ch = (id: string): Recipient => ({ kind: 'slack_channel', id });
const alert = (recipients: Recipient[], warning: Condition | null = null) => ({ owners: ['UOWNER', 'UCO'], recipients, warning });
const WARNING: Condition = { op: '>', threshold: 10 };
/** A recipient sent only these levels. */
const at = (r: Recipient, ...levels: Level[]): Recipient => ({ ...r, levels });
const members = (entries: [string, boolean][]) => new Map(entries);

describe('mayChange', () => {
  it.each([
    ['an owner', 'UOWNER', true],
    ['a co-owner', 'UCO', true],
    ['an admin', 'UADMIN', true],
    ['anyone else', 'UOTHER', false],
  ])('%s → %s', (_, user, expected) => {
    expect(mayChange(user, alert([ch('C1')]), policy)).toBe(expected);
  });
});

describe('mayView', () => {
  it.each<[string, string, Recipient[], [string, boolean][], boolean]>([
    ['an owner, whatever the channels', 'UOWNER', [ch('C1')], [['C1', false]], true],
    ['an admin, whatever the channels', 'UADMIN', [ch('C1')], [], true],
    ['a member of the one channel', 'UOTHER', [ch('C1')], [['C1', true]], true],
    ['a member of every channel', 'UOTHER', [ch('C1'), ch('C2')], [['C1', true], ['C2', true]], true],
    ['a member of some channels only', 'UOTHER', [ch('C1'), ch('C2')], [['C1', true], ['C2', false]], false],
    ['a non-member', 'UOTHER', [ch('C1')], [['C1', false]], false],
    ['membership not known (Slack did not answer)', 'UOTHER', [ch('C1')], [], false],
    ['anyone, for an alert that only DMs', 'UOTHER', [{ kind: 'slack_user', id: 'UOTHER' }], [], false],
    ['anyone, for an alert that only emails', 'UOTHER', [{ kind: 'email', address: 'a@example.com' }], [], false],
    ['a channel member, when the alert also DMs someone', 'UOTHER', [ch('C1'), { kind: 'slack_user', id: 'UCEO' }], [['C1', true]], true],
  ])('%s → %s', (_, user, recipients, memberOf, expected) => {
    expect(mayView(user, alert(recipients), policy, members(memberOf))).toBe(expected);
  });

  // Levels (issue 4/6): channel members see the runs only if their channels were told of every level.
  it.each<[string, string, Recipient[], [string, boolean][], boolean]>([
    ['a member of a channel told only of warnings, critical going to a DM', 'UOTHER', [at(ch('C1'), 'warning'), at({ kind: 'slack_user', id: 'UONCALL' }, 'critical')], [['C1', true]], false],
    ['a member of a channel told only of critical, warnings going by email', 'UOTHER', [at(ch('C1'), 'critical'), at({ kind: 'email', address: 'a@example.com' }, 'warning')], [['C1', true]], false],
    ['a member of both channels, one told of warnings and one of critical', 'UOTHER', [at(ch('C1'), 'warning'), at(ch('C2'), 'critical')], [['C1', true], ['C2', true]], true],
    ['a member of a channel told of both levels', 'UOTHER', [at(ch('C1'), 'warning', 'critical')], [['C1', true]], true],
    ['a member of every channel, one of them at all levels', 'UOTHER', [ch('C1'), at(ch('C2'), 'critical')], [['C1', true], ['C2', true]], true],
    ['an owner, the channels told of warnings only', 'UOWNER', [at(ch('C1'), 'warning'), at({ kind: 'slack_user', id: 'UONCALL' }, 'critical')], [], true],
  ])('%s → %s', (_, user, recipients, memberOf, expected) => {
    expect(mayView(user, alert(recipients, WARNING), policy, members(memberOf))).toBe(expected);
  });

  it('a member of a channel sent critical, for an alert with no warning level', () => {
    expect(mayView('UOTHER', alert([at(ch('C1'), 'critical')]), policy, members([['C1', true]]))).toBe(true);
  });
});

describe('mayAcknowledge', () => {
  const inC1 = (member: boolean): AckPlace => ({ kind: 'channel', id: 'C1', member });
  it.each<[string, string, Recipient[], Record<string, string>, AckPlace, boolean]>([
    ['a member of the channel pressed in', 'UOTHER', [ch('C1')], {}, inC1(true), true],
    ['a non-member, even an owner', 'UOWNER', [ch('C1')], {}, inC1(false), false],
    ['a non-member, even an admin', 'UADMIN', [ch('C1')], {}, inC1(false), false],
    ['a member of a channel the alert moved from, where its incident has a message', 'UOTHER', [ch('C2')], { 'channel:C1': 'C1:1.2' }, inC1(true), true],
    ['a member of a channel the alert never posted this incident to', 'UOTHER', [ch('C2')], { 'channel:C2': 'C2:1.2' }, inC1(true), false],
    ['an owner in a channel of their own, the alert posting elsewhere', 'UOWNER', [ch('C2')], {}, inC1(true), false],
    ['a member, the channel being only a DM thread key of that id', 'UOTHER', [ch('C2')], { 'user:C1': 'D1:1.2' }, inC1(true), false],
    ['in a DM, the person the alert messages', 'UDM', [{ kind: 'slack_user', id: 'UDM' }], {}, { kind: 'dm' }, true],
    ['in a DM, someone the alert no longer messages', 'UDM', [ch('C1')], {}, { kind: 'dm' }, false],
  ])('%s → %s', (_, user, recipients, threads, place, expected) => {
    expect(mayAcknowledge(user, { ...alert(recipients), threads }, place)).toBe(expected);
  });
});

describe('mayUseCredentials (screenshots.auth allowedUsers)', () => {
  it.each<[string, string[], string[], boolean]>([
    ['anyone, when allowedUsers is empty', ['UOTHER'], [], true],
    ['a capture for nobody, when allowedUsers is empty', [], [], true],
    ['every person listed', ['UOWNER', 'UCO'], ['UOWNER', 'UCO'], true],
    ['listed people and admins', ['UOWNER', 'UADMIN'], ['UOWNER'], true],
    ['one person not listed', ['UOWNER', 'UOTHER'], ['UOWNER'], false],
    ['a capture for nobody, when limited', [], ['UOWNER'], false],
  ])('%s → %s', (_, people, allowed, expected) => {
    expect(mayUseCredentials(people, allowed, policy)).toBe(expected);
  });
});

describe('data sources', () => {
  it.each<[string, string, string[], boolean]>([
    ['anyone, when allowedUsers is empty', 'UOTHER', [], true],
    ['a listed user', 'UOWNER', ['UOWNER'], true],
    ['an admin, listed or not', 'UADMIN', ['UOWNER'], true],
    ['someone not listed', 'UCO', ['UOWNER'], false],
  ])('mayUseSource: %s → %s', (_, user, allowed, expected) => {
    expect(mayUseSource(user, allowed, policy)).toBe(expected);
  });

  it('barredFromSource lists each person who may not, once, in order', () => {
    expect(barredFromSource(['UOWNER', 'UCO', 'UADMIN', 'UX', 'UCO'], ['UOWNER'], policy)).toEqual(['UCO', 'UX']);
    expect(barredFromSource(['UCO'], [], policy)).toEqual([]);
  });
});
