// Every callback_id, action_id and block_id Lookout's Slack surfaces use, shared by the pure
// builders (messages/slack, src/slack/blocks) and the Bolt registrations, so a renamed id cannot
// drift apart. The modal's input blocks are named after the service's field-error keys
// (`schedule.cron`, `content.url`, …): src/slack/field-errors.ts routes a ValidationError to them.

export const CALLBACK = {
  /** The create/edit modal (view_submission). */
  alertModal: 'lookout_alert_modal',
  /** `/alert import`: YAML pasted (view_submission). */
  importModal: 'lookout_import_modal',
  /** The read-only view of an alert managed in code (no submission). */
  managedView: 'lookout_managed_view',
} as const;

export const ACTION = {
  /** Every modal input that does not re-render the modal; read from view.state.values. */
  value: 'value',
  /** Alert/report switch: re-render (condition fields come and go). */
  typeChanged: 'alert_type_changed',
  /** Schedule preset switch: re-render with the fields that preset needs. */
  schedulePresetChanged: 'schedule_preset_changed',
  /** Any schedule field or timezone: re-render the next-runs preview. */
  scheduleChanged: 'schedule_changed',
  /** Content kind switch: re-render (chart type, screenshot fields). */
  contentChanged: 'content_changed',
  /** What an alert checks (value, row count, age, change, new rows): re-render with that kind's fields. */
  measureChanged: 'measure_changed',
  /** The condition's operator: re-render, so the threshold is required exactly when the operator compares. */
  conditionOpChanged: 'condition_op_changed',
  /** Repeat every grace period or remind with backoff: re-render with the backoff fields. */
  remindersChanged: 'reminders_changed',
  testQuery: 'test_query',
  /** Buttons on messages and Home; each button's value is the alert id. */
  runNow: 'alert_run_now',
  snooze1h: 'alert_snooze_1h',
  snooze1d: 'alert_snooze_1d',
  /** A datetimepicker (no `value`): the alert id is in the block_id, see alertIdFromBlockId(). */
  snoozeUntil: 'alert_snooze_until',
  pause: 'alert_pause',
  resume: 'alert_resume',
  history: 'alert_history',
  edit: 'alert_edit',
  /** Home's "New alert" button: open the modal in create mode. */
  create: 'alert_create',
  /** On a firing message: value = incidentButtonValue(alert id, the incident's start). */
  acknowledge: 'alert_acknowledge',
  unacknowledge: 'alert_unacknowledge',
  /** In `/alert versions`: value = versionButtonValue(alert id, version). */
  restoreVersion: 'alert_restore_version',
} as const;

export const BLOCK = {
  // Modal inputs: block_id = the service's field-error key. The content options and the condition's
  // options (measure.*, warning.threshold, labels, pending and keep-firing) are named by their
  // tables, src/slack/blocks/content-fields.ts and condition-fields.ts.
  name: 'name',
  description: 'description',
  owners: 'owners',
  type: 'type',
  dataSource: 'dataSource',
  sql: 'sql',
  measureKind: 'measure.kind',
  conditionOp: 'condition.op',
  conditionThreshold: 'condition.threshold',
  schedulePreset: 'schedule.preset',
  scheduleEveryMinutes: 'schedule.everyMinutes',
  scheduleMinute: 'schedule.minute',
  scheduleTime: 'schedule.time',
  scheduleWeekday: 'schedule.weekday',
  scheduleCron: 'schedule.cron',
  scheduleTimezone: 'schedule.timezone',
  scheduleTimezoneOther: 'schedule.timezoneOther',
  gracePeriodS: 'gracePeriodS',
  workingTimeoutS: 'workingTimeoutS',
  logRetentionDays: 'logRetentionDays',
  contentKind: 'content.kind',
  messageTemplate: 'messageTemplate',
  recipientChannels: 'recipients.channels',
  recipientUsers: 'recipients.users',
  recipientEmails: 'recipients.emails',
  emailFallback: 'emailFallback',
  notifyOnRecovery: 'notifyOnRecovery',
  // Triage (issue 4/6): recipients by level, reminders, quiet hours, mentions.
  warningChannels: 'recipients.warning.channels',
  warningUsers: 'recipients.warning.users',
  warningEmails: 'recipients.warning.emails',
  criticalChannels: 'recipients.critical.channels',
  criticalUsers: 'recipients.critical.users',
  criticalEmails: 'recipients.critical.emails',
  remindersMode: 'reminders.mode',
  remindersFirst: 'reminders.first',
  remindersFactor: 'reminders.factor',
  remindersCap: 'reminders.cap',
  quietTimezone: 'quietHours.timezone',
  quietWindows: 'quietHours.windows',
  mentionColumn: 'mentionColumn',
  mentionWarningUsers: 'mentions.warning.users',
  mentionWarningGroups: 'mentions.warning.groups',
  mentionCriticalUsers: 'mentions.critical.users',
  mentionCriticalGroups: 'mentions.critical.groups',
  // Modal, not inputs.
  schedulePreview: 'schedule_preview',
  sqlTooLong: 'sql_too_long',
  testActions: 'test_query_actions',
  testResult: 'test_query_result',
  /** Home's "New alert" button row. */
  homeCreate: 'home_create',
  /** Prefix of a message's or Home's per-alert actions block: `alert_actions:<alertId>`. */
  alertActions: 'alert_actions',
  /** Prefix of a message's "Acknowledged by" line: `alert_ack:<alertId>`, found again when it is re-stamped. */
  ackLine: 'alert_ack',
  /** The level routing's explanation in the modal. */
  levelRoutingNote: 'level_routing_note',
  /** `/alert import`'s text input. */
  importText: 'import_yaml',
} as const;

/** A Restore button's value: the alert and the version it restores. */
export function versionButtonValue(alertId: string, version: number): string {
  return `${alertId}:${version}`;
}

/** The alert and version of a Restore button, or null. */
export function parseVersionButtonValue(value: string | undefined): { alertId: string; version: number } | null {
  const match = /^(.+):(\d{1,9})$/.exec(value ?? '');
  return match === null ? null : { alertId: match[1]!, version: Number(match[2]) };
}

/** block_id of the actions block of one alert (unique per alert, so Home can hold many). */
export function alertActionsBlockId(alertId: string): string {
  return `${BLOCK.alertActions}:${alertId}`;
}

/** The alert id of an actions block (for the datetimepicker, which carries no value), or null. */
export function alertIdFromBlockId(blockId: string): string | null {
  const prefix = `${BLOCK.alertActions}:`;
  return blockId.startsWith(prefix) && blockId.length > prefix.length ? blockId.slice(prefix.length) : null;
}

/** block_id of the "Acknowledged by" line of one alert's message. */
export function ackLineBlockId(alertId: string): string {
  return `${BLOCK.ackLine}:${alertId}`;
}

/**
 * The value of an Acknowledge button: the alert id and when the incident it was posted for began,
 * so a press on a message of an earlier incident cannot acknowledge a later one.
 */
export function incidentButtonValue(alertId: string, since: Date): string {
  return `${alertId}@${since.getTime()}`;
}

/** The alert id and incident start of an Acknowledge button's value, or null when it is not one. */
export function parseIncidentButtonValue(value: string): { alertId: string; since: Date } | null {
  const match = /^(.+)@(\d{1,15})$/.exec(value);
  if (match?.[1] === undefined || match[2] === undefined) return null;
  return { alertId: match[1], since: new Date(Number(match[2])) };
}
