// New rows (issue 3/6): rows whose key column holds a value this alert has not seen before are
// sent, one message each, at most `maxPerTick` a tick and the rest counted ("and 37 more"). The
// keys seen are remembered per alert (the store, for `retentionDays`); the first run only records
// them unless the author asked it to send. Pure: the keys already seen are an input.
import { storableText } from './stored-text.js';
import type { Cell, Measure, QueryResult } from './types.js';

export type NewRowsMeasure = Extract<Measure, { kind: 'new_rows' }>;

/** Longest key kept; a longer value is cut (keys are compared as stored). */
export const KEY_CHARS = 200;

export type KeysOutcome = { ok: true; keys: (string | null)[] } | { ok: false; reason: string };

/** Each row's key as text (null for a NULL key), or why the result has no such column. */
export function keysOf(result: QueryResult, keyColumn: string): KeysOutcome {
  const index = result.columns.indexOf(keyColumn);
  if (index < 0) return { ok: false, reason: `the key column "${keyColumn}" is not in the result (columns: ${result.columns.slice(0, 8).join(', ')})` };
  return { ok: true, keys: result.rows.map((row) => keyText(row[index] ?? null)) };
}

/** A key as stored: text cut to KEY_CHARS code points (never half an emoji), NUL removed (PostgreSQL refuses it in text). */
export function keyText(cell: Cell): string | null {
  return cell === null ? null : storableText(String(cell), KEY_CHARS);
}


export type NewRowsDecision =
  | { kind: 'error'; reason: string }
  /** The first run: remember every key, send nothing. */
  | { kind: 'record'; keys: string[]; reason: string }
  | { kind: 'noop'; reason: string }
  /** Send `rows` (at most maxPerTick), say `more` were left out, remember `keys` (every new one). */
  | { kind: 'send'; rows: Cell[][]; more: number; keys: string[]; reason: string };

export interface NewRowsInput {
  measure: NewRowsMeasure;
  result: QueryResult;
  /** Keys of this result the alert has seen before. */
  seen: ReadonlySet<string>;
  /** The alert has recorded keys before (it is not its first run). */
  seeded: boolean;
}

export function decideNewRows({ measure, result, seen, seeded }: NewRowsInput): NewRowsDecision {
  const keyed = keysOf(result, measure.keyColumn);
  if (!keyed.ok) return { kind: 'error', reason: keyed.reason };
  const fresh = new Set<string>();
  const rows: Cell[][] = [];
  let nullKeys = 0;
  keyed.keys.forEach((key, i) => {
    if (key === null) {
      nullKeys += 1;
      return;
    }
    // A key twice in one result is one new row: its first.
    if (seen.has(key) || fresh.has(key)) return;
    fresh.add(key);
    rows.push(result.rows[i] ?? []);
  });
  const keys = [...fresh];
  const skipped = nullKeys > 0 ? `; ${nullKeys} with a NULL ${measure.keyColumn} skipped` : '';
  if (!seeded && !measure.sendFirstRun) return { kind: 'record', keys, reason: `first run: ${keys.length} keys recorded, nothing sent${skipped}` };
  if (keys.length === 0) return { kind: 'noop', reason: `no new rows (${result.rows.length} seen before)${skipped}` };
  const shown = rows.slice(0, measure.maxPerTick);
  const more = rows.length - shown.length;
  const truncated = result.truncated ? '; the data source stopped at its row cap, so more may follow' : '';
  return { kind: 'send', rows: shown, more, keys, reason: `${keys.length} new ${keys.length === 1 ? 'row' : 'rows'}${more > 0 ? `, ${shown.length} sent and ${more} counted` : ''}${skipped}${truncated}` };
}
