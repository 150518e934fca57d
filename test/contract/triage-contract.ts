// The Store contract's cases for triage (issue 4/6): the spec's reminders, quiet hours and
// mentions and recipients' levels; the runtime's acknowledgement, reminders and held-since; the
// conditional acknowledgement; the mute; and the delivery-health look-ups (recent deliveries,
// unknown outcomes, reconciling one). Run by runStoreContract (store-contract.ts) on every adapter.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { LEGACY_TRIAGE, NO_TRIAGE_RUNTIME, type AlertRuntime, type AlertSpec, type DeliveryRecord, type Execution } from '../../src/domain/types.js';
import type { Store } from '../../src/store/port.js';
import { T0, asCreated, newAlertFixture, plusSeconds } from './store-fixtures.js';

interface TriageContractContext {
  /** The test's store, on an empty database. */
  store(): Store;
  claimed(alertId: string, scheduledAt: Date): Promise<Execution>;
}

const minutes = (n: number): Date => plusSeconds(T0, n * 60);

/** Every triage field set, with what MongoDB reads as paths and operators in the strings. */
const TRIAGE: Pick<AlertSpec, 'reminders' | 'quietHours' | 'mentionColumn' | 'mentions' | 'recipients'> = {
  reminders: { mode: 'backoff', firstS: 600, factor: 1.5, capS: 14_400 },
  quietHours: {
    timezone: 'Europe/Berlin',
    windows: [
      { days: [1, 2, 3, 4, 5], from: '20:00', to: '08:00' },
      { days: [0, 6], from: '00:00', to: '23:59' },
    ],
  },
  mentionColumn: 'owner.email',
  mentions: { warning: ['U1', 'S0ONCALL'], critical: ['W2', 'U$1.x'] },
  recipients: [
    { kind: 'slack_channel', id: 'C1', levels: ['critical'] },
    { kind: 'slack_user', id: 'U9', levels: ['warning', 'critical'] },
    { kind: 'email', address: 'ops@example.com', levels: [] },
    { kind: 'slack_channel', id: 'C2' },
  ],
};

const ACK = { by: 'U7', at: new Date('2026-03-01T09:02:03.456Z'), channel: 'C1' };

function delivery(recipient: string, outcome: 'ok' | 'failed' | 'unknown', extra: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    recipient,
    ok: outcome === 'ok',
    unknown: outcome === 'unknown',
    error: outcome === 'ok' ? null : 'Slack did not answer in 10 s',
    ref: outcome === 'ok' ? 'C1:1712345678.000100' : null,
    note: null,
    ...extra,
  };
}

export function describeTriageContract(ctx: TriageContractContext): void {
  const store = (): Store => ctx.store();

  /** An execution claimed at `scheduledAt` (started then) and finished at `finishedAt` with these deliveries. */
  async function finished(alertId: string, scheduledAt: Date, finishedAt: Date, deliveries: DeliveryRecord[]): Promise<Execution> {
    const execution = await ctx.claimed(alertId, scheduledAt);
    const state = deliveries.some((d) => d.unknown) ? 'UNKNOWN' : 'SUCCESS';
    expect(await store().finishExecution(execution.id, { state, reason: null, deliveries, finishedAt })).toBe(true);
    const read = await store().getExecution(execution.id);
    if (read === null) throw new Error('the execution is gone');
    return read;
  }

  describe('triage spec', () => {
    it('round trips reminders, quiet hours, the mention column, mentions and recipients with levels', async () => {
      const spec = newAlertFixture(TRIAGE);
      expect(await store().createAlert(spec)).toEqual(asCreated(spec));
      expect(await store().getAlert(spec.id)).toEqual(asCreated(spec));
      expect(await store().listAlerts()).toEqual([asCreated(spec)]);
    });

    it('changes with an edit, and back to what an alert made before had', async () => {
      const created = await store().createAlert(newAlertFixture());
      expect(created).toMatchObject({ ...LEGACY_TRIAGE });

      const edited = await store().updateAlert(created.id, { ...TRIAGE, updatedBy: 'U2', updatedAt: minutes(1) });
      expect(edited).toEqual({ ...created, ...TRIAGE, updatedBy: 'U2', updatedAt: minutes(1) });
      expect(await store().getAlert(created.id)).toEqual(edited);

      const back = await store().updateAlert(created.id, {
        reminders: { mode: 'grace' },
        quietHours: null,
        mentionColumn: null,
        mentions: { warning: [], critical: [] },
        updatedBy: 'U2',
        updatedAt: minutes(2),
      });
      expect(back).toEqual({ ...edited, ...LEGACY_TRIAGE, updatedAt: minutes(2) });
      expect(await store().getAlert(created.id)).toEqual(back);
    });
  });

  describe('triage runtime', () => {
    it('saves the acknowledgement, reminders and held-since with their times, and clears them', async () => {
      const alert = await store().createAlert(newAlertFixture());
      expect(alert).toMatchObject({ ...NO_TRIAGE_RUNTIME });
      const runtime: Partial<AlertRuntime> = { firingSince: minutes(-5), ack: ACK, reminded: { sent: 3, lastTick: minutes(-1) }, heldSince: minutes(-4) };
      await store().saveRuntime(alert.id, runtime);
      expect(await store().getAlert(alert.id)).toEqual({ ...alert, ...runtime });

      await store().saveRuntime(alert.id, { firingSince: null, ...NO_TRIAGE_RUNTIME });
      expect(await store().getAlert(alert.id)).toEqual({ ...alert, firingSince: null, ...NO_TRIAGE_RUNTIME });
    });

    it('finishing a tick saves its triage runtime with the result', async () => {
      const alert = await store().createAlert(newAlertFixture());
      const execution = await ctx.claimed(alert.id, T0);
      const runtime: Partial<AlertRuntime> = { lastState: 'GRACE', firingSince: minutes(-10), reminded: { sent: 1, lastTick: T0 }, heldSince: minutes(-2) };
      expect(await store().finishExecution(execution.id, { state: 'GRACE', reason: null, finishedAt: plusSeconds(T0, 1) }, runtime)).toBe(true);
      expect(await store().getAlert(alert.id)).toEqual({ ...alert, ...runtime });
    });
  });

  describe('acknowledgement', () => {
    it('is set and cleared only while the incident is the one the caller saw', async () => {
      const firingSince = minutes(-5);
      const alert = await store().createAlert(newAlertFixture());
      await store().saveRuntime(alert.id, { lastState: 'SUCCESS', firingSince });

      expect(await store().setAcknowledgement(alert.id, ACK, new Date(firingSince.getTime()))).toBe(true);
      expect((await store().getAlert(alert.id))?.ack).toEqual(ACK);

      // Another incident (an older button, or one that began since): refused, nothing changed.
      const later = { by: 'U8', at: minutes(1), channel: 'C2' };
      expect(await store().setAcknowledgement(alert.id, later, plusSeconds(firingSince, 0.001))).toBe(false);
      expect(await store().setAcknowledgement(alert.id, null, minutes(-6))).toBe(false);
      expect((await store().getAlert(alert.id))?.ack).toEqual(ACK);

      // Setting it again, or clearing it, on the same incident.
      expect(await store().setAcknowledgement(alert.id, ACK, firingSince)).toBe(true);
      expect(await store().setAcknowledgement(alert.id, null, firingSince)).toBe(true);
      expect((await store().getAlert(alert.id))?.ack).toBeNull();
    });

    it('is refused once the incident resolved, and for an alert that does not exist', async () => {
      const firingSince = minutes(-5);
      const alert = await store().createAlert(newAlertFixture());
      // Never fired: nothing to acknowledge.
      expect(await store().setAcknowledgement(alert.id, ACK, firingSince)).toBe(false);

      await store().saveRuntime(alert.id, { firingSince });
      await store().saveRuntime(alert.id, { firingSince: null, ack: null });
      expect(await store().setAcknowledgement(alert.id, ACK, firingSince)).toBe(false);
      expect((await store().getAlert(alert.id))?.ack).toBeNull();

      expect(await store().setAcknowledgement(randomUUID(), ACK, firingSince)).toBe(false);
    });

    it("is left alone by a tick's runtime save that does not mention it", async () => {
      const firingSince = minutes(-5);
      const alert = await store().createAlert(newAlertFixture());
      await store().saveRuntime(alert.id, { lastState: 'SUCCESS', firingSince });
      // The tick read the alert before the acknowledgement landed...
      const execution = await ctx.claimed(alert.id, T0);
      expect(await store().setAcknowledgement(alert.id, ACK, firingSince)).toBe(true);
      // ...and saves what it changed, which is not `ack`.
      const runtime: Partial<AlertRuntime> = { lastState: 'GRACE', lastEvaluatedAt: T0, reminded: { sent: 1, lastTick: T0 }, heldSince: null };
      expect(await store().finishExecution(execution.id, { state: 'GRACE', reason: null, finishedAt: plusSeconds(T0, 1) }, runtime)).toBe(true);
      await store().saveRuntime(alert.id, { lastSentTick: T0, threads: { 'channel:C1': 'C1:1.2' } });
      expect(await store().getAlert(alert.id)).toMatchObject({ ...runtime, lastSentTick: T0, firingSince, ack: ACK });
    });
  });

  describe('mute', () => {
    it('is none at first, then set, replaced and lifted', async () => {
      expect(await store().getMute()).toBeNull();
      const mute = { until: minutes(120), by: 'U1', at: T0 };
      await store().setMute(mute);
      expect(await store().getMute()).toEqual(mute);

      const longer = { until: minutes(240), by: 'U2', at: minutes(1) };
      await store().setMute(longer);
      expect(await store().getMute()).toEqual(longer);

      await store().setMute(null);
      expect(await store().getMute()).toBeNull();
      await store().setMute(null);
      expect(await store().getMute()).toBeNull();
    });

    it('is returned as stored once expired: callers compare', async () => {
      const expired = { until: minutes(-1), by: 'U1', at: minutes(-61) };
      await store().setMute(expired);
      expect(await store().getMute()).toEqual(expired);
    });
  });

  describe('delivery health', () => {
    it('lists finished executions that delivered, finished at or after a time, newest first, up to a limit', async () => {
      const alert = await store().createAlert(newAlertFixture());
      const other = await store().createAlert(newAlertFixture());
      const since = minutes(10);
      await finished(alert.id, minutes(0), minutes(9), [delivery('channel:C1', 'ok')]); // before `since`
      const atSince = await finished(alert.id, minutes(1), since, [delivery('channel:C1', 'failed')]);
      await finished(alert.id, minutes(2), minutes(11), []); // sent nothing
      const newest = await finished(other.id, minutes(3), minutes(13), [delivery('channel:C1', 'ok'), delivery('email:ops@example.com', 'unknown')]);
      const middle = await finished(alert.id, minutes(4), minutes(12), [delivery('user:U9', 'ok')]);
      await ctx.claimed(alert.id, minutes(5)); // still WORKING

      expect(await store().deliveriesSince(since, 10)).toEqual([newest, middle, atSince]);
      expect(await store().deliveriesSince(since, 2)).toEqual([newest, middle]);
      expect(await store().deliveriesSince(since, 0)).toEqual([]);
      expect(await store().deliveriesSince(minutes(14), 10)).toEqual([]);
    });

    it('lists finished executions with an unknown outcome not yet looked up, started at or after a time, oldest first', async () => {
      const alert = await store().createAlert(newAlertFixture());
      const since = minutes(10);
      await finished(alert.id, minutes(9), minutes(20), [delivery('channel:C1', 'unknown')]); // started before `since`
      const first = await finished(alert.id, since, minutes(21), [delivery('channel:C1', 'ok'), delivery('email:ops@example.com', 'unknown')]);
      await finished(alert.id, minutes(11), minutes(22), [delivery('channel:C1', 'unknown', { reconciled: 'gave_up' })]);
      await finished(alert.id, minutes(12), minutes(23), [delivery('channel:C1', 'failed'), delivery('user:U9', 'ok')]);
      await finished(alert.id, minutes(13), minutes(24), [delivery('channel:C1', 'ok', { unknown: true, reconciled: 'found' })]);
      const third = await finished(alert.id, minutes(15), minutes(25), [
        delivery('channel:C1', 'unknown', { reconciled: 'missing' }),
        delivery('user:U9', 'unknown'),
      ]);
      const second = await finished(alert.id, minutes(14), minutes(26), [delivery('channel:C1', 'unknown', { digest: true })]);

      expect(await store().unknownDeliveries(since, 10)).toEqual([first, second, third]);
      expect(await store().unknownDeliveries(since, 2)).toEqual([first, second]);
      expect(await store().unknownDeliveries(since, 0)).toEqual([]);
    });

    it("reconciling replaces exactly that recipient's record and sets the folded state", async () => {
      const alert = await store().createAlert(newAlertFixture());
      const records = [delivery('channel:C1', 'ok'), delivery('email:ops@example.com', 'unknown'), delivery('user:U9', 'failed')];
      const execution = await finished(alert.id, T0, plusSeconds(T0, 5), records);
      const other = await finished(alert.id, minutes(1), minutes(2), [delivery('email:ops@example.com', 'unknown')]);

      const found = delivery('email:ops@example.com', 'ok', { unknown: true, ref: '<m1@lookout>', reconciled: 'found' });
      const fold = { state: 'ERROR' as const, reason: '1 of 3 deliveries failed: user:U9' };
      expect(await store().reconcileDelivery(execution.id, found, fold)).toBe(true);
      expect(await store().getExecution(execution.id)).toEqual({ ...execution, deliveries: [records[0], found, records[2]], ...fold });
      expect(await store().getExecution(other.id)).toEqual(other);
      expect((await store().unknownDeliveries(T0, 10)).map((e) => e.id)).toEqual([other.id]);

      // Nothing for an execution that does not exist, or a recipient it has no record for.
      const stray = delivery('channel:C9', 'ok', { reconciled: 'found' });
      expect(await store().reconcileDelivery(randomUUID(), found, fold)).toBe(false);
      expect(await store().reconcileDelivery(execution.id, stray, { state: 'SUCCESS', reason: null })).toBe(false);
      expect(await store().getExecution(execution.id)).toEqual({ ...execution, deliveries: [records[0], found, records[2]], ...fold });
    });

    it('of two callers reconciling one record, exactly one wins (two sweeps at once tell the owners once)', async () => {
      const alert = await store().createAlert(newAlertFixture());
      const execution = await finished(alert.id, T0, plusSeconds(T0, 5), [delivery('channel:C1', 'unknown')]);
      const found = delivery('channel:C1', 'ok', { unknown: true, ref: 'C1:1.2', reconciled: 'found' });
      const missing = delivery('channel:C1', 'failed', { unknown: true, reconciled: 'missing' });
      const results = await Promise.all([
        store().reconcileDelivery(execution.id, found, { state: 'SUCCESS', reason: null }),
        store().reconcileDelivery(execution.id, missing, { state: 'ERROR', reason: 'did not arrive' }),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      // A record already looked up is not looked up again.
      expect(await store().reconcileDelivery(execution.id, found, { state: 'SUCCESS', reason: null })).toBe(false);
      const [kept] = (await store().getExecution(execution.id))?.deliveries ?? [];
      expect(kept).toEqual(results[0] ? found : missing);
    });
  });
}
