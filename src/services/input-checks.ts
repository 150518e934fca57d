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
