// Document types of the `alerts`, `executions` and `alertKeys` collections and their mapping to the
// domain. Private to store/mongo: nothing else sees a document (STYLE.md item 5).
// Ids are UUID strings in `_id` (as in the PostgreSQL adapter), times are BSON dates
// (milliseconds, like JS Dates), and absent values are stored as null, never left out, so
// a filter on `null` means "not set" exactly as SQL's IS NULL does.
import { keyFromName } from '../../domain/alert-key.js';
import { normalizeContent } from '../../domain/content.js';
import { measureFrom, outcomesFrom, seriesFrom } from '../series-json.js';
import { muteFrom, triageRuntimeFrom, triageSpecFrom } from '../triage-json.js';
import type {
  Acknowledgement,
  Alert,
  AlertRuntime,
  AlertSpec,
  AlertType,
  Condition,
  Content,
  DeliveryRecord,
  Execution,
  ExecutionState,
  LevelMentions,
  Measure,
  Mute,
  QuietHours,
  Recipient,
  ReminderPolicy,
  SeriesOutcome,
  SeriesState,
  Trigger,
} from '../../domain/types.js';
import type { AlertPatch, NewAlert } from '../port.js';

/**
 * Thread references (and what their first messages show: `drawn`, in `ref`) as a list, not an
 * object keyed by recipient: the keys are recipient keys such as `email:ops@example.com`, and a
 * dot in a field name is a path in MongoDB updates.
 */
export interface ThreadEntry {
  key: string;
  ref: string;
}

export interface AlertDoc {
  _id: string;
  /** Absent on documents written before issue 5/6 until the start-up backfill (versions.ts) sets it. */
  key?: string;
  /** The alert file that defines it; absent or null: made in Slack. */
  managedBy?: string | null;
  name: string;
  /** `name` lower-cased: the unique index that makes names unique ignoring case. */
  nameKey: string;
  description: string;
  owners: string[];
  type: string;
  dataSource: string;
  sql: string;
  condition: Condition | null;
  /** Absent on documents written before issue 3/6: read as the single value, one series. */
  measure?: Measure;
  labels?: string[];
  warning?: Condition | null;
  pendingTicks?: number;
  keepFiringTicks?: number;
  schedule: { cron: string; timezone: string };
  gracePeriodS: number;
  workingTimeoutS: number;
  logRetentionDays: number;
  content: Content;
  messageTemplate: string | null;
  recipients: Recipient[];
  emailFallback: boolean;
  notifyOnRecovery: boolean;
  /** Absent on documents written before issue 4/6: read as LEGACY_TRIAGE. */
  reminders?: ReminderPolicy;
  quietHours?: QuietHours | null;
  mentionColumn?: string | null;
  mentions?: LevelMentions;
  active: boolean;
  snoozedUntil: Date | null;
  nextRunAt: Date | null;
  shard: number;
  lastState: string | null;
  lastEvaluatedAt: Date | null;
  lastSentAt: Date | null;
  lastSentTick: Date | null;
  firingSince: Date | null;
  lastErrorNoticeAt: Date | null;
  threads: ThreadEntry[];
  /** As the threads, by recipient key; absent on documents from before it. */
  drawn?: ThreadEntry[];
  /** Series keys hold any text (dots, dollars), so they are entries, not field names. */
  series?: SeriesEntry[];
  keysSeededAt?: Date | null;
  /** Absent on documents written before issue 4/6: read as NO_TRIAGE_RUNTIME. */
  ack?: Acknowledgement | null;
  reminded?: { sent: number; lastTick: Date | null };
  heldSince?: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
}

/**
 * A key a new-rows alert has seen, and when first. `_id` is the driver's own (no caller reads
 * it); the unique {alertId, key} index makes a key once per alert.
 */
export interface AlertKeyDoc {
  alertId: string;
  key: string;
  seenAt: Date;
}

/** A setting that holds for every alert, by key (`_id`): 'mute'. */
export interface SettingDoc {
  _id: string;
  value: unknown;
}

/** The 'mute' setting's value, read back (malformed reads as none). */
export function toMute(doc: SettingDoc | null): Mute | null {
  return doc === null ? null : muteFrom(doc.value);
}

/** A running instance: its name and when it was last seen. */
export interface InstanceDoc {
  _id: string;
  seenAt: Date;
}

export interface ExecutionDoc {
  _id: string;
  alertId: string;
  scheduledAt: Date;
  trigger: string;
  state: string;
  reason: string | null;
  value: string | null;
  rowCount: number | null;
  instance: string;
  attempt: number;
  startedAt: Date;
  finishedAt: Date | null;
  sendStartedAt: Date | null;
  deliveries: DeliveryRecord[];
  series?: SeriesOutcome[];
  ownersNotified: boolean;
  queryMs: number | null;
  deliveryMs: number | null;
}

/** The lower-cased name the unique index holds; `lower(name)` in the PostgreSQL adapter. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

export type SeriesEntry = SeriesState & { key: string };

export function toSeriesEntries(series: Record<string, SeriesState>): SeriesEntry[] {
  return Object.entries(series).map(([key, state]) => ({ key, ...state }));
}

/** Anything but a list (none on a document from before series) reads as no states, as on PostgreSQL. */
export function fromSeriesEntries(entries: unknown): Record<string, SeriesState> {
  if (!Array.isArray(entries)) return {};
  const series: Record<string, SeriesState> = {};
  for (const { key, ...state } of entries as SeriesEntry[]) series[key] = state;
  return seriesFrom(series);
}

export function toThreadEntries(threads: Record<string, string>): ThreadEntry[] {
  return Object.entries(threads).map(([key, ref]) => ({ key, ref }));
}

function fromThreadEntries(entries: ThreadEntry[] | null | undefined): Record<string, string> {
  const threads: Record<string, string> = {};
  for (const { key, ref } of entries ?? []) threads[key] = ref;
  return threads;
}

export function toAlert(doc: AlertDoc): Alert {
  return {
    id: doc._id,
    key: doc.key ?? keyFromName(doc.name),
    managedBy: doc.managedBy ?? null,
    name: doc.name,
    description: doc.description,
    owners: doc.owners,
    type: doc.type as AlertType,
    dataSource: doc.dataSource,
    sql: doc.sql,
    condition: doc.condition ?? null,
    measure: measureFrom(doc.measure),
    labels: doc.labels ?? [],
    warning: doc.warning ?? null,
    pendingTicks: doc.pendingTicks ?? 1,
    keepFiringTicks: doc.keepFiringTicks ?? 0,
    schedule: { cron: doc.schedule.cron, timezone: doc.schedule.timezone },
    gracePeriodS: doc.gracePeriodS,
    workingTimeoutS: doc.workingTimeoutS,
    logRetentionDays: doc.logRetentionDays,
    content: normalizeContent(doc.content),
    messageTemplate: doc.messageTemplate ?? null,
    recipients: doc.recipients,
    emailFallback: doc.emailFallback,
    notifyOnRecovery: doc.notifyOnRecovery,
    ...triageSpecFrom(doc),
    active: doc.active,
    snoozedUntil: doc.snoozedUntil ?? null,
    nextRunAt: doc.nextRunAt ?? null,
    shard: doc.shard,
    lastState: (doc.lastState ?? null) as ExecutionState | null,
    lastEvaluatedAt: doc.lastEvaluatedAt ?? null,
    lastSentAt: doc.lastSentAt ?? null,
    lastSentTick: doc.lastSentTick ?? null,
    firingSince: doc.firingSince ?? null,
    lastErrorNoticeAt: doc.lastErrorNoticeAt ?? null,
    threads: fromThreadEntries(doc.threads),
    drawn: fromThreadEntries(doc.drawn),
    series: fromSeriesEntries(doc.series),
    keysSeededAt: doc.keysSeededAt ?? null,
    ...triageRuntimeFrom(doc),
    createdBy: doc.createdBy,
    createdAt: doc.createdAt,
    updatedBy: doc.updatedBy,
    updatedAt: doc.updatedAt,
  };
}

export function toExecution(doc: ExecutionDoc): Execution {
  return {
    id: doc._id,
    alertId: doc.alertId,
    scheduledAt: doc.scheduledAt,
    trigger: doc.trigger as Trigger,
    state: doc.state as ExecutionState,
    reason: doc.reason ?? null,
    value: doc.value ?? null,
    rowCount: doc.rowCount ?? null,
    instance: doc.instance,
    attempt: doc.attempt,
    startedAt: doc.startedAt,
    finishedAt: doc.finishedAt ?? null,
    sendStartedAt: doc.sendStartedAt ?? null,
    deliveries: doc.deliveries ?? [],
    series: outcomesFrom(doc.series),
    ownersNotified: doc.ownersNotified ?? false,
    queryMs: doc.queryMs ?? null,
    deliveryMs: doc.deliveryMs ?? null,
  };
}

/** For each field of T, the document fields it sets: a new field fails to compile until mapped. */
type FieldMap<T> = { [K in keyof T]-?: (value: Exclude<T[K], undefined>) => Partial<AlertDoc> };

const SPEC_FIELDS: FieldMap<AlertSpec> = {
  key: (v) => ({ key: v }),
  // The name and its key change together, so the unique index always sees the current name.
  name: (v) => ({ name: v, nameKey: nameKey(v) }),
  description: (v) => ({ description: v }),
  owners: (v) => ({ owners: v }),
  type: (v) => ({ type: v }),
  dataSource: (v) => ({ dataSource: v }),
  sql: (v) => ({ sql: v }),
  condition: (v) => ({ condition: v }),
  measure: (v) => ({ measure: v }),
  labels: (v) => ({ labels: v }),
  warning: (v) => ({ warning: v }),
  pendingTicks: (v) => ({ pendingTicks: v }),
  keepFiringTicks: (v) => ({ keepFiringTicks: v }),
  schedule: (v) => ({ schedule: { cron: v.cron, timezone: v.timezone } }),
  gracePeriodS: (v) => ({ gracePeriodS: v }),
  workingTimeoutS: (v) => ({ workingTimeoutS: v }),
  logRetentionDays: (v) => ({ logRetentionDays: v }),
  content: (v) => ({ content: v }),
  messageTemplate: (v) => ({ messageTemplate: v }),
  recipients: (v) => ({ recipients: v }),
  emailFallback: (v) => ({ emailFallback: v }),
  notifyOnRecovery: (v) => ({ notifyOnRecovery: v }),
  reminders: (v) => ({ reminders: v }),
  quietHours: (v) => ({ quietHours: v }),
  mentionColumn: (v) => ({ mentionColumn: v }),
  mentions: (v) => ({ mentions: v }),
};

type AlertControl = Omit<AlertPatch, keyof AlertSpec>;

const CONTROL_FIELDS: FieldMap<AlertControl> = {
  active: (v) => ({ active: v }),
  snoozedUntil: (v) => ({ snoozedUntil: v }),
  nextRunAt: (v) => ({ nextRunAt: v }),
  shard: (v) => ({ shard: v }),
  managedBy: (v) => ({ managedBy: v }),
  updatedBy: (v) => ({ updatedBy: v }),
  updatedAt: (v) => ({ updatedAt: v }),
};

const RUNTIME_FIELDS: FieldMap<AlertRuntime> = {
  lastState: (v) => ({ lastState: v }),
  lastEvaluatedAt: (v) => ({ lastEvaluatedAt: v }),
  lastSentAt: (v) => ({ lastSentAt: v }),
  lastSentTick: (v) => ({ lastSentTick: v }),
  firingSince: (v) => ({ firingSince: v }),
  lastErrorNoticeAt: (v) => ({ lastErrorNoticeAt: v }),
  threads: (v) => ({ threads: toThreadEntries(v) }),
  drawn: (v) => ({ drawn: toThreadEntries(v) }),
  series: (v) => ({ series: toSeriesEntries(v) }),
  keysSeededAt: (v) => ({ keysSeededAt: v }),
  ack: (v) => ({ ack: v }),
  reminded: (v) => ({ reminded: v }),
  heldSince: (v) => ({ heldSince: v }),
};

/** The document fields for the present fields of `values` (undefined means "leave as is"). */
function fieldsOf<T extends object>(map: FieldMap<T>, values: Partial<T>): Partial<AlertDoc> {
  const out: Partial<AlertDoc> = {};
  for (const key of Object.keys(map) as (keyof T)[]) {
    const value = values[key];
    if (value !== undefined) Object.assign(out, map[key](value as Exclude<T[keyof T], undefined>));
  }
  return out;
}

export function newAlertDoc(alert: NewAlert): AlertDoc {
  return {
    _id: alert.id,
    key: alert.key,
    managedBy: alert.managedBy,
    name: alert.name,
    nameKey: nameKey(alert.name),
    description: alert.description,
    owners: alert.owners,
    type: alert.type,
    dataSource: alert.dataSource,
    sql: alert.sql,
    condition: alert.condition,
    measure: alert.measure,
    labels: alert.labels,
    warning: alert.warning,
    pendingTicks: alert.pendingTicks,
    keepFiringTicks: alert.keepFiringTicks,
    schedule: { cron: alert.schedule.cron, timezone: alert.schedule.timezone },
    gracePeriodS: alert.gracePeriodS,
    workingTimeoutS: alert.workingTimeoutS,
    logRetentionDays: alert.logRetentionDays,
    content: alert.content,
    messageTemplate: alert.messageTemplate,
    recipients: alert.recipients,
    emailFallback: alert.emailFallback,
    notifyOnRecovery: alert.notifyOnRecovery,
    reminders: alert.reminders,
    quietHours: alert.quietHours,
    mentionColumn: alert.mentionColumn,
    mentions: alert.mentions,
    active: alert.active,
    snoozedUntil: null,
    nextRunAt: alert.nextRunAt,
    shard: alert.shard,
    lastState: null,
    lastEvaluatedAt: null,
    lastSentAt: null,
    lastSentTick: null,
    firingSince: null,
    lastErrorNoticeAt: null,
    threads: [],
    drawn: [],
    series: [],
    keysSeededAt: null,
    ack: null,
    reminded: { sent: 0, lastTick: null },
    heldSince: null,
    createdBy: alert.createdBy,
    createdAt: alert.createdAt,
    // A new alert was last changed by whoever created it.
    updatedBy: alert.createdBy,
    updatedAt: alert.createdAt,
  };
}

export function alertPatchFields(patch: AlertPatch): Partial<AlertDoc> {
  return { ...fieldsOf(SPEC_FIELDS, patch), ...fieldsOf(CONTROL_FIELDS, patch) };
}

export function runtimeFields(runtime: Partial<AlertRuntime>): Partial<AlertDoc> {
  return fieldsOf(RUNTIME_FIELDS, runtime);
}
