// The rules of reconciliation (DESIGN.md, "Reconciliation"), one table per decision, with the
// clock passed in: which records are looked up, what an answer means at which age, how the
// execution's state follows, and what a found message gives the alert's open incident.
import { describe, expect, it } from '@jest/globals';
import {
  decideReconcile,
  firingReportOf,
  firstMessageToRewrite,
  foldReconciled,
  FOUND_NOTE,
  latestOfIncident,
  planLookup,
  RECONCILE_RULES,
  recipientOfKey,
  threadToAdopt,
  type LookupAnswer,
  type ReconcileStep,
} from '../../../src/domain/reconcile.js';
import type { DeliveryRecord, ExecutionState } from '../../../src/domain/types.js';
import { makeAlert, makeExecution } from '../../support/fixtures.js';

const t = (hms: string) => new Date(`2026-11-25T${hms}Z`);
const TIMED_OUT = 'Slack did not answer in time after the message was sent; the message may or may not have been posted, so Lookout did not send it again.';

const unknown = (recipient = 'channel:C0OPS'): DeliveryRecord => ({ recipient, ok: false, unknown: true, error: TIMED_OUT, ref: null, note: null });
const ok = (recipient: string, ref: string | null = 'C0OPS:1.000100', note: string | null = null): DeliveryRecord => ({ recipient, ok: true, unknown: false, error: null, ref, note });
const failed = (recipient: string, error: string): DeliveryRecord => ({ recipient, ok: false, unknown: false, error, ref: null, note: null });

describe('planLookup: only unknown Slack sends of one message are looked up', () => {
  const alert = makeAlert();
  const rows: [string, DeliveryRecord, Partial<Parameters<typeof planLookup>[1]>, 'look' | 'leave'][] = [
    ['an unknown post to a channel', unknown('channel:C0OPS'), {}, 'look'],
    ['an unknown DM to a person', unknown('user:U0ANA'), {}, 'look'],
    ['an unknown email (a mail server keeps no list to ask)', unknown('email:ana@example.com'), {}, 'leave'],
    ['a delivered send', ok('channel:C0OPS'), {}, 'leave'],
    ['a send that failed for sure', failed('channel:C0OPS', 'not_in_channel'), {}, 'leave'],
    ['one already found', { ...unknown(), ok: true, unknown: false, reconciled: 'found' }, {}, 'leave'],
    ['one Lookout gave up on (unknown still, but reconciled)', { ...unknown(), reconciled: 'gave_up' }, {}, 'leave'],
    ['a recipient key Lookout does not know', unknown('team:T1'), {}, 'leave'],
    ['new rows (several messages per recipient)', unknown(), { measure: { kind: 'new_rows', keyColumn: 'id', maxPerTick: 20, sendFirstRun: false, retentionDays: 30 } }, 'leave'],
  ];
  it.each(rows)('%s', (_, record, overrides, expected) => {
    expect(planLookup(record, { ...alert, ...overrides } as typeof alert).kind).toBe(expected);
  });
  it('names the recipient to ask for', () => {
    expect(planLookup(unknown('user:U0ANA'), alert)).toEqual({ kind: 'look', recipient: { kind: 'slack_user', id: 'U0ANA' } });
  });
});

describe('decideReconcile: what an answer means, by how long ago the send ended', () => {
  const endedAt = t('09:00:15');
  const rules = RECONCILE_RULES; // settle 5 min, give up 30 min
  const found: LookupAnswer = { kind: 'found', ref: 'C0OPS:1764061200.000100', reply: false, digest: false };
  const absent: LookupAnswer = { kind: 'absent' };
  const unanswered: LookupAnswer = { kind: 'unanswered', why: 'Slack answered HTTP 503' };
  const rows: [string, LookupAnswer, string, ReconcileStep['kind'], DeliveryRecord['reconciled'] | null, boolean][] = [
    ['found at once: delivered, no notice', found, '09:00:20', 'record', 'found', false],
    ['found a day later: still delivered', found, '23:59:00', 'record', 'found', false],
    ['absent within the settle time: Slack may still be posting it', absent, '09:05:14', 'wait', null, false],
    ['absent once the settle time is over: missing, owners told', absent, '09:05:15', 'record', 'missing', true],
    ['no answer within the give-up time: ask again later', unanswered, '09:30:14', 'wait', null, false],
    ['no answer for the give-up time: given up, owners told', unanswered, '09:30:15', 'record', 'gave_up', true],
  ];
  it.each(rows)('%s', (_, answer, now, kind, reconciled, tell) => {
    const step = decideReconcile({ record: unknown(), endedAt, now: t(now), answer, rules });
    expect(step.kind).toBe(kind);
    if (step.kind === 'record') {
      expect(step.record.reconciled).toBe(reconciled);
      expect(step.tell).toBe(tell);
    }
  });
  it('a found send is delivered with its ts and a note saying how', () => {
    const step = decideReconcile({ record: unknown(), endedAt, now: t('09:01:00'), answer: found, rules });
    expect(step).toEqual({
      kind: 'record',
      record: { recipient: 'channel:C0OPS', ok: true, unknown: false, error: null, ref: 'C0OPS:1764061200.000100', note: FOUND_NOTE, reconciled: 'found' },
      tell: false,
    });
  });
  it('a send found inside a storm digest records the digest\'s ref, as a digested send does', () => {
    const step = decideReconcile({ record: unknown(), endedAt, now: t('09:01:00'), answer: { ...found, digest: true }, rules });
    expect(step.kind === 'record' && step.record).toMatchObject({ ok: true, ref: 'C0OPS:1764061200.000100', digest: true, reconciled: 'found' });
  });
  it('a missing send failed for sure: "did not arrive", with what Slack did before', () => {
    const step = decideReconcile({ record: unknown(), endedAt, now: t('09:06:00'), answer: absent, rules });
    expect(step.kind === 'record' && step.record).toMatchObject({ ok: false, unknown: false, ref: null, reconciled: 'missing' });
    expect(step.kind === 'record' && step.record.error).toMatch(/^did not arrive \(Slack did not answer in time/);
  });
  it('a send given up on stays unknown, saying why Slack could not be asked', () => {
    const step = decideReconcile({ record: unknown(), endedAt, now: t('10:00:00'), answer: unanswered, rules });
    expect(step.kind === 'record' && step.record).toMatchObject({ ok: false, unknown: true, reconciled: 'gave_up' });
    expect(step.kind === 'record' && step.record.error).toContain('(Slack answered HTTP 503)');
  });
  it('takes the times it is given (a test scales them down)', () => {
    const scaled = { settleMs: 5_000, giveUpMs: 60_000 };
    expect(decideReconcile({ record: unknown(), endedAt, now: t('09:00:19'), answer: absent, rules: scaled }).kind).toBe('wait');
    expect(decideReconcile({ record: unknown(), endedAt, now: t('09:00:20'), answer: absent, rules: scaled }).kind).toBe('record');
  });
});

describe('foldReconciled: the execution as its records now say', () => {
  const foundRecord: DeliveryRecord = { ...ok('channel:C0OPS'), note: FOUND_NOTE, reconciled: 'found' };
  const rows: [string, { state: ExecutionState; reason: string | null; deliveries: DeliveryRecord[] }, DeliveryRecord[], ExecutionState, RegExp | null][] = [
    [
      'UNKNOWN → SUCCESS when the one unknown send is found',
      { state: 'UNKNOWN', reason: `delivery failed for channel:C0OPS: outcome unknown (${TIMED_OUT}); not re-sent`, deliveries: [unknown()] },
      [foundRecord],
      'SUCCESS',
      /^delivered with notes: channel:C0OPS: Slack did not answer in time; Lookout found the message afterwards$/,
    ],
    [
      'UNKNOWN stays UNKNOWN while another send is still unknown',
      { state: 'UNKNOWN', reason: 'x', deliveries: [unknown(), unknown('user:U0ANA')] },
      [foundRecord, unknown('user:U0ANA')],
      'UNKNOWN',
      /user:U0ANA: outcome unknown/,
    ],
    [
      'UNKNOWN → ERROR "did not arrive" when it is missing',
      { state: 'UNKNOWN', reason: 'x', deliveries: [unknown()] },
      [{ ...unknown(), unknown: false, error: 'did not arrive (…)', reconciled: 'missing' }],
      'ERROR',
      /^delivery failed for channel:C0OPS: did not arrive/,
    ],
    [
      'ERROR stays ERROR when another recipient failed for sure',
      { state: 'ERROR', reason: 'x', deliveries: [unknown(), failed('user:U0ANA', 'user_not_found')] },
      [foundRecord, failed('user:U0ANA', 'user_not_found')],
      'ERROR',
      /^delivery failed for user:U0ANA: user_not_found$/,
    ],
    [
      'a recovery stays NOOP with its reason, however its messages went',
      { state: 'NOOP', reason: '3, not > 10; resolved', deliveries: [unknown()] },
      [foundRecord],
      'NOOP',
      /^3, not > 10; resolved$/,
    ],
  ];
  it.each(rows)('%s', (_, execution, records, state, reason) => {
    const folded = foldReconciled(execution, records);
    expect(folded.state).toBe(state);
    if (reason !== null) expect(folded.reason).toMatch(reason);
  });
  it('keeps the content notes the tick added after the delivery reason', () => {
    const before = `delivery failed for channel:C0OPS: outcome unknown (${TIMED_OUT}); not re-sent`;
    const folded = foldReconciled({ state: 'UNKNOWN', reason: `${before}; The screenshot is missing: timeout`, deliveries: [unknown()] }, [foundRecord]);
    expect(folded).toEqual({ state: 'SUCCESS', reason: `delivered with notes: channel:C0OPS: ${FOUND_NOTE}; The screenshot is missing: timeout` });
  });
});

describe('threadToAdopt: a found message threads its incident again (foldRuntime\'s rule)', () => {
  const firingSince = t('09:00:00');
  const alert = makeAlert({ firingSince, threads: {} });
  const record = { recipient: 'channel:C0OPS', ok: true, ref: 'C0OPS:1.000100' };
  const rows: [string, Parameters<typeof threadToAdopt>[0], Parameters<typeof threadToAdopt>[1], string | null][] = [
    ['the first message of the open incident, no thread yet', alert, { scheduledAt: firingSince, state: 'UNKNOWN' }, 'C0OPS:1.000100'],
    ['a later top-level message of the incident, no thread yet (the first was lost)', alert, { scheduledAt: t('09:02:00'), state: 'UNKNOWN' }, 'C0OPS:1.000100'],
    ['the recipient has a thread already', { ...alert, threads: { 'channel:C0OPS': 'C0OPS:0.000001' } }, { scheduledAt: firingSince, state: 'UNKNOWN' }, null],
    ['another recipient\'s thread does not count', { ...alert, threads: { 'user:U0ANA': 'D0ANA:0.000001' } }, { scheduledAt: firingSince, state: 'UNKNOWN' }, 'C0OPS:1.000100'],
    ['an earlier incident\'s message', alert, { scheduledAt: t('08:55:00'), state: 'UNKNOWN' }, null],
    ['the incident is over', { ...alert, firingSince: null }, { scheduledAt: firingSince, state: 'UNKNOWN' }, null],
    ['a recovery message', alert, { scheduledAt: t('09:05:00'), state: 'NOOP' }, null],
    ['a report', { ...alert, type: 'report' }, { scheduledAt: firingSince, state: 'UNKNOWN' }, null],
  ];
  it.each(rows)('%s', (_, a, execution, expected) => {
    expect(threadToAdopt(a, execution, record)).toBe(expected);
  });
  it('not for a record that is not delivered', () => {
    expect(threadToAdopt(alert, { scheduledAt: firingSince, state: 'UNKNOWN' }, { ...record, ok: false })).toBeNull();
  });
});

describe('firstMessageToRewrite: the first message shows the alert now after a message of its incident is found', () => {
  const firingSince = t('09:00:00');
  const thread = 'C0OPS:1.000100';
  const alert = makeAlert({ firingSince, threads: { 'channel:C0OPS': thread } });
  const first = { execution: { id: 'e1', scheduledAt: firingSince, state: 'UNKNOWN' as const }, ref: thread, reply: false, recipient: 'channel:C0OPS' };
  const reply = { execution: { id: 'e2', scheduledAt: t('09:01:00'), state: 'UNKNOWN' as const }, ref: thread, reply: true, recipient: 'channel:C0OPS' };
  const rows: [string, Parameters<typeof firstMessageToRewrite>[0], Parameters<typeof firstMessageToRewrite>[1], { id: string } | null, string | null][] = [
    ['the first message itself, nothing ran after it: it is the newest already', alert, first, { id: 'e1' }, null],
    ['the first message itself, the alert ran again since', alert, first, { id: 'e3' }, thread],
    ['a reply in its thread (the tick could not rewrite after it)', alert, reply, { id: 'e2' }, thread],
    ['a later top-level message while the first is the thread', alert, { ...reply, ref: 'C0OPS:2.000200', reply: false }, { id: 'e2' }, thread],
    ['no thread for the recipient', { ...alert, threads: {} }, reply, { id: 'e2' }, null],
    ['the incident is over', { ...alert, firingSince: null }, reply, { id: 'e2' }, null],
  ];
  it.each(rows)('%s', (_, a, found, latest, expected) => {
    expect(firstMessageToRewrite(a, found, latest)).toBe(expected);
  });
});

describe('latestOfIncident and firingReportOf: what the rewritten first message shows', () => {
  it('the newest run of the open incident that evaluated the alert', () => {
    const alert = { firingSince: t('09:00:00') };
    const history = [
      { id: 'skipped', scheduledAt: t('09:04:00'), state: 'SKIPPED' as const },
      { id: 'grace', scheduledAt: t('09:03:00'), state: 'GRACE' as const },
      { id: 'first', scheduledAt: t('09:00:00'), state: 'UNKNOWN' as const },
      { id: 'before', scheduledAt: t('08:59:00'), state: 'SUCCESS' as const },
    ];
    expect(latestOfIncident(alert, history)?.id).toBe('grace');
    expect(latestOfIncident({ firingSince: null }, history)).toBeNull();
  });
  it('one value: no series report', () => {
    expect(firingReportOf(makeAlert(), makeExecution())).toBeNull();
  });
  it('series: those the run left firing', () => {
    const alert = makeAlert({ labels: ['region'] });
    const report = firingReportOf(alert, makeExecution({
      series: [
        { key: 'eu', labels: { region: 'eu' }, event: 'repeat', status: 'firing', level: 'critical', value: '7', reason: '7 > 5' },
        { key: 'us', labels: { region: 'us' }, event: 'normal', status: 'normal', level: null, value: '1', reason: '1, not > 5' },
      ],
    }));
    expect(report?.firing.map((i) => i.key)).toEqual(['eu']);
    expect(report?.total).toBe(2);
  });
});

describe('recipientOfKey', () => {
  it.each([
    ['channel:C0OPS', { kind: 'slack_channel', id: 'C0OPS' }],
    ['user:U0ANA', { kind: 'slack_user', id: 'U0ANA' }],
    ['email:ana@example.com', { kind: 'email', address: 'ana@example.com' }],
    ['team:T1', null],
    ['channel:', null],
  ])('%s', (key, recipient) => {
    expect(recipientOfKey(key)).toEqual(recipient);
  });
});
