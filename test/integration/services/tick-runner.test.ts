// The execution state machine carried out end to end: real store (PostgreSQL), real SQLite
// data source, recording delivery, a clock moved by hand.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Alert } from '../../../src/domain/types.js';
import { createHarness, OWNER, type Harness } from '../../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({
    // A delivery that takes 40 s of (test) time, for the slow-delivery case.
    delivery: (recording, clock) => ({
      async send(recipient, message, signal) {
        if (message.alert.name.startsWith('slow')) clock.advance(40_000);
        return recording.send(recipient, message, signal);
      },
    }),
  });
});
afterAll(async () => h.close());
beforeEach(() => {
  h.recording.sent.length = 0;
  h.recording.clearFailures();
  h.setMetric(42);
});

const base = new Date('2026-11-25T00:00:00Z').getTime();
const minute = (i: number) => new Date(base + i * 60_000);

/** Runs scheduled tick i (00:0i) of an alert, one second after it is due. */
async function tick(alert: Alert, i: number) {
  h.clock.set(new Date(minute(i).getTime() + 1000));
  const summary = await h.runner.runTick({ alertId: alert.id, scheduledAt: minute(i), trigger: 'schedule' });
  if (summary === null) throw new Error('tick was not claimed');
  return summary;
}

/** Messages of this kind sent for the alert; 'firing' counts the repeats in its thread too. */
const sentTo = (alert: Alert, kind: string) =>
  h.recording.sent.filter((m) => m.message.alert.id === alert.id && (m.message.kind === kind || (kind === 'firing' && m.message.kind === 'repeat')));

describe('grace period between scheduled ticks', () => {
  it('grace 1 s, condition always true: 10 ticks → 10 sends', async () => {
    const alert = await h.createAlert({ gracePeriodS: 1 });
    const states = [];
    for (let i = 1; i <= 10; i += 1) states.push((await tick(alert, i)).state);
    expect(states).toEqual(Array(10).fill('SUCCESS'));
    expect(sentTo(alert, 'firing')).toHaveLength(10);
  });

  it('grace 300 s: ticks 1 and 6 send, 2-5 record GRACE', async () => {
    const alert = await h.createAlert({ gracePeriodS: 300 });
    const states = [];
    for (let i = 1; i <= 7; i += 1) states.push((await tick(alert, i)).state);
    expect(states).toEqual(['SUCCESS', 'GRACE', 'GRACE', 'GRACE', 'GRACE', 'SUCCESS', 'GRACE']);
    expect(sentTo(alert, 'firing').map((m) => m.message.scheduledAt)).toEqual([minute(1), minute(6)]);
  });

  it('a delivery that took 40 s does not push the next tick into the grace period', async () => {
    const alert = await h.createAlert({ name: 'slow delivery', gracePeriodS: 60 });
    expect((await tick(alert, 1)).state).toBe('SUCCESS');
    // Finished at 00:01:41; measured from there, 00:02 would be 19 s later and silenced.
    expect((await tick(alert, 2)).state).toBe('SUCCESS');
    expect(sentTo(alert, 'firing')).toHaveLength(2);
  });
});

describe('the evaluation slot', () => {
  it('is given back once the messages went, before the run ends, and once only', async () => {
    const alert = await h.createAlert({ gracePeriodS: 1 });
    h.clock.set(new Date(minute(1).getTime() + 1000));
    const claimed = await h.runner.claim({ alertId: alert.id, scheduledAt: minute(1), trigger: 'schedule' });
    if (claimed === null) throw new Error('tick was not claimed');
    let ended = false;
    const atRelease: { sent: number; ended: boolean }[] = [];
    const run = h.runner.runClaimed(claimed.alert, claimed.execution, undefined, () => {
      atRelease.push({ sent: sentTo(alert, 'firing').length, ended });
    });
    const summary = await run.finally(() => {
      ended = true;
    });
    expect(summary.state).toBe('SUCCESS');
    expect(atRelease).toEqual([{ sent: 1, ended: false }]);
    expect((await h.store.getExecution(claimed.execution.id))?.state).toBe('SUCCESS');
  });
});

describe('condition and recovery', () => {
  it('condition false → NOOP and nothing sent', async () => {
    h.setMetric(5);
    const alert = await h.createAlert();
    const summary = await tick(alert, 1);
    expect(summary.state).toBe('NOOP');
    expect(summary.reason).toContain('5');
    expect(h.recording.sent).toHaveLength(0);
  });

  it('firing then false with recovery on → one resolved notice, in the firing thread', async () => {
    const alert = await h.createAlert({ notifyOnRecovery: true });
    await tick(alert, 1);
    const firing = sentTo(alert, 'firing');
    expect(firing).toHaveLength(1);
    h.setMetric(5);
    expect((await tick(alert, 2)).state).toBe('NOOP');
    expect((await tick(alert, 3)).state).toBe('NOOP');
    const resolved = sentTo(alert, 'resolved');
    expect(resolved).toHaveLength(1);
    const firstRef = (await h.store.history(alert.id, 10)).find((e) => e.scheduledAt.getTime() === minute(1).getTime())
      ?.deliveries[0]?.ref;
    expect(resolved[0]?.message).toMatchObject({ kind: 'resolved', threadRef: firstRef });
    expect((await h.store.getAlert(alert.id))?.firingSince).toBeNull();
  });

  it('firing then false with recovery off → no notice', async () => {
    const alert = await h.createAlert({ notifyOnRecovery: false });
    await tick(alert, 1);
    h.setMetric(5);
    expect((await tick(alert, 2)).state).toBe('NOOP');
    expect(sentTo(alert, 'resolved')).toHaveLength(0);
  });

  it('NULL → NOOP "NULL value"; a string for > → ERROR saying so, and the owners hear of it', async () => {
    const alert = await h.createAlert();
    h.setMetric(null);
    expect(await tick(alert, 1)).toMatchObject({ state: 'NOOP', reason: 'NULL value' });
    h.setMetric('abc');
    const error = await tick(alert, 2);
    expect(error.state).toBe('ERROR');
    expect(error.reason).toContain("'abc'");
    expect(error.ownersNotified).toBe(true);
    const notices = sentTo(alert, 'error_notice');
    expect(notices.map((m) => m.recipient)).toEqual([`user:${OWNER}`]);
    expect(notices[0]?.message).toMatchObject({ kind: 'error_notice', error: expect.stringContaining("'abc'") });
  });
});

describe('owner error notices', () => {
  it('errors at 00:00, 00:30, 01:30 with a 1-hour throttle → 2 notices', async () => {
    h.setMetric('abc');
    const alert = await h.createAlert({ gracePeriodS: 3600 });
    for (const i of [0, 30, 90]) expect((await tick(alert, i)).state).toBe('ERROR');
    expect(sentTo(alert, 'error_notice').map((m) => m.message.scheduledAt)).toEqual([minute(0), minute(90)]);
  });

  it('error, error, success, error → a notice again after the success', async () => {
    const alert = await h.createAlert({ gracePeriodS: 3600 });
    h.setMetric('abc');
    await tick(alert, 1);
    await tick(alert, 2);
    h.setMetric(5);
    expect((await tick(alert, 3)).state).toBe('NOOP');
    h.setMetric('abc');
    await tick(alert, 4);
    expect(sentTo(alert, 'error_notice').map((m) => m.message.scheduledAt)).toEqual([minute(1), minute(4)]);
  });
});

describe('deliveries', () => {
  it('one failing recipient does not block the others; the execution names it', async () => {
    const alert = await h.createAlert({
      recipients: [
        { kind: 'slack_channel', id: 'C0ONE' },
        { kind: 'email', address: 'ops@example.com' },
        { kind: 'slack_channel', id: 'C0TWO' },
      ],
    });
    h.recording.fail('email:ops@example.com', 'SMTP refused the message');
    const summary = await tick(alert, 1);
    expect(summary.state).toBe('ERROR');
    expect(summary.reason).toBe('delivery failed for email:ops@example.com: SMTP refused the message');
    expect(sentTo(alert, 'firing').map((m) => m.recipient).sort()).toEqual(['channel:C0ONE', 'channel:C0TWO']);
    const [execution] = await h.store.history(alert.id, 1);
    expect(execution?.deliveries.map((d) => [d.recipient, d.ok])).toEqual([
      ['channel:C0ONE', true],
      ['email:ops@example.com', false],
      ['channel:C0TWO', true],
    ]);
  });

  it('a report sends every tick, ignoring the grace period', async () => {
    const alert = await h.createAlert({ type: 'report', condition: null, gracePeriodS: 3600 });
    for (let i = 1; i <= 3; i += 1) expect((await tick(alert, i)).state).toBe('SUCCESS');
    expect(sentTo(alert, 'report')).toHaveLength(3);
  });
});

describe('pause, snooze, resume, run now', () => {
  it('paused and snoozed alerts do not evaluate; resume restores the schedule', async () => {
    const alert = await h.createAlert();
    h.clock.set(minute(0));
    const paused = await h.service.pause({ userId: OWNER }, alert.name);
    expect(paused.nextRunAt).toBeNull();
    expect(await tick(paused, 1)).toMatchObject({ state: 'SKIPPED', reason: 'paused' });

    h.clock.set(new Date(minute(1).getTime() + 30_000));
    const resumed = await h.service.resume({ userId: OWNER }, alert.id);
    expect(resumed.nextRunAt).toEqual(minute(2));

    const snoozed = await h.service.snooze({ userId: OWNER }, alert.id, minute(10));
    expect((await tick(snoozed, 2)).state).toBe('SKIPPED');
    expect(h.recording.sent).toHaveLength(0);
    expect((await tick(snoozed, 10)).state).toBe('SUCCESS');
  });

  it('run now sends even inside the grace period, once per request', async () => {
    const alert = await h.createAlert({ gracePeriodS: 3600 });
    await tick(alert, 1);
    h.clock.set(new Date(minute(1).getTime() + 5000));
    await h.service.runNow({ userId: OWNER }, alert.id);
    expect(sentTo(alert, 'firing')).toHaveLength(2);
    // The same request delivered twice (a retried job) finds its tick claimed.
    const again = await h.runner.runTick({ alertId: alert.id, scheduledAt: h.clock(), trigger: 'run_now' });
    expect(again).toBeNull();
    expect(sentTo(alert, 'firing')).toHaveLength(2);
  });
});

describe('claims', () => {
  it('a tick is claimed once: running it twice evaluates and sends once', async () => {
    const alert = await h.createAlert();
    const [a, b] = await Promise.all([
      h.runner.runTick({ alertId: alert.id, scheduledAt: minute(1), trigger: 'schedule' }),
      h.runner.runTick({ alertId: alert.id, scheduledAt: minute(1), trigger: 'schedule' }),
    ]);
    expect([a, b].filter((s) => s !== null)).toHaveLength(1);
    expect(sentTo(alert, 'firing')).toHaveLength(1);
  });

  it('a tick arriving while the previous one still works is SKIPPED', async () => {
    const alert = await h.createAlert({ workingTimeoutS: 300 });
    h.clock.set(minute(1));
    await h.store.claimTick({ alertId: alert.id, scheduledAt: minute(1), trigger: 'schedule', instance: 'other', now: minute(1) });
    const summary = await tick(alert, 2);
    expect(summary.state).toBe('SKIPPED');
    expect(summary.reason).toContain('still running');
  });
});
