// The triage fields (issue 4/6) in the one alert schema (alert-schema.ts, issue 5/6): each field's
// shape, read on its own, and then readTriage (triage-input.ts) reads them together with the
// rules, as the modal always has: which reminders a measure takes, quiet hours in the schedule's
// zone, mentions at a level the alert has. The shapes let through what readTriage judges, so its
// messages are the ones people see.
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { MAX_QUIET_WINDOWS } from '../domain/quiet-window-text.js';
import type { MeasureKind } from '../domain/types.js';
import type { AlertRules } from './alert-rules-input.js';
import { described, isBlank } from './input-checks.js';
import type { TriageContext } from './triage-input.js';

/** A duration typed ("2 h") or in seconds. */
const duration = z.union([z.number(), z.string()], { error: 'must be a duration, e.g. 30 min, 2 h or 1 d' }).nullish();

const reminders = z
  .strictObject(
    {
      mode: described(z.string({ error: 'choose "repeat every grace period" or "remind with backoff"' }).nullish(), { enum: ['grace', 'backoff'] }),
      /** Backoff: the first wait. */
      first: duration,
      /** Backoff: each wait is the one before times this. */
      factor: z.union([z.number(), z.string()], { error: 'must be a number from 1 to 10' }).nullish(),
      /** Backoff: the longest wait. */
      cap: duration,
    },
    { error: 'give a mode (grace or backoff) and, for backoff, first, factor and cap' },
  )
  .nullish();

const WINDOWS_MESSAGE = `write windows like "Mon-Fri 20:00-08:00, Sat-Sun 00:00-24:00" (at most ${MAX_QUIET_WINDOWS})`;

const quietHours = z
  .strictObject(
    {
      /** An IANA zone; left out: the schedule's. */
      timezone: z.string({ error: 'choose the timezone the quiet hours are in' }).nullish(),
      /** Typed ("Mon-Fri 20:00-08:00, Sat-Sun 00:00-24:00") or as stored. */
      windows: z
        .union(
          [
            z.string(),
            // Days 0 (Sunday) to 6 and HH:MM times, as stored; readTriage checks them.
            z.array(
              z.object({
                days: described(z.array(z.number()), { items: { type: 'integer', minimum: 0, maximum: 6 } }),
                from: described(z.string(), { pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }),
                to: described(z.string(), { pattern: '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$' }),
              }),
            ),
          ],
          { error: WINDOWS_MESSAGE },
        )
        .nullish(),
    },
    { error: 'give windows and, if not the schedule\'s, a timezone' },
  )
  .nullish();

/** User ids as a list; user group ids as a list or typed ("S0ONCALL, S0DBA"). */
const levelMentions = z
  .strictObject({
    users: z.union([z.array(z.string()), z.string()], { error: 'must be a list of people' }).nullish(),
    groups: z.union([z.array(z.string()), z.string()], { error: 'must be a list of user groups' }).nullish(),
  })
  .nullish();

export const TRIAGE_FIELDS = {
  reminders,
  quietHours,
  mentionColumn: z.string({ error: 'must be the name of a column of the result' }).nullish(),
  mentions: z.strictObject({ warning: levelMentions, critical: levelMentions }, { error: 'give mentions per level: warning, critical' }).nullish(),
};

export const TRIAGE_KEYS = Object.keys(TRIAGE_FIELDS) as (keyof typeof TRIAGE_FIELDS)[];

/** What triage depends on in the rest of an alert (not a report): its measure, its levels, its zone. */
export function triageContext(values: { measure?: unknown; warning?: unknown; schedule?: unknown }, rules: AlertRules | null): TriageContext {
  const kind = (values.measure as { kind?: unknown } | null | undefined)?.kind;
  const timezone = (values.schedule as { timezone?: unknown } | null | undefined)?.timezone;
  return {
    measureKind: rules?.measure.kind ?? (typeof kind === 'string' && kind !== '' ? (kind as MeasureKind) : 'value'),
    // When the rules have errors of their own, a warning was meant if its threshold was typed.
    hasWarning: rules !== null ? rules.warning !== null : !isBlank((values.warning as { threshold?: unknown } | null | undefined)?.threshold),
    scheduleTimezone: typeof timezone === 'string' && IANAZone.isValidZone(timezone) ? timezone : undefined,
  };
}
