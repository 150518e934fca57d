// The alert modal's form as plain values: what an alert turns into when the modal opens, what
// view.state.values turns into on every re-render and on submit, and what the service receives.
// Flat and string-ish on purpose: numbers stay text for the service to validate and report.
import { presetCron, type SchedulePreset } from '../../domain/schedule.js';
import { DEFAULTS, type Alert, type AlertType, type MeasureKind, type Recipient, type Schedule } from '../../domain/types.js';
import type { AlertInput } from '../../services/alert-input.js';
import { defaultRuleValues, ruleValuesOf, rulesInputOf, thresholdText, type RuleValues } from './condition-fields.js';
import { contentInputOf, contentValuesOf, defaultContentValues, type ContentKind, type ContentValues } from './content-fields.js';
import { defaultTriageValues, levelOnly, triageInputOf, triageValuesOf, type TriageValues } from './triage-fields.js';

export type SchedulePresetKind = 'every_minutes' | 'hourly' | 'daily' | 'weekly' | 'custom';
export const SCHEDULE_PRESET_KINDS: readonly SchedulePresetKind[] = ['every_minutes', 'hourly', 'daily', 'weekly', 'custom'];

export interface ModalValues {
  name: string;
  description: string;
  /** Slack user ids. */
  owners: string[];
  type: AlertType;
  /** A data source name, '' when none is chosen. */
  dataSource: string;
  sql: string;
  /** What an alert checks. Alerts only. */
  measureKind: MeasureKind;
  /** An Operator, or '' when none is chosen. Alerts only. */
  conditionOp: string;
  /** The critical threshold as typed (an age as a duration, e.g. "2 h"). */
  threshold: string;
  /** The condition's other options (condition-fields.ts), by block: the measure's, warning, labels, pending, keep-firing. */
  rules: RuleValues;
  schedulePreset: SchedulePresetKind;
  /** every_minutes: one of PRESET_MINUTE_STEPS, as text. */
  everyMinutes: string;
  /** hourly: the minute past the hour, '0'..'59'. */
  minute: string;
  /** daily and weekly: 'HH:mm'. */
  time: string;
  /** weekly: '0' (Sunday) .. '6' (Saturday). */
  weekday: string;
  /** custom: a 5-field cron. */
  cron: string;
  /** The zone picked in the select. */
  timezone: string;
  /** A zone typed by hand; when not blank it wins over `timezone`. */
  timezoneOther: string;
  gracePeriodS: string;
  workingTimeoutS: string;
  logRetentionDays: string;
  contentKind: ContentKind;
  /** The content options (content-fields.ts), by name: text for inputs and selects, a flag for checkboxes. */
  content: ContentValues;
  messageTemplate: string;
  /** Slack channel ids (every level). */
  channels: string[];
  /** Slack user ids (DMs, every level). */
  users: string[];
  /** Email addresses as typed (every level): separated by commas, semicolons or whitespace. */
  emails: string;
  emailFallback: boolean;
  notifyOnRecovery: boolean;
  /** Recipients by level, reminders, quiet hours, mentions (triage-fields.ts). Alerts only. */
  triage: TriageValues;
}

/** Values of fields a person has not seen yet (a hidden preset's or content kind's fields). */
export const FALLBACK = {
  everyMinutes: '5',
  minute: '0',
  time: '09:00',
  weekday: '1',
} as const;

/** A new alert's form. With exactly one data source to choose from, it is chosen already. */
export function defaultModalValues(userId: string, userTimezone: string, dataSources: readonly string[] = []): ModalValues {
  return {
    name: '',
    description: '',
    owners: [userId],
    type: 'alert',
    dataSource: dataSources.length === 1 ? (dataSources[0] ?? '') : '',
    sql: '',
    measureKind: 'value',
    conditionOp: '>',
    threshold: '',
    rules: defaultRuleValues(),
    schedulePreset: 'daily',
    everyMinutes: FALLBACK.everyMinutes,
    minute: FALLBACK.minute,
    time: FALLBACK.time,
    weekday: FALLBACK.weekday,
    cron: '',
    timezone: userTimezone,
    timezoneOther: '',
    gracePeriodS: String(DEFAULTS.gracePeriodS),
    workingTimeoutS: String(DEFAULTS.workingTimeoutS),
    logRetentionDays: String(DEFAULTS.logRetentionDays),
    contentKind: 'none',
    content: defaultContentValues(),
    messageTemplate: '',
    channels: [],
    users: [],
    emails: '',
    emailFallback: false,
    notifyOnRecovery: true,
    triage: defaultTriageValues(),
  };
}

export function alertToModalValues(alert: Alert): ModalValues {
  const base = defaultModalValues(alert.owners[0] ?? alert.createdBy, alert.schedule.timezone);
  const content = alert.content;
  const everyLevel = alert.recipients.filter((r) => levelOnly(r) === null);
  return {
    ...base,
    ...presetFromCron(alert.schedule.cron),
    name: alert.name,
    description: alert.description,
    owners: [...alert.owners],
    type: alert.type,
    dataSource: alert.dataSource,
    sql: alert.sql,
    measureKind: alert.type === 'alert' ? alert.measure.kind : base.measureKind,
    // A new-rows alert's stored "rows exist" is not a choice: a switch to another kind starts from the default.
    conditionOp: alert.measure.kind === 'new_rows' ? base.conditionOp : (alert.condition?.op ?? base.conditionOp),
    threshold: alert.condition && 'threshold' in alert.condition ? thresholdText(alert.condition.threshold, alert.measure.kind) : '',
    rules: alert.type === 'alert' ? ruleValuesOf(alert) : base.rules,
    timezone: alert.schedule.timezone,
    gracePeriodS: String(alert.gracePeriodS),
    workingTimeoutS: String(alert.workingTimeoutS),
    logRetentionDays: String(alert.logRetentionDays),
    contentKind: content.kind,
    content: contentValuesOf(content),
    messageTemplate: alert.messageTemplate ?? '',
    // Recipients of one level only are shown under that level (triage).
    channels: everyLevel.flatMap((r) => (r.kind === 'slack_channel' ? [r.id] : [])),
    users: everyLevel.flatMap((r) => (r.kind === 'slack_user' ? [r.id] : [])),
    emails: everyLevel.flatMap((r) => (r.kind === 'email' ? [r.address] : [])).join(', '),
    emailFallback: alert.emailFallback,
    notifyOnRecovery: alert.notifyOnRecovery,
    // A report shows none of it (what a hidden block reads back as).
    triage: alert.type === 'alert' ? triageValuesOf(alert) : defaultTriageValues(),
  };
}

type PresetFields = Pick<ModalValues, 'schedulePreset' | 'everyMinutes' | 'minute' | 'time' | 'weekday' | 'cron'>;

/** The preset a cron came from, when presetCron() gives it back exactly; otherwise custom. */
export function presetFromCron(cron: string): PresetFields {
  const normal = cron.trim().replace(/\s+/g, ' ');
  const custom: PresetFields = { ...FALLBACK, schedulePreset: 'custom', cron: normal };
  const [min, hour, dom, month, dow, extra] = normal.split(' ');
  if (extra !== undefined || min === undefined || hour === undefined || dom !== '*' || month !== '*' || dow === undefined) return custom;
  const int = (s: string): number => (/^\d{1,2}$/.test(s) ? Number(s) : NaN);
  const hhmm = (h: number, m: number): string => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  let candidate: { preset: SchedulePreset; fields: PresetFields } | null = null;
  if (hour === '*' && dow === '*' && (min === '*' || min.startsWith('*/'))) {
    const minutes = min === '*' ? 1 : int(min.slice(2));
    candidate = { preset: { kind: 'every_minutes', minutes }, fields: { ...custom, schedulePreset: 'every_minutes', everyMinutes: String(minutes), cron: '' } };
  } else if (hour === '*' && dow === '*') {
    candidate = { preset: { kind: 'hourly', minute: int(min) }, fields: { ...custom, schedulePreset: 'hourly', minute: String(int(min)), cron: '' } };
  } else if (dow === '*') {
    candidate = {
      preset: { kind: 'daily', hour: int(hour), minute: int(min) },
      fields: { ...custom, schedulePreset: 'daily', time: hhmm(int(hour), int(min)), cron: '' },
    };
  } else {
    candidate = {
      preset: { kind: 'weekly', weekday: int(dow), hour: int(hour), minute: int(min) },
      fields: { ...custom, schedulePreset: 'weekly', weekday: String(int(dow)), time: hhmm(int(hour), int(min)), cron: '' },
    };
  }
  try {
    return presetCron(candidate.preset) === normal ? candidate.fields : custom;
  } catch {
    return custom;
  }
}

/** The zone the schedule runs in: the typed one when given, else the selected one. */
export function effectiveTimezone(values: Pick<ModalValues, 'timezone' | 'timezoneOther'>): string {
  const typed = values.timezoneOther.trim();
  return typed !== '' ? typed : values.timezone.trim();
}

/**
 * The cron of the chosen preset (custom: as typed). A preset whose values are unusable (only
 * possible through a tampered payload: its inputs are selects and required) gives '', which
 * the service reports as `schedule.cron`; `error` says why for the modal's preview.
 */
export function scheduleFromModalValues(values: ModalValues): { schedule: Schedule; error: string | null } {
  const timezone = effectiveTimezone(values);
  const [hourText, minuteText] = values.time.split(':');
  const int = (s: string | undefined): number => (s !== undefined && /^\d{1,2}$/.test(s.trim()) ? Number(s) : NaN);
  let preset: SchedulePreset;
  switch (values.schedulePreset) {
    case 'custom':
      return { schedule: { cron: values.cron.trim(), timezone }, error: null };
    case 'every_minutes':
      preset = { kind: 'every_minutes', minutes: int(values.everyMinutes) };
      break;
    case 'hourly':
      preset = { kind: 'hourly', minute: int(values.minute) };
      break;
    case 'daily':
      preset = { kind: 'daily', hour: int(hourText), minute: int(minuteText) };
      break;
    case 'weekly':
      preset = { kind: 'weekly', weekday: int(values.weekday), hour: int(hourText), minute: int(minuteText) };
      break;
  }
  try {
    return { schedule: { cron: presetCron(preset), timezone }, error: null };
  } catch (err) {
    return { schedule: { cron: '', timezone }, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Addresses typed in one field, split on commas, semicolons and whitespace. */
export function splitEmails(text: string): string[] {
  return text.split(/[\s,;]+/).filter((s) => s !== '');
}

/**
 * What the service validates. Empty number fields stay '' (the service applies defaults), a
 * missing data source or operator becomes undefined (the service asks to choose one), and
 * recipients are listed channels, then people, then emails, of every level, then those of
 * warning and of critical in the same order (fieldErrorsToBlockErrors relies on it).
 */
export function modalValuesToAlertInput(values: ModalValues): AlertInput {
  const triage = triageInputOf(values.triage, values);
  const recipients: Recipient[] = [
    ...values.channels.map((id): Recipient => ({ kind: 'slack_channel', id })),
    ...values.users.map((id): Recipient => ({ kind: 'slack_user', id })),
    ...splitEmails(values.emails).map((address): Recipient => ({ kind: 'email', address })),
    ...triage.recipients,
  ];
  return {
    name: values.name,
    description: values.description,
    owners: [...values.owners],
    type: values.type,
    dataSource: values.dataSource === '' ? undefined : values.dataSource,
    sql: values.sql,
    ...(values.type === 'alert' ? rulesInputOf(values) : { condition: null }),
    schedule: scheduleFromModalValues(values).schedule,
    gracePeriodS: values.gracePeriodS,
    workingTimeoutS: values.workingTimeoutS,
    logRetentionDays: values.logRetentionDays,
    content: contentInputOf(values.contentKind, values.content),
    messageTemplate: values.messageTemplate,
    recipients,
    emailFallback: values.emailFallback,
    notifyOnRecovery: values.notifyOnRecovery,
    ...triage.input,
  };
}
