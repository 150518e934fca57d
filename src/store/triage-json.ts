// Triage fields (issue 4/6) as the stores keep them (jsonb in PostgreSQL, where Dates come back as
// text; documents in MongoDB), read back whatever was stored: what is missing or malformed reads
// as what an alert made before triage existed had (LEGACY_TRIAGE, NO_TRIAGE_RUNTIME).
import {
  type Acknowledgement,
  type AlertRuntime,
  type AlertSpec,
  type LevelMentions,
  type Mute,
  type QuietHours,
  type ReminderPolicy,
  LEGACY_TRIAGE,
  NO_TRIAGE_RUNTIME,
} from '../domain/types.js';
import { dateFrom } from './series-json.js';

type Obj = Record<string, unknown>;

const isObj = (raw: unknown): raw is Obj => typeof raw === 'object' && raw !== null && !Array.isArray(raw);

const strings = (raw: unknown): string[] => (Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : []);

/** A stored reminder policy; none (an alert stored before 4/6) repeats by grace period. */
export function remindersFrom(raw: unknown): ReminderPolicy {
  if (isObj(raw) && raw.mode === 'backoff') {
    const { firstS, factor, capS } = raw;
    if (typeof firstS === 'number' && typeof factor === 'number' && typeof capS === 'number') return { mode: 'backoff', firstS, factor, capS };
  }
  return { ...LEGACY_TRIAGE.reminders };
}

export function quietHoursFrom(raw: unknown): QuietHours | null {
  if (!isObj(raw) || typeof raw.timezone !== 'string' || !Array.isArray(raw.windows)) return null;
  return { timezone: raw.timezone, windows: raw.windows as QuietHours['windows'] };
}

export function mentionsFrom(raw: unknown): LevelMentions {
  return isObj(raw) ? { warning: strings(raw.warning), critical: strings(raw.critical) } : { warning: [], critical: [] };
}

/** The spec's triage fields from what was stored; each one missing reads as LEGACY_TRIAGE's. */
export function triageSpecFrom(raw: { reminders?: unknown; quietHours?: unknown; mentionColumn?: unknown; mentions?: unknown }): Pick<
  AlertSpec,
  'reminders' | 'quietHours' | 'mentionColumn' | 'mentions'
> {
  return {
    reminders: remindersFrom(raw.reminders),
    quietHours: quietHoursFrom(raw.quietHours),
    mentionColumn: typeof raw.mentionColumn === 'string' ? raw.mentionColumn : null,
    mentions: mentionsFrom(raw.mentions),
  };
}

export function ackFrom(raw: unknown): Acknowledgement | null {
  if (!isObj(raw) || typeof raw.by !== 'string' || typeof raw.channel !== 'string') return null;
  const at = dateFrom(raw.at);
  return at === null ? null : { by: raw.by, at, channel: raw.channel };
}

export function remindedFrom(raw: unknown): AlertRuntime['reminded'] {
  if (!isObj(raw) || typeof raw.sent !== 'number') return { ...NO_TRIAGE_RUNTIME.reminded };
  return { sent: raw.sent, lastTick: dateFrom(raw.lastTick) };
}

/** The runtime's triage fields from what was stored; each one missing reads as NO_TRIAGE_RUNTIME's. */
export function triageRuntimeFrom(raw: { ack?: unknown; reminded?: unknown; heldSince?: unknown }): Pick<AlertRuntime, 'ack' | 'reminded' | 'heldSince'> {
  return { ack: ackFrom(raw.ack), reminded: remindedFrom(raw.reminded), heldSince: dateFrom(raw.heldSince) };
}

/** A stored mute; anything malformed reads as none. */
export function muteFrom(raw: unknown): Mute | null {
  if (!isObj(raw) || typeof raw.by !== 'string') return null;
  const until = dateFrom(raw.until);
  const at = dateFrom(raw.at);
  return until === null || at === null ? null : { until, by: raw.by, at };
}
