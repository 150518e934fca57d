// Documents MongoDB holds from before issue 3/6 (no measure, labels, warning, pending or
// keep-firing ticks, series states, keysSeededAt; executions without series), and so also from
// before 4/6 (no reminders, quiet hours, mentions, ack, reminded, heldSince), read as the alert
// they were: one series on its value, the legacy triage, and a firing alert continues its incident.
import { describe, expect, it } from '@jest/globals';
import { decideOnResult } from '../../../../src/domain/decide-result.js';
import { LEGACY_RULES, LEGACY_TRIAGE, NO_TRIAGE_RUNTIME, type Alert, type QueryResult } from '../../../../src/domain/types.js';
import { type AlertDoc, type ExecutionDoc, newAlertDoc, toAlert, toExecution } from '../../../../src/store/mongo/documents.js';
import { newAlertFixture } from '../../../contract/store-contract.js';

const FIRING_SINCE = new Date('2026-03-01T08:00:00.000Z');
const LAST_SENT_TICK = new Date('2026-03-01T08:30:00.000Z');

/** An alert document exactly as the adapter wrote it before issue 3/6: firing, with a thread. */
function oldAlertDoc(): AlertDoc {
  const {
    measure: _measure,
    labels: _labels,
    warning: _warning,
    pendingTicks: _pending,
    keepFiringTicks: _keepFiring,
    series: _series,
    keysSeededAt: _seeded,
    reminders: _reminders,
    quietHours: _quietHours,
    mentionColumn: _mentionColumn,
    mentions: _mentions,
    ack: _ack,
    reminded: _reminded,
    heldSince: _heldSince,
    ...old
  } = newAlertDoc(newAlertFixture({ condition: { op: '>', threshold: 10 }, gracePeriodS: 3600 }));
  return {
    ...old,
    lastState: 'SUCCESS',
    lastEvaluatedAt: new Date('2026-03-01T08:30:01.000Z'),
    lastSentAt: new Date('2026-03-01T08:30:02.000Z'),
    lastSentTick: LAST_SENT_TICK,
    firingSince: FIRING_SINCE,
    threads: [{ key: 'channel:C1', ref: 'C1:1712345678.000100' }],
  };
}

const stillHolds: QueryResult = { columns: ['v'], rows: [[42]], truncated: false };

function decide(alert: Alert, scheduledAt: Date) {
  return decideOnResult({ alert, scheduledAt, trigger: 'schedule', result: stillHolds, now: scheduledAt, maxSeries: 100 });
}

describe('MongoDB documents from before series', () => {
  it('an alert document without the series fields reads as one series on its value, its runtime intact', () => {
    const doc = oldAlertDoc();
    for (const field of ['measure', 'labels', 'warning', 'pendingTicks', 'keepFiringTicks', 'series', 'keysSeededAt', 'reminders', 'quietHours', 'mentionColumn', 'mentions', 'ack', 'reminded', 'heldSince']) {
      expect(field in doc).toBe(false);
    }
    const alert = toAlert(doc);
    expect(alert).toMatchObject({
      ...LEGACY_RULES,
      ...LEGACY_TRIAGE,
      ...NO_TRIAGE_RUNTIME,
      series: {},
      keysSeededAt: null,
      lastState: 'SUCCESS',
      lastSentTick: LAST_SENT_TICK,
      firingSince: FIRING_SINCE,
      threads: { 'channel:C1': 'C1:1712345678.000100' },
    });
    expect(alert.measure).toEqual({ kind: 'value' });
    expect(alert.labels).toEqual([]);
  });

  it('series states that are not a list of entries read as none, as on PostgreSQL', () => {
    const doc = { ...oldAlertDoc(), series: { '': { status: 'firing' } } } as unknown as AlertDoc;
    expect(toAlert(doc).series).toEqual({});
  });

  it('a firing alert from before continues its incident: grace within its grace period, a repeat after it', () => {
    const alert = toAlert(oldAlertDoc());
    const inGrace = decide(alert, new Date('2026-03-01T09:00:00.000Z'));
    expect(inGrace).toMatchObject({ kind: 'grace', value: '42' });

    const after = decide(alert, new Date('2026-03-01T09:31:00.000Z'));
    expect(after).toMatchObject({ kind: 'send', message: 'firing', value: '42' });
    if (after.kind !== 'send') throw new Error('expected a send');
    // The same incident: it started when the alert first fired, not now.
    expect(after.series.states['']).toMatchObject({ status: 'firing', since: FIRING_SINCE });
    expect(after.series.outcomes).toEqual([]);
  });

  it('an execution document without series reads with none', () => {
    const doc: Omit<ExecutionDoc, 'series'> = {
      _id: 'e1',
      alertId: 'a1',
      scheduledAt: LAST_SENT_TICK,
      trigger: 'schedule',
      state: 'SUCCESS',
      reason: null,
      value: '42',
      rowCount: 1,
      instance: 'i1',
      attempt: 1,
      startedAt: LAST_SENT_TICK,
      finishedAt: LAST_SENT_TICK,
      sendStartedAt: LAST_SENT_TICK,
      deliveries: [{ recipient: 'channel:C1', ok: true, unknown: false, error: null, ref: 'C1:1712345678.000100', note: null }],
      ownersNotified: false,
      queryMs: 5,
      deliveryMs: 40,
    };
    expect(toExecution(doc)).toMatchObject({ id: 'e1', state: 'SUCCESS', value: '42', series: [] });
  });
});
