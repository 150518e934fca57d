// Fixtures of the Store contract (store-contract.ts, series-contract.ts), shared with the
// adapters' own tests.
import { randomUUID } from 'node:crypto';
import { LEGACY_RULES, LEGACY_TRIAGE, NO_TRIAGE_RUNTIME, type Alert } from '../../src/domain/types.js';
import type { NewAlert } from '../../src/store/port.js';

export const T0 = new Date('2026-03-01T09:00:00.000Z');

export function plusSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}

let fixtureSeq = 0;

/** A complete, valid NewAlert; tests override what they look at. */
export function newAlertFixture(overrides: Partial<NewAlert> = {}): NewAlert {
  fixtureSeq += 1;
  return {
    id: randomUUID(),
    key: `alert-${fixtureSeq}`,
    name: `alert ${fixtureSeq}`,
    description: 'orders stuck in payment',
    owners: ['U1'],
    type: 'alert',
    dataSource: 'main',
    sql: 'SELECT count(*) FROM orders WHERE state = $$stuck$$',
    condition: { op: '>', threshold: 0 },
    ...LEGACY_RULES,
    ...LEGACY_TRIAGE,
    labels: [],
    schedule: { cron: '* * * * *', timezone: 'UTC' },
    gracePeriodS: 3600,
    workingTimeoutS: 300,
    logRetentionDays: 90,
    content: { kind: 'none' },
    messageTemplate: null,
    recipients: [{ kind: 'slack_channel', id: 'C1' }],
    emailFallback: false,
    notifyOnRecovery: true,
    active: true,
    nextRunAt: T0,
    shard: 0,
    managedBy: null,
    createdBy: 'U1',
    createdAt: T0,
    ...overrides,
  };
}

/** What a store returns for a NewAlert just created: no runtime yet, last changed by its creator. */
export function asCreated(spec: NewAlert): Alert {
  return {
    ...spec,
    snoozedUntil: null,
    updatedBy: spec.createdBy,
    updatedAt: spec.createdAt,
    lastState: null,
    lastEvaluatedAt: null,
    lastSentAt: null,
    lastSentTick: null,
    firingSince: null,
    lastErrorNoticeAt: null,
    threads: {},
    drawn: {},
    ...NO_TRIAGE_RUNTIME,
    series: {},
    keysSeededAt: null,
  };
}
