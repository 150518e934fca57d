// An alert's triage settings as a person enters them (issue 4/6): how it reminds while firing,
// its quiet hours, the result column whose people it mentions, who it mentions at each level,
// and which recipients get which level. Every problem is a field error keyed like the modal's
// block (`reminders.first`, `quietHours.windows`, `mentions.warning.groups`, `recipients.3.levels`);
// fields left out read as an alert made before (LEGACY_TRIAGE). Reports have none of it.
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { describeDuration, parseDuration } from '../domain/freshness.js';
import { MAX_QUIET_WINDOWS, parseQuietWindows } from '../domain/quiet-window-text.js';
import { LEGACY_TRIAGE, type AlertSpec, type Level, type LevelMentions, type MeasureKind, type QuietHours, type QuietWindow, type Recipient, type ReminderPolicy } from '../domain/types.js';
import { checkField, DECIMAL, isBlank, strictNumber } from './input-checks.js';

export type Triage = Pick<AlertSpec, 'reminders' | 'quietHours' | 'mentionColumn' | 'mentions'>;

/** One level's mentions: people (a list of user ids) and user groups (ids, as a list or typed). */
export interface MentionsInput {
  users?: unknown;
  groups?: unknown;
}

/** The triage fields of what a front end submits; loose on purpose. */
export interface TriageInput {
  /** `{ mode: 'grace' }`, or `{ mode: 'backoff', first, factor, cap }` with durations ("1 h", or seconds). */
  reminders?: { mode?: unknown; first?: unknown; factor?: unknown; cap?: unknown } | null;
  /** Windows typed ("Mon-Fri 20:00-08:00") or as a list; blank: no quiet hours. Timezone blank: the schedule's. */
  quietHours?: { timezone?: unknown; windows?: unknown } | null;
  mentionColumn?: unknown;
  mentions?: Partial<Record<Level, MentionsInput | null>> | null;
}

export const TRIAGE_LIMITS = {
  /** Reminders: the first wait at least, the longest wait at most, the factor's range. */
  reminderFirstS: { min: 5 * 60, fallback: 3600 },
  reminderCapS: { max: 7 * 86_400, fallback: 86_400 },
  reminderFactor: { min: 1, max: 10, fallback: 2 },
  quietWindows: MAX_QUIET_WINDOWS,
  mentionUsers: 10,
  mentionGroups: 5,
  columnLength: 64,
} as const;

/** What the triage rules depend on in the rest of the alert. */
export interface TriageContext {
  /** What the alert measures; new rows never fire, so they have no reminders, levels or level mentions. */
  measureKind: MeasureKind;
  /** The alert has a warning level: warning-only recipients and warning mentions mean something. */
  hasWarning: boolean;
  /** The schedule's zone (when valid): quiet hours are read in it unless another is given. */
  scheduleTimezone: string | undefined;
}

const LEVELS: readonly Level[] = ['critical', 'warning'];
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const GROUP_ID = /^S[A-Z0-9]{2,}$/;
const GROUP_HELP = 'a user group ID starts with S (in Slack, open the group: its menu copies the ID)';

/** The triage settings of an alert, or null with each problem in `errors`. */
export function readTriage(input: TriageInput, context: TriageContext, errors: Record<string, string>): Triage | null {
  const found: Record<string, string> = {};
  const reminders = readReminders(input.reminders, context, found);
  const quietHours = readQuietHours(input.quietHours, context, found);
  const mentionColumn = readColumn(input.mentionColumn, found);
  const mentions = readMentions(input.mentions, context, found);
  Object.assign(errors, found);
  if (Object.keys(found).length > 0) return null;
  return { reminders: reminders!, quietHours: quietHours ?? null, mentionColumn: mentionColumn ?? null, mentions: mentions! };
}

/** What a report keeps whatever came with it. */
export const REPORT_TRIAGE: Triage = LEGACY_TRIAGE;

function readReminders(raw: TriageInput['reminders'], context: TriageContext, errors: Record<string, string>): ReminderPolicy | undefined {
  const mode = raw?.mode;
  if (raw === undefined || raw === null || isBlank(mode) || mode === 'grace') return { mode: 'grace' };
  if (mode !== 'backoff') {
    errors['reminders.mode'] = 'choose "repeat every grace period" or "remind with backoff"';
    return undefined;
  }
  if (context.measureKind === 'new_rows') {
    errors['reminders.mode'] = 'a new-rows alert never keeps firing, so it has nothing to remind of';
    return undefined;
  }
  const { reminderFirstS: first, reminderCapS: cap, reminderFactor: factor } = TRIAGE_LIMITS;
  const firstS = readDuration(raw.first, first.fallback, 'reminders.first', errors);
  const capS = readDuration(raw.cap, cap.fallback, 'reminders.cap', errors);
  const factorMessage = `must be a number from ${factor.min} to ${factor.max}, e.g. 2 or 1.5 (1: the same wait every time)`;
  const factorValue = checkField(
    errors,
    'reminders.factor',
    strictNumber(DECIMAL, factorMessage).pipe(z.number().min(factor.min, factorMessage).max(factor.max, factorMessage)),
    isBlank(raw.factor) ? factor.fallback : raw.factor,
  );
  if (firstS !== undefined && firstS < first.min) errors['reminders.first'] = `must be at least ${describeDuration(first.min)}`;
  else if (firstS !== undefined && firstS > cap.max) errors['reminders.first'] = `must be at most ${describeDuration(cap.max)}`;
  if (capS !== undefined && capS > cap.max) errors['reminders.cap'] = `must be at most ${describeDuration(cap.max)}`;
  else if (capS !== undefined && firstS !== undefined && errors['reminders.first'] === undefined && capS < firstS) errors['reminders.cap'] = `must be at least the first wait (${describeDuration(firstS)})`;
  if (firstS === undefined || capS === undefined || factorValue === undefined || errors['reminders.first'] !== undefined || errors['reminders.cap'] !== undefined) return undefined;
  return { mode: 'backoff', firstS, factor: factorValue, capS };
}

/** A duration typed ("2 h", "90 min") or in seconds; blank: the fallback. */
function readDuration(raw: unknown, fallback: number, key: string, errors: Record<string, string>): number | undefined {
  if (isBlank(raw)) return fallback;
  const seconds = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseDuration(raw) : 'a duration, e.g. 30 min, 2 h or 1 d';
  if (typeof seconds === 'string') {
    errors[key] = `must be ${seconds}`;
    return undefined;
  }
  if (!Number.isFinite(seconds) || seconds <= 0) {
    errors[key] = 'must be a duration longer than zero, e.g. 30 min, 2 h or 1 d';
    return undefined;
  }
  return Math.round(seconds);
}

function readQuietHours(raw: TriageInput['quietHours'], context: TriageContext, errors: Record<string, string>): QuietHours | null | undefined {
  if (raw === undefined || raw === null || isBlank(raw.windows) || (Array.isArray(raw.windows) && raw.windows.length === 0)) return null;
  const zone = isBlank(raw.timezone) ? context.scheduleTimezone : raw.timezone;
  let timezone: string | undefined;
  if (typeof zone === 'string' && IANAZone.isValidZone(zone.trim())) timezone = zone.trim();
  else errors['quietHours.timezone'] = zone === undefined ? 'choose the timezone the quiet hours are in' : `"${String(zone)}" is not a timezone; choose one from the list`;
  const windows = readWindows(raw.windows, errors);
  return timezone === undefined || windows === undefined ? undefined : { timezone, windows };
}

const windowSchema = z.object({
  days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
  from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  to: z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/),
});

function readWindows(raw: unknown, errors: Record<string, string>): QuietWindow[] | undefined {
  if (typeof raw === 'string') {
    const parsed = parseQuietWindows(raw);
    if (parsed.ok) return parsed.windows;
    errors['quietHours.windows'] = parsed.error;
    return undefined;
  }
  // A file or an API may give the stored shape.
  const listed = z.array(windowSchema).max(MAX_QUIET_WINDOWS).safeParse(raw);
  if (listed.success && listed.data.every((w) => w.from !== w.to)) return listed.data.map((w) => ({ ...w, days: [...new Set(w.days)].sort((a, b) => a - b) }));
  errors['quietHours.windows'] = `write windows like "Mon-Fri 20:00-08:00, Sat-Sun 00:00-24:00" (at most ${MAX_QUIET_WINDOWS})`;
  return undefined;
}

function readColumn(raw: unknown, errors: Record<string, string>): string | null | undefined {
  if (isBlank(raw)) return null;
  if (typeof raw !== 'string') {
    errors.mentionColumn = 'must be the name of a column of the result';
    return undefined;
  }
  const name = raw.trim();
  if (name.length > TRIAGE_LIMITS.columnLength) {
    errors.mentionColumn = `must be at most ${TRIAGE_LIMITS.columnLength} characters`;
    return undefined;
  }
  return name;
}

function readMentions(raw: TriageInput['mentions'], context: TriageContext, errors: Record<string, string>): LevelMentions | undefined {
  const mentions: LevelMentions = { warning: [], critical: [] };
  let ok = true;
  for (const level of LEVELS) {
    const given = raw?.[level] ?? null;
    const users = readIds(given?.users, USER_ID, TRIAGE_LIMITS.mentionUsers, 'people', `mentions.${level}.users`, 'is not a Slack user id', errors);
    const groups = readIds(given?.groups, GROUP_ID, TRIAGE_LIMITS.mentionGroups, 'user groups', `mentions.${level}.groups`, `is not a user group ID: ${GROUP_HELP}`, errors, true);
    if (users === undefined || groups === undefined) {
      ok = false;
      continue;
    }
    const key = users.length > 0 ? `mentions.${level}.users` : `mentions.${level}.groups`;
    if (users.length + groups.length > 0 && context.measureKind === 'new_rows') {
      errors[key] = 'a new-rows alert has no levels, so nobody would be mentioned here; use the mention column instead';
      ok = false;
    } else if (users.length + groups.length > 0 && level === 'warning' && !context.hasWarning) {
      errors[key] = 'this alert has no warning level: set a warning threshold, or mention them at critical';
      ok = false;
    }
    mentions[level] = [...new Set([...users, ...groups])];
  }
  return ok ? mentions : undefined;
}

/**
 * Ids as a list or (groups) typed: separated by commas or spaces, each an id or Slack's own
 * mention syntax (<!subteam^S0123|@oncall>), so a pasted mention works too.
 */
function readIds(raw: unknown, pattern: RegExp, max: number, noun: string, key: string, wrong: string, errors: Record<string, string>, typed = false): string[] | undefined {
  if (isBlank(raw)) return [];
  const items = typed && typeof raw === 'string' ? raw.split(/[\s,;]+/).filter((s) => s !== '') : raw;
  if (!Array.isArray(items) || !items.every((i): i is string => typeof i === 'string')) {
    errors[key] = `must be a list of ${noun}`;
    return undefined;
  }
  const ids = items.map((i) => /^<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>$/.exec(i.trim())?.[1] ?? i.trim());
  const bad = ids.find((id) => !pattern.test(id));
  if (bad !== undefined) {
    errors[key] = `"${bad}" ${wrong}`;
    return undefined;
  }
  const unique = [...new Set(ids)];
  if (unique.length > max) {
    errors[key] = `at most ${max} ${noun}`;
    return undefined;
  }
  return unique;
}

/**
 * Recipients routed by level: only an alert with levels has them, each names the levels it gets,
 * and someone must still get critical. `recipients` is the input's list (errors are keyed by its
 * positions, as the modal lists them).
 */
export function checkRecipientLevels(recipients: readonly Recipient[], context: TriageContext | null, errors: Record<string, string>): void {
  recipients.forEach((r, i) => {
    if (r.levels === undefined) return;
    const key = `recipients.${i}.levels`;
    if (context === null) errors[key] = 'a report has no levels: send it to this recipient at all levels';
    else if (context.measureKind === 'new_rows') errors[key] = 'a new-rows alert has no levels: send it to this recipient at all levels';
    else if (!context.hasWarning && !r.levels.includes('critical')) errors[key] = 'this alert has no warning level, so nothing would be sent here: set a warning threshold, or send it at critical';
  });
  const critical = recipients.some((r) => r.levels === undefined || r.levels.includes('critical'));
  if (recipients.length > 0 && !critical && errors.recipients === undefined) errors.recipients = 'nobody would get critical messages: add a recipient for all levels or for critical';
}

/**
 * Recipients listed more than once (at all levels, and for one level) become one, with every
 * level it was listed for; all levels when it was listed without one or for both.
 */
export function mergeRecipientLevels(recipients: readonly Recipient[], keyOf: (r: Recipient) => string): Recipient[] {
  const merged = new Map<string, Recipient>();
  for (const r of recipients) {
    const key = keyOf(r);
    const before = merged.get(key);
    if (before === undefined) {
      merged.set(key, withLevels(r, r.levels));
      continue;
    }
    const levels = before.levels === undefined || r.levels === undefined ? undefined : [...new Set([...before.levels, ...r.levels])];
    merged.set(key, withLevels(before, levels));
  }
  return [...merged.values()];
}

/** The recipient with these levels; both levels (or none listed) is every level: no `levels`. */
export function withLevels(r: Recipient, levels: readonly Level[] | undefined): Recipient {
  const { levels: _, ...rest } = r;
  const every = levels === undefined || LEVELS.every((l) => levels.includes(l));
  return every ? (rest as Recipient) : ({ ...rest, levels: LEVELS.filter((l) => levels.includes(l)) } as Recipient);
}
