// Validation of what a person submits for an alert or report: every field checked, every
// problem reported against its field (the Slack modal shows them with response_action:
// errors), nothing half-saved. Numbers may arrive as text from a form.
import { z } from 'zod';
import { templateProblem } from '../messages/template.js';
import { hostAllowed } from '../domain/content.js';
import { validateSchedule } from '../domain/schedule.js';
import { IANAZone } from 'luxon';
import { CHART_TYPES, DEFAULTS, LEGACY_RULES, LEGACY_TRIAGE, MEASURE_KINDS, type AlertSpec, type ChartType, type Content, type MeasureKind, type Recipient } from '../domain/types.js';
import { readAlertRules, RULE_LIMITS, type RulesInput } from './alert-rules-input.js';
import { checkFlag, DECIMAL, isBlank, orDefault, strictNumber, wholeNumber } from './input-checks.js';
import { checkRecipientLevels, mergeRecipientLevels, readTriage, TRIAGE_LIMITS, type TriageContext, type TriageInput } from './triage-input.js';

/**
 * What a front end submits; loose on purpose, tightened by validateAlertInput. The rules
 * (condition, measure, labels, warning, pendingTicks, keepFiringTicks) are RulesInput's; the
 * triage settings (reminders, quiet hours, mentions) TriageInput's. A recipient may carry the
 * `levels` it gets.
 */
export interface AlertInput extends RulesInput, TriageInput {
  name?: unknown;
  description?: unknown;
  owners?: unknown;
  type?: unknown;
  dataSource?: unknown;
  sql?: unknown;
  schedule?: { cron?: unknown; timezone?: unknown };
  gracePeriodS?: unknown;
  workingTimeoutS?: unknown;
  logRetentionDays?: unknown;
  content?: Record<string, unknown> | null;
  messageTemplate?: unknown;
  recipients?: unknown;
  emailFallback?: unknown;
  notifyOnRecovery?: unknown;
}

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
  screenshotWidth: { min: 320, max: 4096 },
  screenshotHeight: { min: 200, max: 8192 },
  /** Device scale factor: 2 already makes a 1920×1080 capture 3840×2160 pixels. */
  screenshotScale: { min: 1, max: 3 },
  /** CSS selectors (element, wait for, wait until gone). */
  selectorLength: 500,
  ...RULE_LIMITS,
  ...TRIAGE_LIMITS,
} as const;

export interface InputContext {
  /** Data sources this person may use. */
  dataSources: string[];
  /** Hosts screenshots may be taken of. */
  allowedHosts: string[];
  /** Owner when none is given. */
  actor: string;
}

const text = (max: number, what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .max(max, `${what} must be at most ${max} characters`);

const slackUser = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'is not a Slack user id');

/** The levels a recipient gets (issue 4/6); absent: every level. */
const levels = z.array(z.enum(['warning', 'critical'], { error: 'choose warning or critical' })).min(1, 'choose at least one level').optional();

const recipientSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('slack_channel'), id: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'is not a Slack channel id'), levels }),
  z.object({ kind: z.literal('slack_user'), id: slackUser, levels }),
  z.object({ kind: z.literal('email'), address: z.email('is not an email address'), levels }),
]);

function fieldPath(path: PropertyKey[]): string {
  return path.map(String).join('.');
}

/** Returns the spec, or field errors keyed by field path (e.g. `schedule.cron`). */
export function validateAlertInput(
  input: AlertInput,
  context: InputContext,
): { ok: true; spec: AlertSpec } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const check = <T>(field: string, schema: z.ZodType<T>, value: unknown): T | undefined => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const key = issue && issue.path.length > 0 ? `${field}.${fieldPath(issue.path)}` : field;
    errors[key] = issue?.message ?? 'is not valid';
    return undefined;
  };

  const name = check('name', text(LIMITS.nameLength, 'A name'), input.name);
  const description = check('description', z.string().trim().max(LIMITS.descriptionLength).default(''), input.description ?? '');
  const owners = check(
    'owners',
    z.array(slackUser).max(LIMITS.owners, `at most ${LIMITS.owners} owners`),
    input.owners ?? [],
  );
  const type = check('type', z.enum(['alert', 'report'], { error: 'choose alert or report' }), input.type);
  const dataSource = check(
    'dataSource',
    z.string({ error: 'choose a data source' }).refine((s) => context.dataSources.includes(s), {
      message: 'is not a data source you may use; choose one from the list',
    }),
    input.dataSource,
  );
  const sql = check('sql', text(LIMITS.sqlLength, 'SQL'), input.sql);
  // Reports send every time: whatever rules came with them, they keep those of before series.
  const rules = type === 'alert' ? readAlertRules(input, errors) : { condition: null, ...LEGACY_RULES, labels: [] };

  const cron = check('schedule.cron', text(200, 'A schedule'), input.schedule?.cron);
  const timezone = check('schedule.timezone', text(64, 'A timezone'), input.schedule?.timezone);
  if (cron !== undefined && timezone !== undefined) Object.assign(errors, validateSchedule({ cron, timezone }));

  const gracePeriodS = check('gracePeriodS', wholeNumber(0, LIMITS.gracePeriodS, 'seconds'), orDefault(input.gracePeriodS, DEFAULTS.gracePeriodS));
  const workingTimeoutS = check(
    'workingTimeoutS',
    wholeNumber(LIMITS.workingTimeoutS.min, LIMITS.workingTimeoutS.max, 'seconds'),
    orDefault(input.workingTimeoutS, DEFAULTS.workingTimeoutS),
  );
  const logRetentionDays = check(
    'logRetentionDays',
    wholeNumber(LIMITS.logRetentionDays.min, LIMITS.logRetentionDays.max, 'days'),
    orDefault(input.logRetentionDays, DEFAULTS.logRetentionDays),
  );
  const content = checkContent(input.content ?? { kind: 'none' }, context.allowedHosts, errors);
  const messageTemplate = check(
    'messageTemplate',
    z.string().max(LIMITS.templateLength, `must be at most ${LIMITS.templateLength} characters`).nullable(),
    typeof input.messageTemplate === 'string' && input.messageTemplate.trim() === '' ? null : (input.messageTemplate ?? null),
  );
  // A template Mustache cannot parse would be sent as its raw text on every run: refuse it now.
  const templateError = typeof messageTemplate === 'string' ? templateProblem(messageTemplate) : null;
  if (templateError !== null) errors.messageTemplate = templateError;
  const recipients = check(
    'recipients',
    z
      .array(recipientSchema)
      .min(1, 'add at least one channel, person or email address')
      .max(LIMITS.recipients, `at most ${LIMITS.recipients} recipients`),
    input.recipients,
  );
  const emailFallback = check('emailFallback', z.boolean(), input.emailFallback ?? false);
  const notifyOnRecovery = check('notifyOnRecovery', z.boolean(), input.notifyOnRecovery ?? true);
  // Triage is an alert's: a report sends every time, to everyone, and keeps none of it.
  const triageContext: TriageContext | null =
    type === 'report'
      ? null
      : {
          measureKind: rules?.measure.kind ?? measureKindOf(input),
          // When the rules have errors of their own, a warning was meant if its threshold was typed.
          hasWarning: rules != null ? rules.warning !== null : !isBlank(input.warning?.threshold),
          scheduleTimezone: typeof timezone === 'string' && IANAZone.isValidZone(timezone) ? timezone : undefined,
        };
  const triage = triageContext === null ? LEGACY_TRIAGE : readTriage(input, triageContext, errors);
  if (recipients !== undefined && type !== undefined) checkRecipientLevels(recipients, triageContext, errors);

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    spec: {
      name: name!,
      description: description!,
      owners: owners!.length > 0 ? [...new Set(owners)] : [context.actor],
      type: type!,
      dataSource: dataSource!,
      sql: sql!,
      ...rules!,
      ...triage!,
      schedule: { cron: cron!.replace(/\s+/g, ' '), timezone: timezone! },
      gracePeriodS: gracePeriodS!,
      workingTimeoutS: workingTimeoutS!,
      logRetentionDays: logRetentionDays!,
      content: content!,
      messageTemplate: messageTemplate ?? null,
      recipients: dedupeRecipients(recipients!),
      emailFallback: emailFallback!,
      notifyOnRecovery: notifyOnRecovery!,
    },
  };
}

function checkContent(raw: Record<string, unknown>, allowedHosts: string[], errors: Record<string, string>): Content | undefined {
  switch (raw.kind) {
    case 'none':
      return { kind: 'none' };
    case 'csv':
      return { kind: 'csv', bom: checkFlag(raw.bom, 'content.bom', errors), keepFormulas: checkFlag(raw.keepFormulas, 'content.keepFormulas', errors) };
    case 'chart': {
      const csv = checkFlag(raw.csv, 'content.csv', errors);
      const bom = checkFlag(raw.bom, 'content.bom', errors);
      const keepFormulas = checkFlag(raw.keepFormulas, 'content.keepFormulas', errors);
      const chart = raw.chart ?? 'line';
      if (!(CHART_TYPES as readonly unknown[]).includes(chart)) {
        errors['content.chart'] = `choose ${CHART_TYPES.join(', ')}`;
        return undefined;
      }
      const native = raw.native === undefined || raw.native === null ? true : checkFlag(raw.native, 'content.native', errors);
      return { kind: 'chart', chart: chart as ChartType, csv, bom, keepFormulas, native };
    }
    case 'screenshot': {
      const url = checkUrl(raw.url, allowedHosts);
      if (typeof url === 'string') errors['content.url'] = url;
      const linkUrl = raw.linkUrl === undefined || raw.linkUrl === null || raw.linkUrl === '' ? null : checkUrl(raw.linkUrl, null);
      if (typeof linkUrl === 'string') errors['content.linkUrl'] = linkUrl;
      const width = wholeNumber(LIMITS.screenshotWidth.min, LIMITS.screenshotWidth.max, 'pixels').safeParse(
        orDefault(raw.width, DEFAULTS.screenshotWidth),
      );
      if (!width.success) errors['content.width'] = width.error.issues[0]?.message ?? 'is not valid';
      const height = wholeNumber(LIMITS.screenshotHeight.min, LIMITS.screenshotHeight.max, 'pixels').safeParse(
        orDefault(raw.height, DEFAULTS.screenshotHeight),
      );
      if (!height.success) errors['content.height'] = height.error.issues[0]?.message ?? 'is not valid';
      const { min, max } = LIMITS.screenshotScale;
      const scaleMessage = `must be a number from ${min} to ${max}, e.g. 1, 1.5 or 2`;
      const scale = strictNumber(DECIMAL, scaleMessage).pipe(z.number().min(min, scaleMessage).max(max, scaleMessage)).safeParse(
        orDefault(raw.scale, DEFAULTS.screenshotScale),
      );
      if (!scale.success) errors['content.scale'] = scale.error.issues[0]?.message ?? 'is not valid';
      const selector = checkSelector(raw.selector, 'content.selector', errors);
      const waitFor = checkSelector(raw.waitFor, 'content.waitFor', errors);
      const waitForGone = checkSelector(raw.waitForGone, 'content.waitForGone', errors);
      const fullPage = checkFlag(raw.fullPage, 'content.fullPage', errors);
      const csv = checkFlag(raw.csv, 'content.csv', errors);
      const bom = checkFlag(raw.bom, 'content.bom', errors);
      const keepFormulas = checkFlag(raw.keepFormulas, 'content.keepFormulas', errors);
      if (typeof url === 'string' || typeof linkUrl === 'string' || !width.success || !height.success || !scale.success) return undefined;
      return {
        kind: 'screenshot',
        url: url.href,
        linkUrl: linkUrl?.href ?? null,
        width: width.data,
        height: height.data,
        scale: scale.data,
        selector,
        fullPage,
        waitFor,
        waitForGone,
        csv,
        bom,
        keepFormulas,
      };
    }
    default:
      errors['content.kind'] = 'choose none, CSV, chart or screenshot';
      return undefined;
  }
}

/** An optional CSS selector: blank (or not text, as before) means none. */
function checkSelector(raw: unknown, key: string, errors: Record<string, string>): string | null {
  const selector = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : null;
  if (selector !== null && selector.length > LIMITS.selectorLength) errors[key] = `must be at most ${LIMITS.selectorLength} characters`;
  return selector;
}

/** A URL, or what is wrong with it. `allowedHosts` null: any http(s) host (links people click). */
function checkUrl(raw: unknown, allowedHosts: string[] | null): URL | string {
  if (typeof raw !== 'string' || raw.trim() === '') return 'a URL is required';
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return 'is not a URL; use https://…';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'only http and https URLs can be used';
  if (allowedHosts !== null && !hostAllowed(url.hostname, allowedHosts)) {
    return allowedHosts.length === 0
      ? 'screenshots are off: an admin must list allowed hosts in lookout.config.yml (screenshots.allowedHosts)'
      : `${url.hostname} is not an allowed screenshot host (allowed: ${allowedHosts.join(', ')})`;
  }
  return url;
}

/** One entry per recipient; one listed for several levels gets them all (mergeRecipientLevels). */
function dedupeRecipients(recipients: Recipient[]): Recipient[] {
  return mergeRecipientLevels(recipients, (r) => (r.kind === 'email' ? `email:${r.address.toLowerCase()}` : `${r.kind}:${r.id}`));
}

/** What the input says it measures, when its rules could not be read. */
function measureKindOf(input: AlertInput): MeasureKind {
  const kind = input.measure?.kind;
  return typeof kind === 'string' && (MEASURE_KINDS as readonly string[]).includes(kind) ? (kind as MeasureKind) : 'value';
}
