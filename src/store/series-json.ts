// Series states and outcomes as the stores keep them (jsonb in PostgreSQL, where Dates come back
// as text; documents in MongoDB), read back whatever was stored: what is missing or malformed
// reads as what an alert made before series existed had.
import type { Measure, SeriesOutcome, SeriesState } from '../domain/types.js';

const LEGACY_MEASURE: Measure = { kind: 'value' };

/** A stored measure; none (an alert stored before issue 3/6) is the single value. */
export function measureFrom(raw: unknown): Measure {
  return typeof raw === 'object' && raw !== null && typeof (raw as { kind?: unknown }).kind === 'string' ? (raw as Measure) : LEGACY_MEASURE;
}

/** Stored series states with their times as Dates. */
export function seriesFrom(raw: unknown): Record<string, SeriesState> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const out: Record<string, SeriesState> = {};
  for (const [key, value] of Object.entries(raw as Record<string, SeriesState>)) {
    out[key] = { ...value, since: dateFrom(value.since), lastSentTick: dateFrom(value.lastSentTick) };
  }
  return out;
}

export function outcomesFrom(raw: unknown): SeriesOutcome[] {
  return Array.isArray(raw) ? (raw as SeriesOutcome[]) : [];
}

/** A stored time: a Date (MongoDB), ISO text (jsonb) or nothing. */
export function dateFrom(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
