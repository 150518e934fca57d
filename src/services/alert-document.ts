// An alert as an alert file holds it (issue 5/6), and alert files as text: what `lookout alerts
// export` and `/alert export` write, and what `apply` takes back unchanged. A document lists the
// spec's fields in the order of SPEC_FIELDS and leaves out each one whose value is what the schema
// gives when it is left out (so a file says what differs from the defaults, and a report has no
// rules); reading the document back gives the same spec.
import { stringify } from 'yaml';
import { sameData, SPEC_FIELDS } from '../domain/versions.js';
import type { AlertSpec, LevelMentions, ReminderPolicy } from '../domain/types.js';
import type { AlertInput } from './alert-input.js';
import { alertSchema, ALERT_FIELD_NAMES } from './alert-schema.js';

/** One alert's entry in a file: field → value, JSON-like. */
export type AlertDocument = Record<string, unknown>;

/** Fields whose value changes how others read (an alert's condition needs its measure). */
const DECIDING: ReadonlySet<string> = new Set(['condition', 'measure', 'warning', 'labels']);

/** Never left out, even when equal to a default: they say which alert this is and what it runs. */
const ALWAYS: ReadonlySet<string> = new Set(['key', 'name', 'type', 'dataSource', 'sql', 'schedule', 'recipients']);

export function alertToDocument(spec: AlertSpec): AlertDocument {
  const known = SPEC_FIELDS.filter((field) => ALERT_FIELD_NAMES.has(field));
  const asInput = (from: AlertSpec): AlertDocument => {
    const input = specToInput(from) as Record<string, unknown>;
    return Object.fromEntries(known.map((field) => [field, plain(input[field])]));
  };
  const stored = asInput(spec);
  // Values as the schema gives them back: their keys in the schema's order (a store may keep
  // another: jsonb sorts them), so one alert is always written the same way.
  const canonical = alertSchema.safeParse(stored);
  const full: AlertDocument = canonical.success ? asInput({ ...canonical.data, key: spec.key }) : stored;
  const omittable = known.filter((field) => !ALWAYS.has(field));
  // The fields that decide how others read (the rules) one by one; then the rest at once, each
  // going when its absence reads as the same value. One parse for most fields: an export of
  // hundreds of alerts must not parse each alert once per field.
  const doc: AlertDocument = { ...full };
  const goes = (field: string, read: ReturnType<typeof alertSchema.safeParse>): boolean =>
    read.success && sameData(read.data[field as keyof typeof read.data], spec[field as keyof AlertSpec]);
  for (const field of omittable.filter((f) => DECIDING.has(f))) {
    const { [field]: _left, ...without } = doc;
    if (goes(field, alertSchema.safeParse(without))) delete doc[field];
  }
  const rest: string[] = omittable.filter((f) => !DECIDING.has(f));
  const all = alertSchema.safeParse(Object.fromEntries(Object.entries(doc).filter(([field]) => !rest.includes(field))));
  for (const field of rest) {
    if (all.success ? goes(field, all) : goes(field, alertSchema.safeParse(Object.fromEntries(Object.entries(doc).filter(([f]) => f !== field))))) {
      delete doc[field];
    }
  }
  // Leaving out one field may change how another reads; then the file says everything.
  return readsAs(doc, spec) ? doc : readsAs(full, spec) ? full : stored;
}

/** Whether the document reads back as this spec (owners as written; a key is always written). */
function readsAs(doc: AlertDocument, spec: AlertSpec): boolean {
  const read = alertSchema.safeParse(doc);
  if (!read.success) return false;
  return SPEC_FIELDS.every((field) => !ALERT_FIELD_NAMES.has(field) || sameData(read.data[field as keyof typeof read.data], spec[field]));
}

/** An alert file's text: a comment saying what it is, then `alerts:` with each document. */
export function alertsFileText(docs: AlertDocument[], header: string[] = []): string {
  const comments = header.map((line) => `# ${line}`.trimEnd()).join('\n');
  const body = stringify({ alerts: docs }, { lineWidth: 0 });
  return comments === '' ? body : `${comments}\n${body}`;
}

/**
 * A stored spec as a person (or a file) gives it: the same fields, except where the input takes
 * another shape — reminders' durations by name, mentions as people and user groups per level.
 * The schema reads it back as the same spec.
 */
export function specToInput(spec: AlertSpec): AlertInput {
  return { ...spec, reminders: remindersInput(spec.reminders), mentions: mentionsInput(spec.mentions) };
}

function remindersInput(policy: ReminderPolicy): AlertInput['reminders'] {
  return policy.mode === 'grace' ? { mode: 'grace' } : { mode: 'backoff', first: policy.firstS, factor: policy.factor, cap: policy.capS };
}

function mentionsInput(mentions: LevelMentions): AlertInput['mentions'] {
  const split = (ids: string[]) => ({ users: ids.filter((id) => !id.startsWith('S')), groups: ids.filter((id) => id.startsWith('S')) });
  return { warning: split(mentions.warning), critical: split(mentions.critical) };
}

/** JSON-like data: what YAML writes and reads back the same (no undefined, no class instances). */
function plain(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}
