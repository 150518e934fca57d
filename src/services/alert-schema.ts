// The one schema of an alert as a person gives it (issue 5/6): the Slack modal's values and an
// alert file's entries are both read by alertSchema, so they take the same fields with the same
// rules and say the same things, and schema/alerts.schema.json is generated from it
// (alertsJsonSchema). Loose where people are: numbers may come as text (a form) or numbers (a
// file), blank means the default. Every problem is a zod issue whose path is the modal's field key
// (`schedule.cron`, `measure.floor`, `recipients.2.id`). What depends on who is asking — the data
// sources they may use, the screenshot hosts — is checked by validateAlertInput (alert-input.ts).
import { z } from 'zod';
import { KEY_PATTERN, KEY_RULE } from '../domain/alert-key.js';
import { validateSchedule } from '../domain/schedule.js';
import { DEFAULTS, LEGACY_RULES, LEGACY_TRIAGE, type AlertSpec } from '../domain/types.js';
import { templateProblem } from '../messages/template.js';
import { checkRules, failedFields, reportTo, RULE_FIELDS, RULE_KEYS, RULE_LIMITS } from './alert-rules-input.js';
import { CONTENT_LIMITS, contentSchema } from './content-input.js';
import { blankAsAbsent, described, flag, FILE_HINTS, wholeNumberOr } from './input-checks.js';
import { TRIAGE_FIELDS, TRIAGE_KEYS, triageContext } from './triage-fields.js';
import { checkRecipientLevels, mergeRecipientLevels, readTriage, TRIAGE_LIMITS } from './triage-input.js';

export const LIMITS = {
  nameLength: 80,
  descriptionLength: 1000,
  sqlLength: 20_000,
  templateLength: 2000,
  recipients: 20,
  owners: 10,
  gracePeriodS: 30 * 24 * 3600,
  workingTimeoutS: { min: 10, max: 3600 },
  logRetentionDays: { min: 1, max: 3650 },
  ...CONTENT_LIMITS,
  ...RULE_LIMITS,
  ...TRIAGE_LIMITS,
} as const;

const text = (max: number, what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .max(max, `${what} must be at most ${max} characters`);

const slackUser = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'is not a Slack user id');

/** The levels a recipient gets (issue 4/6); absent: every level. */
const levels = z.array(z.enum(['warning', 'critical'], { error: 'choose warning or critical' })).min(1, 'choose at least one level').optional();

const recipientSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('slack_channel'), id: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'is not a Slack channel id'), levels }),
    z.strictObject({ kind: z.literal('slack_user'), id: slackUser, levels }),
    z.strictObject({ kind: z.literal('email'), address: z.email('is not an email address'), levels }),
  ],
  { error: 'choose slack_channel, slack_user or email' },
);

const template = z
  .preprocess(
    blankAsAbsent,
    z
      .string({ error: 'must be text' })
      .max(LIMITS.templateLength, `must be at most ${LIMITS.templateLength} characters`)
      // A template Mustache cannot parse would be sent as its raw text on every run: refuse it now.
      .superRefine((value, ctx) => {
        const problem = templateProblem(value);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
  )
  .transform((v) => v ?? null);

const ALERT_FIELDS = {
  key: described(z.preprocess(blankAsAbsent, z.string({ error: KEY_RULE }).trim().regex(KEY_PATTERN, KEY_RULE).optional()), {
    pattern: KEY_PATTERN.source,
  }),
  name: text(LIMITS.nameLength, 'A name'),
  description: z
    .string({ error: 'must be text' })
    .trim()
    .max(LIMITS.descriptionLength, `must be at most ${LIMITS.descriptionLength} characters`)
    .nullish()
    .transform((v) => v ?? ''),
  /** Slack user ids; none: the person who saves it. */
  owners: z
    .array(slackUser, { error: 'list Slack user ids' })
    .max(LIMITS.owners, `at most ${LIMITS.owners} owners`)
    .nullish()
    .transform((v) => [...new Set(v ?? [])]),
  type: z.enum(['alert', 'report'], { error: 'choose alert or report' }),
  dataSource: z.string({ error: 'choose a data source' }),
  sql: text(LIMITS.sqlLength, 'SQL'),
  ...RULE_FIELDS,
  schedule: z.preprocess(
    (raw) => raw ?? {},
    z.strictObject(
      {
        /** Five fields: minute hour day-of-month month day-of-week. */
        cron: text(200, 'A schedule').transform((cron) => cron.replace(/\s+/g, ' ')),
        /** An IANA zone, e.g. Europe/Paris. */
        timezone: text(64, 'A timezone'),
      },
      { error: 'give a cron and a timezone' },
    ),
  ),
  gracePeriodS: wholeNumberOr(0, LIMITS.gracePeriodS, 'seconds', DEFAULTS.gracePeriodS),
  workingTimeoutS: wholeNumberOr(LIMITS.workingTimeoutS.min, LIMITS.workingTimeoutS.max, 'seconds', DEFAULTS.workingTimeoutS),
  logRetentionDays: wholeNumberOr(LIMITS.logRetentionDays.min, LIMITS.logRetentionDays.max, 'days', DEFAULTS.logRetentionDays),
  content: contentSchema,
  messageTemplate: template,
  recipients: z
    .array(recipientSchema, { error: 'add at least one channel, person or email address' })
    .min(1, 'add at least one channel, person or email address')
    .max(LIMITS.recipients, `at most ${LIMITS.recipients} recipients`),
  emailFallback: flag(false),
  notifyOnRecovery: flag(true),
  ...TRIAGE_FIELDS,
};

/** The fields an alert file may give. */
export const ALERT_FIELD_NAMES: ReadonlySet<string> = new Set(Object.keys(ALERT_FIELDS));

const alertObject = z.strictObject(ALERT_FIELDS, { error: 'an alert is a mapping of its fields (name, type, dataSource, sql, …)' });
type AlertValues = z.output<typeof alertObject>;

/** What the schema makes of valid input: the spec, and whether the key was given or is the name's to derive. */
export type AlertDraft = Omit<AlertSpec, 'key'> & { key: string | null };

/** What a report drops whatever was sent: it sends every time, to everyone (no rules, no triage). */
const NOT_FOR_REPORTS: ReadonlySet<string> = new Set([...RULE_KEYS, ...TRIAGE_KEYS]);

/**
 * The alert as a person gives it. A report has no rules and no triage: whatever is sent for them
 * is dropped (the modal hides them; a file need not list them). Fields are read on their own
 * first, then together (the rules, triage, the recipients' levels, the schedule); both steps
 * report, so every problem shows at once.
 */
export const alertSchema = z
  .preprocess((raw) => (isObject(raw) && raw.type === 'report' ? Object.fromEntries(Object.entries(raw).filter(([k]) => !NOT_FOR_REPORTS.has(k))) : raw), alertObject)
  .superRefine(
    (values, ctx) => {
      const failed = failedFields(ctx.issues);
      const report = reportTo(ctx.issues, values);
      const isReport = values.type === 'report' && !failed.has('type');
      const rules = values.type === 'alert' && !failed.has('type') ? checkRules(values, failed, report) : null;
      // Triage is an alert's (and, while the type is unreadable, read as one).
      const context = isReport ? null : triageContext(values, rules);
      const errors: Record<string, string> = {};
      if (context !== null) readTriage(values, context, errors);
      if (!failed.has('recipients') && !failed.has('type')) checkRecipientLevels(values.recipients, context, errors);
      if (!failed.has('schedule')) Object.assign(errors, validateSchedule(values.schedule));
      // A field whose own reading failed keeps that error alone.
      for (const [key, message] of Object.entries(errors)) if (!failed.has(key.split('.')[0] ?? key)) report(key, message);
    },
    { when: () => true },
  )
  .transform((values): AlertDraft => toDraft(values));

function toDraft(values: AlertValues): AlertDraft {
  const rules = values.type === 'alert' ? checkRules(values, new Set(), () => undefined) : { condition: null, ...LEGACY_RULES, labels: [] };
  const triage = values.type === 'alert' && rules !== null ? readTriage(values, triageContext(values, rules), {}) : LEGACY_TRIAGE;
  if (rules === null || triage === null) throw new Error('the rules or triage refused what their superRefine accepted');
  return {
    key: values.key ?? null,
    name: values.name,
    description: values.description,
    owners: values.owners,
    type: values.type,
    dataSource: values.dataSource,
    sql: values.sql,
    ...rules,
    ...triage,
    schedule: values.schedule,
    gracePeriodS: values.gracePeriodS,
    workingTimeoutS: values.workingTimeoutS,
    logRetentionDays: values.logRetentionDays,
    content: values.content,
    messageTemplate: values.messageTemplate,
    recipients: mergeRecipientLevels(values.recipients, (r) => (r.kind === 'email' ? `email:${r.address.toLowerCase()}` : `${r.kind}:${r.id}`)),
    emailFallback: values.emailFallback,
    notifyOnRecovery: values.notifyOnRecovery,
  };
}

/** At most this many alerts in one file (a file is read, checked and applied whole). */
export const MAX_ALERTS_PER_FILE = 1000;

/** An alert file: its alerts, in order, each read by alertSchema. */
export const alertsFileSchema = z.strictObject(
  {
    /** Where an editor finds this schema (`# yaml-language-server: $schema=…` also works). */
    $schema: z.string().optional(),
    alerts: z
      .array(alertSchema, { error: 'list the alerts under "alerts:"' })
      .max(MAX_ALERTS_PER_FILE, `at most ${MAX_ALERTS_PER_FILE} alerts in one file`),
  },
  { error: 'an alert file is a mapping with an "alerts:" list' },
);

/** What each field is, for people completing a file in an editor. */
const FIELD_DOCS: Record<keyof typeof ALERT_FIELDS, string> = {
  key: 'Stable id of the alert: apply finds the alert to change by it. Left out: made from the name (write it, so a rename does not make a new alert).',
  name: 'Unique name (case-insensitive), shown in Slack.',
  description: 'What it is for, shown in Slack.',
  owners: 'Slack user ids who may change it (with Lookout admins). Left out: the identity that applies the file.',
  type: 'alert: sends when its condition holds; report: sends every time.',
  dataSource: 'A data source name from lookout.config.yml.',
  sql: 'The query, run read-only.',
  condition: 'Alerts: the critical level. op, and threshold for > >= < <= == != (an age such as "2h" for freshness).',
  measure: 'Alerts: what each series yields: value (default), row_count, freshness, change, new_rows.',
  labels: 'Alerts: label columns; each distinct combination of their values is a series.',
  warning: 'Alerts: the level below critical; same operator, threshold reached first.',
  pendingTicks: 'Alerts: checks in a row the condition must hold before a series fires.',
  keepFiringTicks: 'Alerts: checks a firing series stays firing after its condition stops holding.',
  schedule: 'When it runs: a 5-field cron in an IANA timezone.',
  gracePeriodS: 'Seconds after a send in which a series that keeps firing is not sent again.',
  workingTimeoutS: 'Seconds a run may take.',
  logRetentionDays: 'Days its run history is kept.',
  content: 'What goes with the message: none, csv, chart or screenshot, with its options.',
  messageTemplate: 'Mustache template of the message ({{name}}, {{value}}, {{#rows}}…{{/rows}}); left out: the standard message.',
  recipients: 'Slack channels (the bot must be a member), Slack users (DM) and email addresses.',
  emailFallback: 'When Slack fails, send by email to the owners.',
  notifyOnRecovery: 'Alerts: say "resolved" when a firing series recovers.',
  reminders: 'Alerts: while firing and not acknowledged, repeat every grace period (grace) or remind with backoff (first, factor, cap).',
  quietHours: 'Alerts: weekly windows in which nothing is sent ("Mon-Fri 20:00-08:00"), in timezone (default: the schedule\'s).',
  mentionColumn: 'Alerts: a result column of emails or Slack user ids; the firing rows mention those people.',
  mentions: 'Alerts: who is mentioned at each level: users (ids) and groups (user group ids).',
};

/**
 * The JSON Schema editors check alert files with (schema/alerts.schema.json), generated from
 * alertsFileSchema: the input it takes, with the hints recorded beside the fields (FILE_HINTS).
 */
export function alertsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(alertsFileSchema, {
    io: 'input',
    target: 'draft-2020-12',
    override: ({ zodSchema, jsonSchema }) => {
      const hints = FILE_HINTS.get(zodSchema);
      if (hints !== undefined) Object.assign(jsonSchema, hints);
    },
  });
  const items = (schema.properties as { alerts: { items: { properties: Record<string, Record<string, unknown>> } } }).alerts.items;
  for (const [field, description] of Object.entries(FIELD_DOCS)) {
    const property = items.properties[field];
    if (property !== undefined) property.description = description;
  }
  return {
    $schema: schema.$schema,
    title: 'Lookout alerts',
    description: 'Lookout alerts and reports as code: `npx lookout alerts validate|diff|apply -f <file>`, or a file in alertsDir.',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where the published JSON Schema lives, relative to the repository root. */
export const ALERTS_SCHEMA_PATH = 'schema/alerts.schema.json';

/** The published file's exact text (`npm run schema` writes it; a test compares it). */
export function alertsJsonSchemaText(): string {
  return `${JSON.stringify(alertsJsonSchema(), null, 2)}\n`;
}
