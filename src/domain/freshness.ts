// Timestamps a query returns, read as instants, and durations in words (freshness, issue 3/6).
// A timestamp with an offset is that instant; one without (a `timestamp without time zone`, a
// DATETIME) is wall time in the alert's schedule timezone, so "older than 2 hours" means the same
// across a DST change: an ambiguous wall time (the repeated hour) reads as its earlier instant,
// and one that does not exist (the skipped hour) as the instant an hour later.
import { DateTime } from 'luxon';
import type { Cell } from './types.js';

/** Epoch numbers above this are milliseconds; below, seconds (`extract(epoch …)`). */
const EPOCH_MS_FROM = 1e11;

/** The instant a cell names, or null when it names none. */
export function parseTimestamp(cell: Cell, timezone: string): Date | null {
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return null;
    return new Date(Math.abs(cell) >= EPOCH_MS_FROM ? cell : cell * 1000);
  }
  if (typeof cell !== 'string') return null;
  const text = cell.trim();
  for (const parse of [DateTime.fromISO, DateTime.fromSQL]) {
    const parsed = parse(text, { zone: timezone, setZone: true });
    if (!parsed.isValid) continue;
    // Wall time (no offset written): a repeated hour has two instants; the earlier one counts.
    if (parsed.zoneName !== timezone) return parsed.toJSDate();
    const instants = parsed.getPossibleOffsets().map((d) => d.toMillis());
    return new Date(Math.min(parsed.toMillis(), ...instants));
  }
  return null;
}

/** Seconds from `at` to `now`, never negative (a timestamp in the future is fresh). */
export function ageSeconds(at: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - at.getTime()) / 1000));
}

const UNITS: readonly [number, string][] = [
  [86_400, 'd'],
  [3_600, 'h'],
  [60, 'min'],
  [1, 's'],
];

/** "45 s", "12 min", "2 h 5 min", "3 d 4 h": the largest unit and, when not zero, the next one. */
export function describeDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const i = UNITS.findIndex(([size]) => s >= size);
  if (i < 0) return '0 s';
  const [size, name] = UNITS[i] as [number, string];
  const whole = Math.floor(s / size);
  const next = UNITS[i + 1];
  const rest = next === undefined ? 0 : Math.floor((s - whole * size) / next[0]);
  return rest > 0 && next !== undefined ? `${whole} ${name} ${rest} ${next[1]}` : `${whole} ${name}`;
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?)$/i;

/** "90", "90s", "15 min", "2h", "1.5 d" → seconds; or a message saying what to type. */
export function parseDuration(text: string): number | string {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const match = DURATION.exec(trimmed);
  if (match === null) return 'a duration, e.g. 90s, 15 min, 2h or 1d';
  const n = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  const size = unit.startsWith('d') ? 86_400 : unit.startsWith('h') ? 3_600 : unit.startsWith('m') ? 60 : 1;
  return Math.round(n * size);
}
