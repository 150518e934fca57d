// One row per access rule of DESIGN.md ("Access").
import { describe, expect, it } from '@jest/globals';
import { barredFromSource, mayAcknowledge, mayChange, mayUseCredentials, mayUseSource, mayView, type AckPlace } from '../../../src/domain/access.js';
import type { Recipient } from '../../../src/domain/types.js';

const policy = { admins: ['UADMIN'] };
const ch = (id: string): Recipient => ({ kind: 'slack_channel', id });
const alert = (recipients: Recipient[]) => ({ owners: ['UOWNER', 'UCO'], recipients });
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
