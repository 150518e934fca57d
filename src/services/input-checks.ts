// Small readers shared by the input validations (alert-input.ts, alert-rules-input.ts): numbers as
// a form sends them (text) or a file does (numbers), and "empty means the default".
import { z } from 'zod';

/**
 * Digits only, as a person types them (surrounding spaces aside): "0x20", "1e3" and "+5" are
 * refused rather than read as 32, 1000 and 5 (Number() and z.coerce would take them all).
 */
export const DECIMAL_INTEGER = /^\d{1,15}$/;
export const DECIMAL = /^\d{1,6}(\.\d{1,6})?$/;

/** A number from a form (text) or a file (number); text must match `pattern`. */
export function strictNumber(pattern: RegExp, message: string) {
  return z
    .union([z.number(), z.string()], { error: message })
    .refine((v) => (typeof v === 'number' ? Number.isFinite(v) : pattern.test(v.trim())), message)
    .transform((v) => (typeof v === 'number' ? v : Number(v.trim())));
}

/** `unit` is plural ("days"); a bound of 1 reads "1 day". */
export const wholeNumber = (min: number, max: number, unit: string) => {
  const count = (n: number) => `${n} ${n === 1 ? unit.replace(/s$/, '') : unit}`;
  return strictNumber(DECIMAL_INTEGER, `must be a whole number of ${unit}, in digits`).pipe(
    z
      .number()
      .int(`must be a whole number of ${unit}, in digits`)
      .min(min, `must be at least ${count(min)}`)
      .max(max, `must be at most ${count(max)}`),
  );
};

/** Whether a form left the field empty. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A form's empty field means "use the default". */
export function orDefault(value: unknown, fallback: number): unknown {
  return isBlank(value) ? fallback : value;
}

/** Checks `value` against `schema`; on failure records the first issue's message under `key`. */
export function checkField<T>(errors: Record<string, string>, key: string, schema: z.ZodType<T>, value: unknown): T | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  errors[key] = parsed.error.issues[0]?.message ?? 'is not valid';
  return undefined;
}

/** An optional switch: absent means off; anything but a boolean is reported under `key`. */
export function checkFlag(raw: unknown, key: string, errors: Record<string, string>): boolean {
  if (raw === undefined || raw === null) return false;
  if (typeof raw === 'boolean') return raw;
  errors[key] = 'must be true or false';
  return false;
}

/** A form's blank field (or a file's null) as absent, so the field's default applies. */
export function blankAsAbsent(value: unknown): unknown {
  return isBlank(value) ? undefined : value;
}

/** `wholeNumber`, with blank (or absent) meaning `fallback`. */
export function wholeNumberOr(min: number, max: number, unit: string, fallback: number) {
  return described(z.preprocess(blankAsAbsent, wholeNumber(min, max, unit).optional()).transform((v) => v ?? fallback), {
    minimum: min,
    maximum: max,
    default: fallback,
  });
}

/** A switch: absent (or null) means `fallback`; anything but a boolean is refused. */
export function flag(fallback = false) {
  return described(
    z
      .boolean({ error: 'must be true or false' })
      .nullish()
      .transform((v) => v ?? fallback),
    { default: fallback },
  );
}

/**
 * What the published JSON Schema says of a field beyond its type, where zod's own output cannot:
 * bounds that a number-or-text input checks after reading the text, defaults of fields whose
 * input is transformed (zod drops those), and allowed values checked against another field.
 * Only schema/alerts.schema.json reads it (alert-schema.ts); validation never does.
 */
export const FILE_HINTS = z.registry<Record<string, unknown>>();

/** `schema`, with `hints` recorded for the published JSON Schema. */
export function described<T extends z.ZodType>(schema: T, hints: Record<string, unknown>): T {
  FILE_HINTS.add(schema, hints);
  return schema;
}

/**
 * zod's issues as field errors: the first message for each field key (`schedule.cron`,
 * `recipients.2.id`); a field nobody knows is reported under its own name.
 */
export function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors[[...path, key].join('.')] ??= 'is not a field Lookout knows; check its spelling';
    } else {
      errors[path.join('.')] ??= issue.message;
    }
  }
  return errors;
}
