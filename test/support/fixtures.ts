// The one place test data is made: alerts as stored, what a person would type for one, the
// messages a delivery gets, executions. Tests change what they care about through overrides.
import { keyFromName } from '../../src/domain/alert-key.js';
import { LEGACY_RULES, LEGACY_TRIAGE, NO_TRIAGE_RUNTIME, type Alert, type Content, type Execution } from '../../src/domain/types.js';
import type { SeriesItem, SeriesReport } from '../../src/domain/decide-result.js';
import type { MessageKind, OutgoingMessage } from '../../src/messages/outgoing.js';
import type { AlertInput } from '../../src/services/alert-input.js';

export type MessageOf<K extends MessageKind> = Extract<OutgoingMessage, { kind: K }>;

export const NOW = new Date('2026-11-25T00:00:00Z');

export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: '2f1c7a52-6a38-4bd4-9d8e-1c0a2b3c4d5e',
    // The key follows the name, as the service makes it: tests that store several alerts name them apart.
    key: keyFromName(overrides.name ?? 'Orders stalled'),
    name: 'Orders stalled',
    description: 'No orders in the last hour',
    owners: ['UOWNER1'],
    type: 'alert',
    dataSource: 'sample',
    sql: 'SELECT count(*) FROM orders WHERE created_at > now() - interval 1 hour',
    condition: { op: '<', threshold: 1 },
    ...LEGACY_RULES,
    ...LEGACY_TRIAGE,
    labels: [],
    schedule: { cron: '0 9 * * *', timezone: 'Asia/Seoul' },
    gracePeriodS: 3600,
    workingTimeoutS: 300,
    logRetentionDays: 90,
    content: { kind: 'none' },
    messageTemplate: null,
    recipients: [{ kind: 'slack_channel', id: 'C0OPS' }],
    emailFallback: false,
    notifyOnRecovery: true,
    lastState: 'SUCCESS',
    lastEvaluatedAt: new Date('2026-11-24T00:00:00Z'),
    lastSentAt: null,
    lastSentTick: null,
    firingSince: null,
    lastErrorNoticeAt: null,
    threads: {},
    drawn: {},
    series: {},
    keysSeededAt: null,
    ...NO_TRIAGE_RUNTIME,
    active: true,
    snoozedUntil: null,
    nextRunAt: new Date('2026-11-25T00:00:00Z'),
    shard: 1,
    managedBy: null,
    createdBy: 'UOWNER1',
    createdAt: new Date('2026-11-01T00:00:00Z'),
    updatedBy: 'UOWNER1',
    updatedAt: new Date('2026-11-01T00:00:00Z'),
    ...overrides,
  };
}

/** An outgoing message of this kind for makeAlert(), nothing attached; overrides win. */
export function makeMessage<K extends MessageKind>(kind: K, overrides: Partial<MessageOf<K>> = {}): MessageOf<K> {
  const context = { alert: makeAlert(), executionId: 'exec-1', scheduledAt: NOW, evaluatedAt: new Date(NOW.getTime() + 2000) };
  const shown = { result: { columns: ['n'], rows: [[0]], truncated: false }, attachments: [], contentNotes: [] };
  const byKind: { [Kind in MessageKind]: MessageOf<Kind> } = {
    firing: { ...context, ...shown, kind: 'firing', value: '0', series: null },
    repeat: { ...context, ...shown, kind: 'repeat', value: '0', threadRef: 'C0OPS:1700000000.000100', series: null },
    report: { ...context, ...shown, kind: 'report' },
    resolved: { ...context, kind: 'resolved', value: '0', threadRef: null, series: null },
    new_rows: { ...context, kind: 'new_rows', columns: ['id', 'customer'], rows: [[101, 'Ana']], more: 0, total: 1 },
    error_notice: { ...context, kind: 'error_notice', error: 'boom', failedStep: null, lastGoodRunAt: null },
    fallback_notice: { ...context, kind: 'fallback_notice', error: 'channel:C0OPS: not_in_channel; sent by email to ops@example.com' },
    delivery_notice: { ...context, kind: 'delivery_notice', outcome: 'missing', recipients: ['channel:C0OPS'], why: null },
  };
  return { ...byKind[kind], ...overrides };
}

export function makeExecution(overrides: Partial<Execution> = {}): Execution {
  return {
    id: 'e1',
    alertId: makeAlert().id,
    scheduledAt: new Date('2026-11-24T00:00:00Z'),
    trigger: 'schedule',
    state: 'SUCCESS',
    reason: null,
    value: '0',
    rowCount: 1,
    instance: 'test-1',
    attempt: 1,
    startedAt: new Date('2026-11-24T00:00:01Z'),
    finishedAt: new Date('2026-11-24T00:00:02Z'),
    sendStartedAt: new Date('2026-11-24T00:00:01Z'),
    deliveries: [{ recipient: 'channel:C0OPS', ok: true, unknown: false, error: null, ref: '1.2', note: null }],
    series: [],
    ownersNotified: false,
    queryMs: 12,
    deliveryMs: 40,
    ...overrides,
  };
}

/** What a person would type for an every-minute alert on `sample` that always fires, to one channel. */
export function everyMinuteAlert(name: string, overrides: Partial<AlertInput> = {}): AlertInput {
  return {
    name,
    type: 'alert',
    dataSource: 'sample',
    sql: 'SELECT 1',
    condition: { op: '>', threshold: 0 },
    schedule: { cron: '* * * * *', timezone: 'UTC' },
    // Sends every minute: a repeat is never held back.
    gracePeriodS: 1,
    recipients: [{ kind: 'slack_channel', id: 'C0EVERY1' }],
    ...overrides,
  };
}

export type ScreenshotContent = Extract<Content, { kind: 'screenshot' }>;

/** Screenshot content of an internal dashboard, at its defaults; overrides win. */
export function screenshotContent(overrides: Partial<ScreenshotContent> = {}): ScreenshotContent {
  return {
    kind: 'screenshot',
    url: 'http://grafana.internal:3000/d/x',
    linkUrl: null,
    width: 1920,
    height: 1080,
    scale: 1,
    selector: null,
    fullPage: false,
    waitFor: null,
    waitForGone: null,
    csv: false,
    bom: false,
    keepFormulas: false,
    ...overrides,
  };
}

/** A series report as decideOnResult makes one: region=eu fired at critical, region=us waits, 2 of 3 series in the result. */
export function makeSeriesReport(overrides: Partial<SeriesReport> = {}): SeriesReport {
  const eu: SeriesItem = { key: '[["region","eu"]]', labels: { region: 'eu' }, event: 'fired', level: 'critical', value: '7.2', reason: '7.2 > 5', held: 1, since: NOW };
  const us: SeriesItem = { key: '[["region","us"]]', labels: { region: 'us' }, event: 'pending', level: 'critical', value: '6', reason: '6 > 5; held 1 check', held: 1, since: null };
  return { changes: [eu], firing: [eu], pending: [us], total: 3, ...overrides };
}
