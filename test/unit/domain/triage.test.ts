import { describe, expect, it } from '@jest/globals';
import type { ResultDecision, SeriesItem, SeriesPlan } from '../../../src/domain/decide-result.js';
import { decideTriage, NO_REPEATS_S, triageGrace, type TriageInput } from '../../../src/domain/triage.js';
import { LEGACY_TRIAGE, NO_TRIAGE_RUNTIME, type Mute, type QuietHours, type SeriesState } from '../../../src/domain/types.js';

const HOUR = 3600_000;
const T0 = new Date('2026-12-01T10:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);
const BACKOFF = { mode: 'backoff' as const, firstS: 3600, factor: 2, capS: 86_400 };
// Quiet every day from 20:00 to 08:00 UTC.
const NIGHTS: QuietHours = { timezone: 'UTC', windows: [{ days: [0, 1, 2, 3, 4, 5, 6], from: '20:00', to: '08:00' }] };
const ACK = { by: 'UBOB', at: at(0.5), channel: 'C0OPS' };

const state = (status: SeriesState['status'], level: SeriesState['level'] = status === 'firing' ? 'critical' : null): SeriesState => ({
  labels: {},
  status,
  level,
  held: status === 'normal' ? 0 : 1,
  quiet: 0,
  since: status === 'firing' ? T0 : null,
  lastSentTick: null,
  value: 1,
});
const change = (event: SeriesItem['event']): SeriesItem => ({ key: '', labels: {}, event, level: 'critical', value: '1', reason: '1 > 0', held: 1, since: T0 });
const plan = (status: SeriesState['status'], changes: SeriesItem[] = []): SeriesPlan => ({
  states: { '': state(status) },
  sentKeys: [],
  outcomes: [],
  report: { changes, firing: status === 'firing' ? [change('repeat')] : [], pending: [], total: 1 },
});

const FIRED: TriageInput['decision'] = { kind: 'send', message: 'firing', value: '1', series: plan('firing', [change('fired')]) };
const ESCALATED: TriageInput['decision'] = { kind: 'send', message: 'firing', value: '1', series: plan('firing', [change('escalated')]) };
const HOLDS: TriageInput['decision'] = { kind: 'grace', reason: 'in grace', value: '1', series: plan('firing') };
const RECOVERED: TriageInput['decision'] = { kind: 'noop', reason: 'resolved', value: '0', recovered: true, series: plan('normal', [change('resolved')]) };
const NORMAL: TriageInput['decision'] = { kind: 'noop', reason: 'fine', value: '0', recovered: false, series: plan('normal') };
const REPORT: TriageInput['decision'] = { kind: 'send', message: 'report', value: null, series: { states: {}, sentKeys: [], outcomes: [], report: null } };

function input(decision: Exclude<ResultDecision, { kind: 'error' }>, over: Partial<TriageInput['alert']> = {}, extra: Partial<TriageInput> = {}): TriageInput {
  return {
    alert: { type: 'alert', gracePeriodS: 3600, notifyOnRecovery: true, firingSince: null, ...LEGACY_TRIAGE, ...NO_TRIAGE_RUNTIME, ...over },
    decision,
    trigger: 'schedule',
    scheduledAt: at(1),
    mute: null,
    ...extra,
  };
}

describe('decideTriage', () => {
  it('a legacy alert does what the result decision says, nothing more', () => {
    for (const d of [FIRED, HOLDS, RECOVERED, NORMAL, REPORT]) {
      const t = decideTriage(input(d, { firingSince: d === FIRED ? null : T0 }));
      expect(t.action).toEqual({ kind: 'as_decided', prompt: null });
      expect(t.incident).toBeNull();
    }
  });

  it('a first firing message restarts the reminder count from its tick, once delivered', () => {
    const t = decideTriage(input(FIRED));
    expect(t.onSent).toEqual({ reminded: { sent: 0, lastTick: at(1) } });
    expect(t.runtime).toEqual({});
  });

  it('an acknowledged incident stays quiet and says who acknowledged it', () => {
    const t = decideTriage(input(HOLDS, { firingSince: T0, ack: ACK, reminders: BACKOFF }, { scheduledAt: at(30) }));
    expect(t.action).toEqual({ kind: 'quiet', reason: expect.stringContaining('acknowledged by UBOB') });
  });

  it('escalation clears the acknowledgement, so reminders start again', () => {
    const t = decideTriage(input(ESCALATED, { firingSince: T0, ack: ACK }));
    expect(t.action).toEqual({ kind: 'as_decided', prompt: null });
    expect(t.runtime).toEqual({ ack: null });
  });

  it('backoff: reminders at 1 h, 2 h and 4 h after the last one, none in between', () => {
    let reminded = { sent: 0, lastTick: T0 as Date | null };
    const sentAt: number[] = [];
    for (let minutes = 15; minutes <= 8 * 60; minutes += 15) {
      const t = decideTriage(input(HOLDS, { firingSince: T0, reminders: BACKOFF, reminded }, { scheduledAt: new Date(T0.getTime() + minutes * 60_000) }));
      if (t.action.kind === 'send') {
        expect(t.action).toEqual({ kind: 'send', message: 'firing', prompt: 'reminder' });
        sentAt.push(minutes / 60);
        reminded = t.onSent.reminded!;
      } else {
        expect(t.action).toEqual({ kind: 'quiet', reason: expect.stringContaining('next reminder at') });
      }
    }
    expect(sentAt).toEqual([1, 3, 7]);
  });

  it('grace mode with an acknowledgement turns grace repeats off; backoff turns them off too', () => {
    const alert = { gracePeriodS: 600, ...LEGACY_TRIAGE, ...NO_TRIAGE_RUNTIME };
    expect(triageGrace(alert)).toBe(600);
    expect(triageGrace({ ...alert, ack: ACK })).toBe(NO_REPEATS_S);
    expect(triageGrace({ ...alert, reminders: BACKOFF })).toBe(NO_REPEATS_S);
  });

  it('quiet hours hold a firing message and remember since when', () => {
    const t = decideTriage(input(FIRED, { quietHours: NIGHTS }, { scheduledAt: new Date('2026-12-01T21:00:00Z') }));
    expect(t.action).toEqual({ kind: 'hold', reason: expect.stringContaining('quiet hours until 2026-12-02T08:00:00.000Z') });
    expect(t.runtime).toEqual({ heldSince: new Date('2026-12-01T21:00:00Z') });
  });

  it('a hold keeps the first heldSince', () => {
    const first = new Date('2026-12-01T20:00:00Z');
    const t = decideTriage(input(FIRED, { quietHours: NIGHTS, heldSince: first }, { scheduledAt: new Date('2026-12-01T23:00:00Z') }));
    expect(t.runtime).toEqual({ heldSince: first });
  });

  it('nothing to send in quiet hours: nothing held, nothing remembered', () => {
    const t = decideTriage(input(NORMAL, { quietHours: NIGHTS }, { scheduledAt: new Date('2026-12-01T21:00:00Z') }));
    expect(t).toEqual({ action: { kind: 'as_decided', prompt: null }, runtime: {}, onSent: {}, incident: null });
  });

  it('a resolution in quiet hours is held and keeps the incident open for the summary', () => {
    const t = decideTriage(input(RECOVERED, { quietHours: NIGHTS, firingSince: T0 }, { scheduledAt: new Date('2026-12-01T22:00:00Z') }));
    expect(t.action.kind).toBe('hold');
    expect(t.incident).toBe('keep');
  });

  it('a due reminder in quiet hours is held', () => {
    const t = decideTriage(input(HOLDS, { quietHours: NIGHTS, firingSince: T0, reminders: BACKOFF, reminded: { sent: 0, lastTick: T0 } }, { scheduledAt: new Date('2026-12-01T22:00:00Z') }));
    expect(t.action).toEqual({ kind: 'hold', reason: expect.stringContaining('held: reminder') });
  });

  it('after the hold: one summary of what still fires', () => {
    const t = decideTriage(input(HOLDS, { firingSince: T0, heldSince: new Date('2026-12-01T21:00:00Z') }, { scheduledAt: new Date('2026-12-02T08:00:00Z') }));
    expect(t.action).toEqual({ kind: 'send', message: 'firing', prompt: 'after_hold' });
    expect(t.runtime).toEqual({ heldSince: null });
  });

  it('after the hold: a change this tick goes as decided, with the after-hold line', () => {
    const t = decideTriage(input(FIRED, { heldSince: new Date('2026-12-01T21:00:00Z') }, { scheduledAt: new Date('2026-12-02T08:00:00Z') }));
    expect(t.action).toEqual({ kind: 'as_decided', prompt: 'after_hold' });
    expect(t.runtime).toEqual({ heldSince: null });
  });

  it('after the hold: an incident that resolved while held closes with one "resolved"', () => {
    const t = decideTriage(input(NORMAL, { firingSince: T0, heldSince: new Date('2026-12-01T21:00:00Z') }, { scheduledAt: new Date('2026-12-02T08:00:00Z') }));
    expect(t.action).toEqual({ kind: 'send', message: 'resolved', prompt: 'after_hold' });
    expect(t.incident).toBe('close');
  });

  it('after the hold: an alert that does not say recoveries closes silently', () => {
    const t = decideTriage(input(NORMAL, { firingSince: T0, notifyOnRecovery: false, heldSince: new Date('2026-12-01T21:00:00Z') }, { scheduledAt: new Date('2026-12-02T08:00:00Z') }));
    expect(t.action).toEqual({ kind: 'as_decided', prompt: null });
    expect(t.incident).toBe('close');
  });

  it('after the hold: an acknowledged incident gets no summary', () => {
    const t = decideTriage(input(HOLDS, { firingSince: T0, ack: ACK, heldSince: new Date('2026-12-01T21:00:00Z') }, { scheduledAt: new Date('2026-12-02T08:00:00Z') }));
    expect(t.action).toEqual({ kind: 'as_decided', prompt: null });
    expect(t.runtime).toEqual({ heldSince: null });
  });

  it('an admin mute holds every alert until it ends, quiet hours or not', () => {
    const mute: Mute = { until: at(2), by: 'UADMIN', at: T0 };
    const held = decideTriage(input(FIRED, {}, { mute, scheduledAt: at(1) }));
    expect(held.action).toEqual({ kind: 'hold', reason: expect.stringContaining('everything muted until') });
    const after = decideTriage(input(FIRED, {}, { mute, scheduledAt: at(2) }));
    expect(after.action.kind).toBe('as_decided');
  });

  it('reports are held too, and not sent afterwards', () => {
    const held = decideTriage(input(REPORT, { type: 'report', quietHours: NIGHTS }, { scheduledAt: new Date('2026-12-01T21:00:00Z') }));
    expect(held.action.kind).toBe('hold');
    const after = decideTriage(input(NORMAL, { type: 'report', heldSince: new Date('2026-12-01T21:00:00Z') }, { scheduledAt: new Date('2026-12-02T09:00:00Z') }));
    expect(after).toEqual({ action: { kind: 'as_decided', prompt: null }, runtime: { heldSince: null }, onSent: {}, incident: null });
  });

  it('run now is never held and never reminds', () => {
    const mute: Mute = { until: at(5), by: 'UADMIN', at: T0 };
    const t = decideTriage(input(FIRED, { quietHours: NIGHTS, heldSince: T0 }, { mute, trigger: 'run_now', scheduledAt: new Date('2026-12-01T21:00:00Z') }));
    expect(t).toEqual({ action: { kind: 'as_decided', prompt: null }, runtime: {}, onSent: {}, incident: null });
  });
});
