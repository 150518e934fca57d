// Versions of an alert's definition (issue 5/6): each change made in Slack, with the CLI or by
// an alert file stores the whole spec as saved, who saved it, when, through what, and which
// fields changed since the version before. Restore makes a new version equal to an old one.
// Pause, resume, snooze, acknowledge and Run now are operations on a definition, not changes to
// it: they are in the alert's history, not here.
import type { Alert, AlertSpec } from './types.js';

/** Through what an alert was changed. */
export type ChangeChannel = 'slack' | 'cli' | 'files';
export const CHANGE_CHANNELS: readonly ChangeChannel[] = ['slack', 'cli', 'files'];

export interface AlertVersion {
  alertId: string;
  /** 1 for the first, then one more each time. */
  version: number;
  spec: AlertSpec;
  /** The alert file that managed it then, or null. */
  managedBy: string | null;
  /** Fields that differ from the version before (SPEC_FIELDS order, then managedBy); [] for the first. */
  changed: string[];
  /** Slack user id of who saved it (the CLI's and the files' configured admin). */
  by: string;
  at: Date;
  via: ChangeChannel;
  /** The version this one restored, or null. */
  restoredFrom: number | null;
}

export type NewAlertVersion = Omit<AlertVersion, 'version'>;

/** Every field of AlertSpec, in the order files and lists show them. */
export const SPEC_FIELDS = [
  'key',
  'name',
  'description',
  'owners',
  'type',
  'dataSource',
  'sql',
  'condition',
  'measure',
  'labels',
  'warning',
  'pendingTicks',
  'keepFiringTicks',
  'schedule',
  'gracePeriodS',
  'workingTimeoutS',
  'logRetentionDays',
  'content',
  'messageTemplate',
  'recipients',
  'emailFallback',
  'notifyOnRecovery',
  'reminders',
  'quietHours',
  'mentionColumn',
  'mentions',
] as const satisfies readonly (keyof AlertSpec)[];

// A field added to AlertSpec and not listed above fails to compile here.
type Unlisted = Exclude<keyof AlertSpec, (typeof SPEC_FIELDS)[number]>;
const everyFieldListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyFieldListed;

/** The definition of an alert: its AlertSpec fields only. */
export function specOf(alert: AlertSpec): AlertSpec {
  return Object.fromEntries(SPEC_FIELDS.map((field) => [field, alert[field]])) as unknown as AlertSpec;
}

/** The fields whose values differ (compared as data, key order ignored), in SPEC_FIELDS order. */
export function changedFields(before: AlertSpec, after: AlertSpec): string[] {
  return SPEC_FIELDS.filter((field) => !sameData(before[field], after[field]));
}

/** What a version records as changed: the spec's fields, then managedBy when the file changed. */
export function versionChanges(
  previous: Pick<AlertVersion, 'spec' | 'managedBy'> | null,
  next: { spec: AlertSpec; managedBy: string | null },
): string[] {
  if (previous === null) return [];
  const fields = changedFields(previous.spec, next.spec);
  return previous.managedBy === next.managedBy ? fields : [...fields, 'managedBy'];
}

/** Whether the alert as stored now differs from a version (so a restore would change something). */
export function differsFrom(alert: Pick<Alert, keyof AlertSpec>, version: Pick<AlertVersion, 'spec'>): boolean {
  return changedFields(specOf(alert), version.spec).length > 0;
}

/** Deep equality of JSON-like data; object keys in any order, undefined the same as absent. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameData(item, b[i]));
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  const left = Object.entries(a).filter(([, v]) => v !== undefined);
  const right = new Map(Object.entries(b).filter(([, v]) => v !== undefined));
  return left.length === right.size && left.every(([k, v]) => right.has(k) && sameData(v, right.get(k)));
}
