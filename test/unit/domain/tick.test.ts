import { describe, expect, it } from '@jest/globals';
import { decideStart, foldDeliveries, foldRuntime, type RuntimeInput } from '../../../src/domain/tick.js';
import { NO_TRIAGE_RUNTIME, type AlertRuntime, type DeliveryRecord } from '../../../src/domain/types.js';

const t = (iso: string) => new Date(`2026-11-25T${iso}Z`);

const alertBase = {
  active: true,
  snoozedUntil: null,
  workingTimeoutS: 300,
  type: 'alert' as const,
  condition: { op: '>' as const, threshold: 10 },
  firingSince: null,
  lastSentTick: null,
  gracePeriodS: 300,
};

const runtime: AlertRuntime = {
  lastState: null,
  lastEvaluatedAt: null,
  lastSentAt: null,
  lastSentTick: null,
  firingSince: null,
  lastErrorNoticeAt: null,
  threads: {},
  drawn: {},
  series: {},
  keysSeededAt: null,
  ...NO_TRIAGE_RUNTIME,
};

const ok = (recipient: string, ref: string | null = null): DeliveryRecord => ({
  recipient,
  ok: true,
  unknown: false,
  error: null,
  ref,
  note: null,
});
const failed = (recipient: string, error: string, unknown = false): DeliveryRecord => ({
  recipient,
  ok: false,
  unknown,
  error,
  ref: null,
  note: null,
});

describe('decideStart (steps 1 and 2)', () => {
  const now = t('10:00:00');
  it('skips a paused alert', () => {
    expect(decideStart({ alert: { ...alertBase, active: false }, trigger: 'schedule', now, running: null })).toEqual({
      kind: 'skip',
      reason: 'paused',
    });
  });
  it('skips a snoozed alert until the snooze ends', () => {
    const alert = { ...alertBase, snoozedUntil: t('11:00:00') };
    expect(decideStart({ alert, trigger: 'schedule', now, running: null }).kind).toBe('skip');
    expect(decideStart({ alert, trigger: 'schedule', now: t('11:00:00'), running: null }).kind).toBe('evaluate');
  });
  it('run now runs even when paused or snoozed', () => {
    const alert = { ...alertBase, active: false, snoozedUntil: t('11:00:00') };
    expect(decideStart({ alert, trigger: 'run_now', now, running: null })).toEqual({ kind: 'evaluate', timeOutPrevious: null });
  });
  it('skips while a previous execution is younger than the working timeout', () => {
    const d = decideStart({ alert: alertBase, trigger: 'schedule', now, running: { startedAt: t('09:58:00'), sendStartedAt: null } });
    expect(d).toEqual({ kind: 'skip', reason: 'still running (previous run started 120 s ago)' });
  });
  it('times out a previous execution older than the working timeout (ERROR) and goes on', () => {
    const d = decideStart({ alert: alertBase, trigger: 'schedule', now, running: { startedAt: t('09:55:00'), sendStartedAt: null } });
    expect(d).toEqual({
      kind: 'evaluate',
      timeOutPrevious: { kind: 'finish', state: 'ERROR', reason: 'working timeout: still running after 300 s; a newer tick took over' },
    });
  });
  it('a previous execution that began sending is timed out as UNKNOWN', () => {
    const d = decideStart({ alert: alertBase, trigger: 'schedule', now, running: { startedAt: t('09:55:00'), sendStartedAt: t('09:55:02') } });
    expect(d).toMatchObject({ kind: 'evaluate', timeOutPrevious: { state: 'UNKNOWN' } });
  });
});

describe('foldDeliveries (step 5)', () => {
  it('all delivered → SUCCESS', () => {
    expect(foldDeliveries([ok('channel:C1'), ok('email:a@b.c')])).toEqual({ state: 'SUCCESS', reason: null });
  });
  it('any failed → ERROR naming which', () => {
    const fold = foldDeliveries([ok('channel:C1'), failed('email:a@b.c', 'SMTP refused')]);
    expect(fold.state).toBe('ERROR');
    expect(fold.reason).toBe('delivery failed for email:a@b.c: SMTP refused');
  });
  it('only unknown outcomes → UNKNOWN, saying it was not re-sent', () => {
    const fold = foldDeliveries([ok('channel:C1'), failed('channel:C2', 'timeout', true)]);
    expect(fold.state).toBe('UNKNOWN');
    expect(fold.reason).toContain('not re-sent');
  });
  it('delivered with a note (a file that did not upload) → SUCCESS, the note kept as the reason', () => {
    const fold = foldDeliveries([ok('channel:C1'), { ...ok('channel:C2'), note: 'the CSV could not be uploaded' }]);
    expect(fold).toEqual({ state: 'SUCCESS', reason: 'delivered with notes: channel:C2: the CSV could not be uploaded' });
  });
});

describe('foldRuntime (steps 4-6)', () => {
  const base: RuntimeInput = {
    runtime,
    gracePeriodS: 300,
    state: 'SUCCESS',
    trigger: 'schedule',
    scheduledAt: t('10:00:00'),
    now: t('10:00:02'),
    sent: 'firing',
    conditionFalse: false,
    conditionTrue: true,
    deliveries: [ok('channel:C1', 'C1:1')],
  };
  it('a firing send records the sent tick, the firing start and the thread', () => {
    expect(foldRuntime(base).runtime).toEqual({
      lastState: 'SUCCESS',
      lastEvaluatedAt: t('10:00:02'),
      lastErrorNoticeAt: null,
      lastSentAt: t('10:00:02'),
      lastSentTick: t('10:00:00'),
      firingSince: t('10:00:00'),
      threads: { 'channel:C1': 'C1:1' },
    });
  });
  it('keeps what each first message shows as the last send said, and forgets it with the incident', () => {
    const drew = (recipient: string, ref: string, drawn: string) => ({ ...ok(recipient, ref), drawn });
    // A new incident keeps only this send's word (nothing of an earlier incident).
    const started = foldRuntime({ ...base, runtime: { ...runtime, drawn: { 'channel:C9': 'old' } }, deliveries: [drew('channel:C1', 'C1:1', 'C1:1|own|')] }).runtime;
    expect(started.drawn).toEqual({ 'channel:C1': 'C1:1|own|' });
    // While it lasts, a repeat's word replaces the kept one; a recipient whose send said nothing (failed) keeps its own.
    const firing = { ...runtime, firingSince: t('09:00:00'), threads: { 'channel:C1': 'C1:1', 'channel:C2': 'C2:1' }, drawn: { 'channel:C1': 'C1:1|own|', 'channel:C2': 'C2:1|digest' } };
    const failed = { recipient: 'channel:C2', ok: false, unknown: false, error: 'boom', ref: null, note: null, drawn: 'never' };
    const repeat = foldRuntime({ ...base, runtime: firing, deliveries: [drew('channel:C1', 'C1:1', 'C1:1|own|h1'), failed] }).runtime;
    expect(repeat.drawn).toEqual({ 'channel:C1': 'C1:1|own|h1', 'channel:C2': 'C2:1|digest' });
    // A resolution held open (triage) still records what its reply drew on the first message.
    const held = foldRuntime({ ...base, runtime: firing, sent: 'resolved', conditionTrue: false, conditionFalse: true, incident: 'keep', deliveries: [drew('channel:C1', 'C1:1', 'C1:1|own|r')] }).runtime;
    expect(held.drawn).toEqual({ 'channel:C1': 'C1:1|own|r', 'channel:C2': 'C2:1|digest' });
    const resolved = foldRuntime({ ...base, runtime: firing, sent: 'resolved', conditionTrue: false, conditionFalse: true, deliveries: [drew('channel:C1', 'C1:1', 'C1:1|own|r')] }).runtime;
    expect(resolved.drawn).toEqual({});
    // A run that sent nothing, or whose sends said what was kept, writes nothing.
    expect(foldRuntime({ ...base, runtime: firing, sent: null, deliveries: [] }).runtime.drawn).toBeUndefined();
    expect(foldRuntime({ ...base, runtime: firing, deliveries: [drew('channel:C1', 'C1:1', 'C1:1|own|')] }).runtime.drawn).toBeUndefined();
  });
  it('while firing, the first message stays each recipient’s thread and a new recipient gets one', () => {
    const firing = { ...runtime, firingSince: t('09:00:00'), threads: { 'channel:C1': 'C1:1' } };
    const change = foldRuntime({ ...base, runtime: firing, deliveries: [ok('channel:C1', 'C1:9'), ok('channel:C2', 'C2:5')] });
    expect(change.runtime.threads).toEqual({ 'channel:C1': 'C1:1', 'channel:C2': 'C2:5' });
    expect(change.runtime.firingSince).toBeUndefined();
  });
  it('the end of an incident ends its acknowledgement and reminders; a held resolution keeps it open', () => {
    const firing = { ...runtime, firingSince: t('09:00:00'), threads: { 'channel:C1': 'C1:1' }, ack: { by: 'UBOB', at: t('09:30:00'), channel: 'C1' }, reminded: { sent: 2, lastTick: t('09:45:00') } };
    const recovered = { ...base, runtime: firing, sent: null, conditionFalse: true, conditionTrue: false, deliveries: [] };
    expect(foldRuntime(recovered).runtime).toMatchObject({ firingSince: null, threads: {}, ack: null, reminded: { sent: 0, lastTick: null } });
    expect(foldRuntime({ ...recovered, incident: 'keep' }).runtime.firingSince).toBeUndefined();
    const closed = foldRuntime({ ...recovered, conditionFalse: false, sent: 'resolved', incident: 'close' }).runtime;
    expect(closed).toMatchObject({ firingSince: null, threads: {}, ack: null });
  });
  it('run now does not move the grace window', () => {
    expect(foldRuntime({ ...base, trigger: 'run_now' }).runtime.lastSentTick).toBeUndefined();
  });
  it('a recovery clears the firing state and its threads', () => {
    const firing = { ...runtime, firingSince: t('09:00:00'), threads: { 'channel:C1': 'C1:1' } };
    const change = foldRuntime({ ...base, runtime: firing, state: 'NOOP', sent: 'resolved', conditionTrue: false, conditionFalse: true });
    expect(change.runtime.firingSince).toBeNull();
    expect(change.runtime.threads).toEqual({});
  });
  it('an error notifies owners once per throttle window, and a success resets the throttle', () => {
    const error = { ...base, state: 'ERROR' as const, sent: null, conditionTrue: false, deliveries: [] };
    const first = foldRuntime(error);
    expect(first.notifyOwners).toBe(true);
    const second = foldRuntime({ ...error, runtime: { ...runtime, lastErrorNoticeAt: t('10:00:02') }, now: t('10:01:00') });
    expect(second.notifyOwners).toBe(false);
    const success = foldRuntime({ ...base, runtime: { ...runtime, lastErrorNoticeAt: t('10:00:02') } });
    expect(success.runtime.lastErrorNoticeAt).toBeNull();
  });
  it('a skipped tick changes nothing', () => {
    expect(foldRuntime({ ...base, state: 'SKIPPED' })).toEqual({ runtime: {}, notifyOwners: false });
  });
});
