// Many executions finished in one statement (finishExecutions), with their alerts' runtime
// changes, as claimTicks claims many ticks in one: on a busy scheduler each statement's round
// trip (a write system call on both sides, a wake-up of the backend) cost more than its work.
// Each item carries its own runtime columns; a bit per column in the item's mask says which it
// sets, so one statement text (prepared once) serves every mix. Several items of one alert are
// folded per column in the items' order: the last finished item that sets a column wins, as if
// the items had been finished one after the other.
import type { AlertRuntime } from '../../domain/types.js';
import type { ExecutionFinishing, SendMark } from '../port.js';

type SqlType = 'text' | 'timestamptz' | 'jsonb';

/** Every runtime field's column and SQL type: a new runtime field fails to compile until listed here. */
const RUNTIME_COLUMNS: Record<keyof AlertRuntime, readonly [column: string, type: SqlType]> = {
  lastState: ['last_state', 'text'],
  lastEvaluatedAt: ['last_evaluated_at', 'timestamptz'],
  lastSentAt: ['last_sent_at', 'timestamptz'],
  lastSentTick: ['last_sent_tick', 'timestamptz'],
  firingSince: ['firing_since', 'timestamptz'],
  lastErrorNoticeAt: ['last_error_notice_at', 'timestamptz'],
  threads: ['threads', 'jsonb'],
  drawn: ['drawn', 'jsonb'],
  series: ['series', 'jsonb'],
  keysSeededAt: ['keys_seeded_at', 'timestamptz'],
  ack: ['ack', 'jsonb'],
  reminded: ['reminded', 'jsonb'],
  heldSince: ['held_since', 'timestamptz'],
};

const COLUMNS = Object.values(RUNTIME_COLUMNS);

/** The columns finishExecutions can set, in mask order (a test checks they are rows.ts's). */
export const BATCH_RUNTIME_COLUMNS: readonly string[] = COLUMNS.map(([column]) => column);

/** The record field that carries a runtime column's value (rt0, rt1, … in mask order). */
export const runtimeName = (i: number) => `rt${i}`;
const bit = (i: number) => 2 ** i;
/** The runtime fields in mask order, with their column's type. */
const FIELDS = Object.entries(RUNTIME_COLUMNS) as [keyof AlertRuntime, readonly [string, SqlType]][];

/**
 * One statement: the items (one jsonb parameter read as records, numbered in order), the executions
 * still WORKING finished, each alert's changes folded per column, then the alerts updated. It
 * returns the ids finished. One JSON text is much cheaper to build than two dozen array
 * parameters (pg escapes each element of an array), and PostgreSQL reads it as fast.
 */
export const FINISH_BATCH_SQL = `WITH r AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
    n int, id text, state text, reason text, value text, row_count int, deliveries jsonb, owners_notified bool,
    query_ms int, delivery_ms int, finished_at timestamptz, series jsonb, mask int,
    ${COLUMNS.map(([, type], i) => `${runtimeName(i)} ${type}`).join(', ')})
), finished AS (
  UPDATE executions e
  SET state = r.state, reason = r.reason, value = r.value, row_count = r.row_count, deliveries = r.deliveries,
      owners_notified = r.owners_notified, query_ms = r.query_ms, delivery_ms = r.delivery_ms,
      finished_at = r.finished_at, series = r.series
  FROM r
  WHERE e.id = r.id AND e.state = 'WORKING'
  RETURNING e.id, e.alert_id
), changes AS (
  SELECT f.alert_id, bit_or(r.mask) AS mask,
    ${COLUMNS.map((_, i) => `(array_agg(r.${runtimeName(i)} ORDER BY r.n DESC) FILTER (WHERE r.mask & ${bit(i)} <> 0))[1] AS ${runtimeName(i)}`).join(',\n    ')}
  FROM finished f JOIN r ON r.id = f.id
  WHERE r.mask <> 0
  GROUP BY f.alert_id
), saved AS (
  UPDATE alerts a
  SET ${COLUMNS.map(([column], i) => `"${column}" = CASE WHEN c.mask & ${bit(i)} <> 0 THEN c.${runtimeName(i)} ELSE a."${column}" END`).join(',\n      ')}
  FROM changes c
  WHERE a.id = c.alert_id
)
SELECT id FROM finished`;

/** Durations are integer columns; a caller's fractional milliseconds must not fail the update. */
function wholeMs(ms: number | null | undefined): number | null {
  return ms === null || ms === undefined ? null : Math.round(ms);
}

/**
 * The statement's one parameter for items whose ids are distinct: a JSON array of records.
 * Values go as JSON: dates as ISO text, jsonb columns as nested JSON (what rows.ts writes as
 * JSON text), and JSON null is SQL NULL (so ack null is no acknowledgement, as in rows.ts).
 */
export function finishBatchParams(items: readonly ExecutionFinishing[]): [string] {
  const records = items.map(({ id, finish, runtime }, n) => {
    const record: Record<string, unknown> = {
      n,
      id,
      state: finish.state,
      reason: finish.reason,
      value: finish.value ?? null,
      row_count: finish.rowCount ?? null,
      deliveries: finish.deliveries ?? [],
      owners_notified: finish.ownersNotified ?? false,
      query_ms: wholeMs(finish.queryMs),
      delivery_ms: wholeMs(finish.deliveryMs),
      finished_at: finish.finishedAt,
      series: finish.series ?? [],
    };
    let mask = 0;
    if (runtime !== undefined) {
      FIELDS.forEach(([field], i) => {
        const value = runtime[field];
        if (value === undefined) return;
        record[runtimeName(i)] = value;
        mask |= bit(i);
      });
    }
    record.mask = mask;
    return record;
  });
  return [JSON.stringify(records)];
}

/** Each execution keeps its earliest mark: the first delivery's start, whichever call came first. */
export const MARK_SENDINGS_SQL = `UPDATE executions e SET send_started_at = COALESCE(e.send_started_at, m.at)
FROM (SELECT id, min(at) AS at FROM unnest($1::text[], $2::timestamptz[]) AS u(id, at) GROUP BY id) m
WHERE e.id = m.id`;

export function markSendingsParams(marks: readonly SendMark[]): unknown[][] {
  return [marks.map((m) => m.id), marks.map((m) => m.at)];
}
