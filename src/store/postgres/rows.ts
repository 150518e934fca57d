// Row types of migrations/*.sql and their mapping to the domain. Private to store/postgres:
// nothing else sees a row (STYLE.md item 5). pg parses timestamptz to Date, jsonb to values,
// text[] to string[] and integer/smallint to number; jsonb parameters are sent as JSON text
// because pg would turn a JS array into a PostgreSQL array literal.
import type {
  Acknowledgement,
  Alert,
  AlertRuntime,
  AlertSpec,
  AlertType,
  Condition,
  DeliveryRecord,
  Execution,
  ExecutionState,
  Mute,
  Recipient,
  Trigger,
} from '../../domain/types.js';
import type { AlertPatch, NewAlert } from '../port.js';
import { normalizeContent } from '../../domain/content.js';
import { measureFrom, outcomesFrom, seriesFrom } from '../series-json.js';
import { muteFrom, triageRuntimeFrom, triageSpecFrom } from '../triage-json.js';

export interface AlertRow {
  id: string;
  key: string;
  managed_by: string | null;
  name: string;
  description: string;
  owners: string[];
  type: string;
  data_source: string;
  sql: string;
  condition: unknown;
  schedule_cron: string;
  schedule_timezone: string;
  grace_period_s: number;
  working_timeout_s: number;
  log_retention_days: number;
  content: unknown;
  message_template: string | null;
  recipients: unknown;
  email_fallback: boolean;
  notify_on_recovery: boolean;
  measure: unknown;
  labels: string[] | null;
  warning: unknown;
  pending_ticks: number | null;
  keep_firing_ticks: number | null;
  series: unknown;
  keys_seeded_at: Date | null;
  /** Migration 004 (issue 4/6): jsonb read by triage-json.ts, so a malformed value reads as legacy. */
  reminders: unknown;
  quiet_hours: unknown;
  mention_column: string | null;
  mentions: unknown;
  ack: unknown;
  reminded: unknown;
  held_since: Date | null;
  active: boolean;
  snoozed_until: Date | null;
  next_run_at: Date | null;
  shard: number;
  last_state: string | null;
  last_evaluated_at: Date | null;
  last_sent_at: Date | null;
  last_sent_tick: Date | null;
  firing_since: Date | null;
  last_error_notice_at: Date | null;
  threads: unknown;
  drawn?: unknown;
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
}

export interface ExecutionRow {
  id: string;
  alert_id: string;
  scheduled_at: Date;
  trigger: string;
  state: string;
  reason: string | null;
  value: string | null;
  row_count: number | null;
  instance: string;
  attempt: number;
  started_at: Date;
  finished_at: Date | null;
  send_started_at: Date | null;
  deliveries: unknown;
  series: unknown;
  owners_notified: boolean;
  query_ms: number | null;
  delivery_ms: number | null;
}

export function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    key: row.key,
    managedBy: row.managed_by,
    name: row.name,
    description: row.description,
    owners: row.owners,
    type: row.type as AlertType,
    dataSource: row.data_source,
    sql: row.sql,
    condition: (row.condition ?? null) as Condition | null,
    measure: measureFrom(row.measure),
    labels: row.labels ?? [],
    warning: (row.warning ?? null) as Condition | null,
    pendingTicks: row.pending_ticks ?? 1,
    keepFiringTicks: row.keep_firing_ticks ?? 0,
    schedule: { cron: row.schedule_cron, timezone: row.schedule_timezone },
    gracePeriodS: row.grace_period_s,
    workingTimeoutS: row.working_timeout_s,
    logRetentionDays: row.log_retention_days,
    content: normalizeContent(row.content),
    messageTemplate: row.message_template,
    recipients: row.recipients as Recipient[],
    emailFallback: row.email_fallback,
    notifyOnRecovery: row.notify_on_recovery,
    ...triageSpecFrom({ reminders: row.reminders, quietHours: row.quiet_hours, mentionColumn: row.mention_column, mentions: row.mentions }),
    active: row.active,
    snoozedUntil: row.snoozed_until,
    nextRunAt: row.next_run_at,
    shard: row.shard,
    lastState: row.last_state as ExecutionState | null,
    lastEvaluatedAt: row.last_evaluated_at,
    lastSentAt: row.last_sent_at,
    lastSentTick: row.last_sent_tick,
    firingSince: row.firing_since,
    lastErrorNoticeAt: row.last_error_notice_at,
    threads: (row.threads ?? {}) as Record<string, string>,
    drawn: (row.drawn ?? {}) as Record<string, string>,
    series: seriesFrom(row.series),
    keysSeededAt: row.keys_seeded_at ?? null,
    ...triageRuntimeFrom({ ack: row.ack, reminded: row.reminded, heldSince: row.held_since }),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

export function toExecution(row: ExecutionRow): Execution {
  return {
    id: row.id,
    alertId: row.alert_id,
    scheduledAt: row.scheduled_at,
    trigger: row.trigger as Trigger,
    state: row.state as ExecutionState,
    reason: row.reason,
    value: row.value,
    rowCount: row.row_count,
    instance: row.instance,
    attempt: row.attempt,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    sendStartedAt: row.send_started_at,
    deliveries: (row.deliveries ?? []) as DeliveryRecord[],
    series: outcomesFrom(row.series),
    ownersNotified: row.owners_notified,
    queryMs: row.query_ms,
    deliveryMs: row.delivery_ms,
  };
}

/** A column and the parameter value written to it. */
export type Assignment = readonly [column: string, value: unknown];

/** For each field of T, the columns it is written to: a new field fails to compile until mapped. */
type ColumnMap<T> = { [K in keyof T]-?: (value: Exclude<T[K], undefined>) => Assignment[] };

const json = (value: unknown): string => JSON.stringify(value);

const SPEC_COLUMNS: ColumnMap<AlertSpec> = {
  key: (v) => [['key', v]],
  name: (v) => [['name', v]],
  description: (v) => [['description', v]],
  owners: (v) => [['owners', v]],
  type: (v) => [['type', v]],
  dataSource: (v) => [['data_source', v]],
  sql: (v) => [['sql', v]],
  // SQL NULL for a report, never the jsonb value null.
  condition: (v) => [['condition', v === null ? null : json(v)]],
  measure: (v) => [['measure', json(v)]],
  labels: (v) => [['labels', v]],
  warning: (v) => [['warning', v === null ? null : json(v)]],
  pendingTicks: (v) => [['pending_ticks', v]],
  keepFiringTicks: (v) => [['keep_firing_ticks', v]],
  schedule: (v) => [
    ['schedule_cron', v.cron],
    ['schedule_timezone', v.timezone],
  ],
  gracePeriodS: (v) => [['grace_period_s', v]],
  workingTimeoutS: (v) => [['working_timeout_s', v]],
  logRetentionDays: (v) => [['log_retention_days', v]],
  content: (v) => [['content', json(v)]],
  messageTemplate: (v) => [['message_template', v]],
  recipients: (v) => [['recipients', json(v)]],
  emailFallback: (v) => [['email_fallback', v]],
  notifyOnRecovery: (v) => [['notify_on_recovery', v]],
  reminders: (v) => [['reminders', json(v)]],
  // SQL NULL for none, never the jsonb value null.
  quietHours: (v) => [['quiet_hours', v === null ? null : json(v)]],
  mentionColumn: (v) => [['mention_column', v]],
  mentions: (v) => [['mentions', json(v)]],
};

type AlertControl = Omit<AlertPatch, keyof AlertSpec>;

const CONTROL_COLUMNS: ColumnMap<AlertControl> = {
  active: (v) => [['active', v]],
  snoozedUntil: (v) => [['snoozed_until', v]],
  nextRunAt: (v) => [['next_run_at', v]],
  shard: (v) => [['shard', v]],
  managedBy: (v) => [['managed_by', v]],
  updatedBy: (v) => [['updated_by', v]],
  updatedAt: (v) => [['updated_at', v]],
};

const RUNTIME_COLUMNS: ColumnMap<AlertRuntime> = {
  lastState: (v) => [['last_state', v]],
  lastEvaluatedAt: (v) => [['last_evaluated_at', v]],
  lastSentAt: (v) => [['last_sent_at', v]],
  lastSentTick: (v) => [['last_sent_tick', v]],
  firingSince: (v) => [['firing_since', v]],
  lastErrorNoticeAt: (v) => [['last_error_notice_at', v]],
  threads: (v) => [['threads', json(v)]],
  drawn: (v) => [['drawn', json(v)]],
  series: (v) => [['series', json(v)]],
  keysSeededAt: (v) => [['keys_seeded_at', v]],
  ack: (v) => [['ack', ackParam(v)]],
  reminded: (v) => [['reminded', json(v)]],
  heldSince: (v) => [['held_since', v]],
};

/** The ack column's parameter: SQL NULL for none, never the jsonb value null. */
export function ackParam(ack: Acknowledgement | null): string | null {
  return ack === null ? null : json(ack);
}

/** The `value` of lookout_settings' 'mute' row, read back. */
export function toMute(value: unknown): Mute | null {
  return muteFrom(value);
}

/** The assignments for the fields of `values` that are present (undefined means "leave as is"). */
function assignments<T extends object>(columns: ColumnMap<T>, values: Partial<T>): Assignment[] {
  const out: Assignment[] = [];
  for (const key of Object.keys(columns) as (keyof T)[]) {
    const value = values[key];
    if (value !== undefined) out.push(...columns[key](value as Exclude<T[keyof T], undefined>));
  }
  return out;
}

export function newAlertAssignments(alert: NewAlert): Assignment[] {
  return [
    ['id', alert.id],
    ...assignments(SPEC_COLUMNS, alert),
    ['active', alert.active],
    ['next_run_at', alert.nextRunAt],
    ['shard', alert.shard],
    ['managed_by', alert.managedBy],
    ['created_by', alert.createdBy],
    ['created_at', alert.createdAt],
    // A new alert was last changed by whoever created it.
    ['updated_by', alert.createdBy],
    ['updated_at', alert.createdAt],
  ];
}

export function alertPatchAssignments(patch: AlertPatch): Assignment[] {
  return [...assignments(SPEC_COLUMNS, patch), ...assignments(CONTROL_COLUMNS, patch)];
}

export function runtimeAssignments(runtime: Partial<AlertRuntime>): Assignment[] {
  return assignments(RUNTIME_COLUMNS, runtime);
}
