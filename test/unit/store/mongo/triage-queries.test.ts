// The MongoDB adapter's builders for triage (issue 4/6), run on sample documents with mingo as
// store.ts runs them: the triage spec and runtime through create, edit and a tick's save; the
// conditional acknowledgement; the mute; recent deliveries, unknown outcomes and reconciling one.
// mingo is not a server: only the contract suite against MongoDB (MONGODB_URL) shows the server agrees.
import { describe, expect, it } from '@jest/globals';
import { LEGACY_TRIAGE, NO_TRIAGE_RUNTIME, type AlertSpec, type DeliveryRecord } from '../../../../src/domain/types.js';
import { type ExecutionDoc, newAlertDoc, toAlert, toExecution, toMute } from '../../../../src/store/mongo/documents.js';
import { EXECUTION_INDEXES } from '../../../../src/store/mongo/indexes.js';
import {
  alertByIdFilter,
  alertPatchUpdate,
  deliveriesSinceQuery,
  MUTE_KEY,
  reconcileDeliveryFilter,
  reconcileDeliveryUpdate,
  runtimeUpdate,
  setAcknowledgementFilter,
  setAcknowledgementUpdate,
  setMuteUpdate,
  settingFilter,
  unknownDeliveriesQuery,
} from '../../../../src/store/mongo/queries.js';
import { newAlertFixture } from '../../../contract/store-contract.js';
import { alertDoc, applyUpdate, executionDoc, matches, run } from './mingo.js';

const T0 = new Date('2026-03-01T09:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

const TRIAGE: Pick<AlertSpec, 'reminders' | 'quietHours' | 'mentionColumn' | 'mentions' | 'recipients'> = {
  reminders: { mode: 'backoff', firstS: 600, factor: 2, capS: 7200 },
  quietHours: { timezone: 'Europe/Berlin', windows: [{ days: [1, 2, 3, 4, 5], from: '20:00', to: '08:00' }] },
  mentionColumn: 'owner.email',
  mentions: { warning: ['S0ONCALL'], critical: ['U1', 'W2'] },
  recipients: [{ kind: 'slack_channel', id: 'C1', levels: ['critical'] }, { kind: 'email', address: 'ops@example.com' }],
};

const ACK = { by: 'U7', at: at(120), channel: 'C1' };

function delivery(recipient: string, outcome: 'ok' | 'failed' | 'unknown', extra: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return { recipient, ok: outcome === 'ok', unknown: outcome === 'unknown', error: outcome === 'ok' ? null : 'no answer', ref: null, note: null, ...extra };
}

/** A finished execution document: started at `startedS`, finished at `finishedS` (seconds from T0). */
function finishedDoc(startedS: number, finishedS: number, deliveries: DeliveryRecord[]): ExecutionDoc {
  return executionDoc('a1', at(startedS), { state: 'SUCCESS', finishedAt: at(finishedS), deliveries });
}

describe('MongoDB triage spec and runtime', () => {
  it('a new alert document keeps the triage spec and starts with no triage runtime', () => {
    const spec = newAlertFixture(TRIAGE);
    const doc = newAlertDoc(spec);
    expect(doc).toMatchObject({ ...TRIAGE, ...NO_TRIAGE_RUNTIME });
    expect(toAlert(doc)).toMatchObject({ ...TRIAGE, ...NO_TRIAGE_RUNTIME });
  });

  it('an edit sets the triage fields, and back to the legacy ones', () => {
    const doc = alertDoc();
    expect(applyUpdate([doc], alertByIdFilter(doc._id), alertPatchUpdate({ ...TRIAGE, updatedBy: 'U2', updatedAt: at(60) }))).toBe(true);
    expect(toAlert(doc)).toMatchObject(TRIAGE);
    applyUpdate([doc], alertByIdFilter(doc._id), alertPatchUpdate({ ...LEGACY_TRIAGE, mentions: { warning: [], critical: [] }, updatedBy: 'U2', updatedAt: at(120) }));
    expect(toAlert(doc)).toMatchObject(LEGACY_TRIAGE);
  });

  it("a tick's runtime save sets only what it names: an acknowledgement it does not mention stays", () => {
    const doc = { ...alertDoc(), firingSince: at(-300), ack: ACK };
    const update = runtimeUpdate({ lastState: 'GRACE', reminded: { sent: 2, lastTick: T0 }, heldSince: at(-60) });
    expect(update).toEqual({ $set: { lastState: 'GRACE', reminded: { sent: 2, lastTick: T0 }, heldSince: at(-60) } });
    applyUpdate([doc], alertByIdFilter(doc._id), update);
    expect(toAlert(doc)).toMatchObject({ ack: ACK, reminded: { sent: 2, lastTick: T0 }, heldSince: at(-60) });

    applyUpdate([doc], alertByIdFilter(doc._id), runtimeUpdate({ firingSince: null, ...NO_TRIAGE_RUNTIME }));
    expect(toAlert(doc)).toMatchObject({ firingSince: null, ...NO_TRIAGE_RUNTIME });
  });

  it('malformed triage values read as the legacy ones', () => {
    const doc = { ...alertDoc(), reminders: { mode: 'backoff' }, quietHours: 'nights', mentions: { warning: 'U1' }, ack: { by: 'U7' }, reminded: [] };
    expect(toAlert(doc as unknown as ReturnType<typeof alertDoc>)).toMatchObject({
      reminders: { mode: 'grace' },
      quietHours: null,
      mentions: { warning: [], critical: [] },
      ack: null,
      reminded: { sent: 0, lastTick: null },
    });
  });
});

describe('MongoDB acknowledgement', () => {
  it('matches only while the alert fires since the time the caller saw', () => {
    const firing = { ...alertDoc(), firingSince: at(-300) };
    const resolved = { ...alertDoc(), firingSince: null };
    expect(matches(setAcknowledgementFilter(firing._id, at(-300)), firing)).toBe(true);
    expect(matches(setAcknowledgementFilter(firing._id, at(-299.999)), firing)).toBe(false);
    expect(matches(setAcknowledgementFilter(resolved._id, at(-300)), resolved)).toBe(false);
    expect(matches(setAcknowledgementFilter('gone', at(-300)), firing)).toBe(false);

    expect(applyUpdate([firing], setAcknowledgementFilter(firing._id, at(-300)), setAcknowledgementUpdate(ACK))).toBe(true);
    expect(toAlert(firing).ack).toEqual(ACK);
    expect(applyUpdate([firing], setAcknowledgementFilter(firing._id, at(-300)), setAcknowledgementUpdate(null))).toBe(true);
    expect(toAlert(firing).ack).toBeNull();
  });
});

describe('MongoDB mute', () => {
  it('is one settings document, set by an upsert and read back with its times', () => {
    const mute = { until: at(7200), by: 'U1', at: T0 };
    expect(settingFilter(MUTE_KEY)).toEqual({ _id: 'mute' });
    expect(setMuteUpdate(mute)).toEqual({ $set: { value: mute } });
    expect(toMute({ _id: 'mute', value: mute })).toEqual(mute);
    expect(toMute(null)).toBeNull();
    expect(toMute({ _id: 'mute', value: { by: 'U1' } })).toBeNull();
  });
});

describe('MongoDB delivery health', () => {
  it('recent deliveries: finished at or after a time, with a delivery, newest first, up to a limit', () => {
    const before = finishedDoc(0, 59, [delivery('channel:C1', 'ok')]);
    const atSince = finishedDoc(1, 60, [delivery('channel:C1', 'failed')]);
    const none = finishedDoc(2, 70, []);
    const newest = finishedDoc(3, 90, [delivery('channel:C1', 'ok')]);
    const middle = finishedDoc(4, 80, [delivery('user:U9', 'unknown')]);
    const working = executionDoc('a1', at(5));
    const docs = [before, atSince, none, newest, middle, working];
    expect(run(deliveriesSinceQuery(at(60), 10), docs).map((d) => d._id)).toEqual([newest._id, middle._id, atSince._id]);
    expect(run(deliveriesSinceQuery(at(60), 2), docs).map((d) => d._id)).toEqual([newest._id, middle._id]);
  });

  it('unknown outcomes: not yet reconciled (missing or null), started at or after a time, oldest first', () => {
    const before = finishedDoc(-1, 10, [delivery('channel:C1', 'unknown')]);
    const first = finishedDoc(0, 11, [delivery('channel:C1', 'ok'), delivery('email:ops@example.com', 'unknown')]);
    const gaveUp = finishedDoc(1, 12, [delivery('channel:C1', 'unknown', { reconciled: 'gave_up' })]);
    const failed = finishedDoc(2, 13, [delivery('channel:C1', 'failed')]);
    // Unknown on one record, reconciled on another: not what is asked.
    const split = finishedDoc(3, 14, [delivery('channel:C1', 'unknown', { reconciled: 'found' }), delivery('user:U9', 'ok')]);
    const third = finishedDoc(5, 15, [delivery('channel:C1', 'unknown', { reconciled: 'missing' }), delivery('user:U9', 'unknown')]);
    const second = finishedDoc(4, 16, [{ ...delivery('channel:C1', 'unknown'), reconciled: null } as unknown as DeliveryRecord]);
    const docs = [before, first, gaveUp, failed, split, third, second];
    expect(run(unknownDeliveriesQuery(T0, 10), docs).map((d) => d._id)).toEqual([first._id, second._id, third._id]);
    expect(run(unknownDeliveriesQuery(T0, 1), docs).map((d) => d._id)).toEqual([first._id]);
  });

  it('the unknown-outcome query states the partial index filter, so the planner can use that index', () => {
    const index = EXECUTION_INDEXES.find((i) => i.name === 'executions_unknown_delivery');
    expect(index).toMatchObject({ key: { startedAt: 1 }, partialFilterExpression: { 'deliveries.unknown': true } });
    expect(unknownDeliveriesQuery(T0, 10).filter).toMatchObject(index?.partialFilterExpression ?? { missing: true });
    expect(EXECUTION_INDEXES.find((i) => i.name === 'executions_finished')).toMatchObject({ key: { finishedAt: 1 } });
  });

  it("reconciling replaces exactly that recipient's record and sets the folded state", () => {
    const records = [delivery('channel:C1', 'ok'), delivery('email:ops@example.com', 'unknown'), delivery('user:U9', 'failed')];
    // A copy: mingo writes into the stored records, which must not be the expected ones.
    const doc = finishedDoc(0, 5, structuredClone(records));
    const found = delivery('email:ops@example.com', 'ok', { unknown: true, ref: '<m1@lookout>', reconciled: 'found' });
    const fold = { state: 'ERROR' as const, reason: '1 of 3 deliveries failed: user:U9' };
    const { update, arrayFilters } = reconcileDeliveryUpdate(found, fold);
    expect(applyUpdate([doc], reconcileDeliveryFilter(doc._id, found.recipient), update, arrayFilters)).toBe(true);
    expect(toExecution(doc)).toMatchObject({ deliveries: [records[0], found, records[2]], ...fold });

    expect(matches(reconcileDeliveryFilter(doc._id, 'channel:C9'), doc)).toBe(false);
    expect(matches(reconcileDeliveryFilter('gone', found.recipient), doc)).toBe(false);
    expect(matches(reconcileDeliveryFilter(doc._id, found.recipient), { ...doc, state: 'WORKING' })).toBe(false);
  });
});
