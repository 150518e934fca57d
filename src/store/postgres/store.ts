// The Store port on PostgreSQL, through `pg`. Serves a real server (DATABASE_URL) and embedded
// PGlite behind its socket server alike, so it keeps to what both do: one statement per
// method, no session state (PGlite is one session shared by every connection).
// Every race the port names is settled by a single conditional statement: the unique
// (alert_id, scheduled_at) key for claims, `WHERE next_run_at = expected` for advancing,
// `WHERE state = 'WORKING' ...` for finishing and taking over.
import pg from 'pg';
import type { Acknowledgement, Alert, AlertRuntime, DeliveryRecord, Execution, ExecutionState, Mute } from '../../domain/types.js';
import type { AlertVersion, NewAlertVersion } from '../../domain/versions.js';
import { ConflictError, StoreError } from '../../errors.js';
import { chunks, seenOf } from '../keys.js';
import {
  ALERT_CHANNEL_NAMES,
  type AlertChannel,
  type AlertFilter,
  type AlertPatch,
  type ClaimedTick,
  type ClaimRequest,
  type ExecutionFinish,
  type ExecutionFinishing,
  type NewAlert,
  type SendMark,
  type NextRunMove,
  type Store,
  MAX_KEYS_PER_ALERT,
  MAX_VERSIONS_PER_ALERT,
} from '../port.js';
import { isUnreachable } from './unreachable.js';
import { ADD_VERSION, addVersionParams, GET_VERSION, isVersionClash, LIST_VERSIONS, toVersion, type VersionRow } from './versions.js';
import { FINISH_BATCH_SQL, finishBatchParams, MARK_SENDINGS_SQL, markSendingsParams } from './finish-batch.js';
import { migrate } from './migrate.js';
import {
  type AlertRow,
  type Assignment,
  type ExecutionRow,
  ackParam,
  alertPatchAssignments,
  newAlertAssignments,
  runtimeAssignments,
  toAlert,
  toExecution,
  toMute,
} from './rows.js';

export type PostgresStoreOptions = (
  /** A pool the caller owns (and ends). */
  | { pool: pg.Pool }
  /** The store creates its pool and ends it on close(). */
  | { connectionString: string; max?: number; prepare?: boolean }
) & {
  /** Keys an alert keeps at most; MAX_KEYS_PER_ALERT unless a test wants a small one. */
  maxKeysPerAlert?: number;
};

/** Pool size when the store creates its pool; on PGlite it must leave room under maxConnections. */
const DEFAULT_POOL_MAX = 10;

/** Runs the migrations, then returns the store. */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const ownPool =
    'pool' in options
      ? null
      : new pg.Pool({ connectionString: options.connectionString, max: options.max ?? DEFAULT_POOL_MAX });
  // An idle connection dropped by the server (restart, PGlite stopped) is emitted as 'error'
  // on the pool; unhandled, that would crash the process. The pool discards the client and
  // the next query reports the failure through StoreError.
  ownPool?.on('error', () => undefined);
  const pool = ownPool ?? (options as { pool: pg.Pool }).pool;
  try {
    await migrate(pool);
  } catch (err) {
    await ownPool?.end().catch(() => undefined);
    throw storeError('prepare its tables', err);
  }
  return new PostgresStore(pool, ownPool !== null, 'prepare' in options && options.prepare === true, options.maxKeysPerAlert ?? MAX_KEYS_PER_ALERT);
}

/**
 * A stable name per statement text, so each pooled connection parses and plans a statement
 * once and then only binds it: on a busy scheduler, parse and plan were a large part of the
 * database's work per tick. Not on PGlite, whose connections share one session (a name
 * prepared by one connection would clash when another prepares it).
 */
function statementName(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `lookout_${(hash >>> 0).toString(36)}_${text.length}`;
}

const UNIQUE_VIOLATION = '23505';
const DEADLOCK_DETECTED = '40P01';
/** Runs of a many-row write cancelled by a deadlock before its error is passed on. */
const DEADLOCK_TRIES = 3;
const NAME_INDEX = 'alerts_name_key';

/** Never lets a URL (it may hold a password) into a message that can reach Slack. */
function redact(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>');
}

function storeError(action: string, err: unknown): StoreError {
  const detail = err instanceof Error ? redact(err.message) : 'unknown error';
  return new StoreError(
    `Lookout's database could not ${action} (${detail}). Try again; if it keeps failing, tell a Lookout admin.`,
    { cause: err, unreachable: isUnreachable(err) },
  );
}

function isNameConflict(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown };
  return e.code === UNIQUE_VIOLATION && e.constraint === NAME_INDEX;
}

function nameConflict(name: string): ConflictError {
  return new ConflictError('name', `An alert named "${name}" already exists.`);
}

/** A taken name or key as ConflictError, else undefined (the store's own error follows). */
function alertConflict(err: unknown, alert: { name?: string; key?: string }): ConflictError | undefined {
  if (isNameConflict(err) && alert.name !== undefined) return nameConflict(alert.name);
  const e = err as { code?: unknown; constraint?: unknown };
  if (e.code === UNIQUE_VIOLATION && e.constraint === 'alerts_key_key' && alert.key !== undefined) {
    return new ConflictError('key', `An alert with the key "${alert.key}" already exists.`);
  }
  return undefined;
}

/** Tries for a version number when others are numbered at the same moment. */
const VERSION_TRIES = 5;

/** Another version took the number: try the next. */
class VersionClash extends Error {}

/** `"col" = $n, ...` starting at $first, for UPDATE. Column names come from rows.ts, never input. */
function setList(assignments: Assignment[], first: number): string {
  return assignments.map(([column], i) => `"${column}" = $${first + i}`).join(', ');
}

/** Durations are integer columns; a caller's fractional milliseconds must not fail the update. */
function wholeMs(ms: number | null | undefined): number | null {
  return ms === null || ms === undefined ? null : Math.round(ms);
}

/** An AlertFilter's owner ($1) and ids ($2); NULL matches every alert. */
const ALERT_FILTER_SQL = '($1::text IS NULL OR $1::text = ANY (owners)) AND ($2::text[] IS NULL OR id = ANY ($2::text[]))';

function alertFilterParams(filter: Omit<AlertFilter, 'limit'>): [string | null, readonly string[] | null] {
  return [filter.owner ?? null, filter.ids ?? null];
}

class PostgresStore implements Store {
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly ownsPool: boolean,
    private readonly prepare: boolean,
    private readonly maxKeysPerAlert: number,
  ) {}

  private async query<R extends pg.QueryResultRow>(
    action: string,
    text: string,
    values: unknown[] = [],
    translate?: (err: unknown) => Error | undefined,
  ): Promise<pg.QueryResult<R>> {
    try {
      return await (this.prepare
        ? this.pool.query<R>({ name: statementName(text), text, values })
        : this.pool.query<R>(text, values));
    } catch (err) {
      throw translate?.(err) ?? storeError(action, err);
    }
  }

  // --- AlertStore ---

  async createAlert(alert: NewAlert): Promise<Alert> {
    const assignments = newAlertAssignments(alert);
    const columns = assignments.map(([column]) => `"${column}"`).join(', ');
    const params = assignments.map((_, i) => `$${i + 1}`).join(', ');
    const result = await this.query<AlertRow>(
      'save the alert',
      `INSERT INTO alerts (${columns}) VALUES (${params}) RETURNING *`,
      assignments.map(([, value]) => value),
      (err) => alertConflict(err, alert),
    );
    return toAlert(firstRow(result));
  }

  async getAlert(id: string): Promise<Alert | null> {
    const result = await this.query<AlertRow>('read the alert', 'SELECT * FROM alerts WHERE id = $1', [id]);
    return result.rows[0] ? toAlert(result.rows[0]) : null;
  }

  async findAlertByName(name: string): Promise<Alert | null> {
    const result = await this.query<AlertRow>('find the alert', 'SELECT * FROM alerts WHERE lower(name) = lower($1)', [
      name,
    ]);
    return result.rows[0] ? toAlert(result.rows[0]) : null;
  }

  async findAlertByKey(key: string): Promise<Alert | null> {
    const result = await this.query<AlertRow>('find the alert', 'SELECT * FROM alerts WHERE key = $1', [key]);
    return result.rows[0] ? toAlert(result.rows[0]) : null;
  }

  async listAlerts(filter: AlertFilter = {}): Promise<Alert[]> {
    // LIMIT NULL means no limit.
    const result = await this.query<AlertRow>(
      'list alerts',
      `SELECT * FROM alerts
       WHERE ${ALERT_FILTER_SQL}
       ORDER BY created_at, id
       LIMIT $3`,
      [...alertFilterParams(filter), filter.limit ?? null],
    );
    return result.rows.map(toAlert);
  }

  async countAlerts(filter: Omit<AlertFilter, 'limit'> = {}): Promise<number> {
    const result = await this.query<{ n: number }>('count alerts', `SELECT count(*)::int AS n FROM alerts WHERE ${ALERT_FILTER_SQL}`, alertFilterParams(filter));
    return result.rows[0]?.n ?? 0;
  }

  async alertChannels(limit: number): Promise<{ channels: AlertChannel[]; total: number }> {
    // One row even when no channel is in use (the lateral side empty), so the total always comes.
    const result = await this.query<{ id: string | null; names: string[] | null; alerts: number | null; total: number }>(
      'list the channels alerts post to',
      `WITH uses AS (
         SELECT DISTINCT r.value->>'id' AS id, a.name, a.created_at, a.id AS alert_id
         FROM alerts a CROSS JOIN LATERAL jsonb_array_elements(a.recipients) AS r(value)
         WHERE r.value->>'kind' = 'slack_channel'
       ), channels AS (
         SELECT id, (array_agg(name ORDER BY created_at, alert_id))[1:${ALERT_CHANNEL_NAMES}] AS names,
                count(*)::int AS alerts, min(created_at) AS first
         FROM uses GROUP BY id
       )
       SELECT (SELECT count(*)::int FROM channels) AS total, c.id, c.names, c.alerts
       FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (SELECT * FROM channels ORDER BY first, id LIMIT $1) AS c ON true`,
      [Math.max(0, limit)],
    );
    const channels = result.rows.flatMap((r) => (r.id === null ? [] : [{ id: r.id, alertNames: r.names ?? [], alerts: r.alerts ?? 0 }]));
    return { channels, total: result.rows[0]?.total ?? 0 };
  }

  async updateAlert(id: string, patch: AlertPatch): Promise<Alert | null> {
    const assignments = alertPatchAssignments(patch);
    const result = await this.query<AlertRow>(
      'save the change',
      `UPDATE alerts SET ${setList(assignments, 2)} WHERE id = $1 RETURNING *`,
      [id, ...assignments.map(([, value]) => value)],
      (err) => alertConflict(err, patch),
    );
    return result.rows[0] ? toAlert(result.rows[0]) : null;
  }

  async deleteAlert(id: string): Promise<boolean> {
    // Executions and seen keys go with it: ON DELETE CASCADE.
    const result = await this.query('delete the alert', 'DELETE FROM alerts WHERE id = $1', [id]);
    return result.rowCount === 1;
  }

  async dueAlerts(shard: number, now: Date, limit: number): Promise<Alert[]> {
    // Served by alerts_due_idx (shard, next_run_at) WHERE active.
    const result = await this.query<AlertRow>(
      'find due alerts',
      `SELECT * FROM alerts
       WHERE active AND shard = $1 AND next_run_at <= $2
       ORDER BY next_run_at, id
       LIMIT $3`,
      [shard, now, limit],
    );
    return result.rows.map(toAlert);
  }

  async advanceNextRun(id: string, expected: Date, next: Date | null): Promise<boolean> {
    const result = await this.query(
      'move the next run time',
      'UPDATE alerts SET next_run_at = $3 WHERE id = $1 AND next_run_at = $2',
      [id, expected, next],
    );
    return result.rowCount === 1;
  }

  async advanceNextRuns(moves: NextRunMove[]): Promise<number> {
    if (moves.length === 0) return 0;
    const result = await this.query(
      'move the next run times',
      `UPDATE alerts a SET next_run_at = m.next
       FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS m(id, expected, next)
       WHERE a.id = m.id AND a.next_run_at = m.expected`,
      [moves.map((m) => m.id), moves.map((m) => m.expected), moves.map((m) => m.next)],
    );
    return result.rowCount ?? 0;
  }

  async saveRuntime(id: string, runtime: Partial<AlertRuntime>): Promise<void> {
    const assignments = runtimeAssignments(runtime);
    if (assignments.length === 0) return;
    await this.query('save the run state', `UPDATE alerts SET ${setList(assignments, 2)} WHERE id = $1`, [
      id,
      ...assignments.map(([, value]) => value),
    ]);
  }

  // --- VersionStore (versions.ts) ---

  async addVersion(version: NewAlertVersion): Promise<AlertVersion | null> {
    const params = addVersionParams(version, MAX_VERSIONS_PER_ALERT);
    for (let attempt = 1; ; attempt += 1) {
      const clash = (err: unknown) => (isVersionClash(err) && attempt < VERSION_TRIES ? new VersionClash() : undefined);
      try {
        const result = await this.query<VersionRow>('save the version', ADD_VERSION, params, clash);
        return result.rows[0] ? toVersion(result.rows[0]) : null;
      } catch (err) {
        if (!(err instanceof VersionClash)) throw err;
      }
    }
  }

  async versions(alertId: string, limit: number): Promise<AlertVersion[]> {
    const result = await this.query<VersionRow>('read the versions', LIST_VERSIONS, [alertId, Math.max(0, limit)]);
    return result.rows.map(toVersion);
  }

  async getVersion(alertId: string, version: number): Promise<AlertVersion | null> {
    const result = await this.query<VersionRow>('read the version', GET_VERSION, [alertId, version]);
    return result.rows[0] ? toVersion(result.rows[0]) : null;
  }

  async setAcknowledgement(id: string, ack: Acknowledgement | null, firingSince: Date): Promise<boolean> {
    // Conditional on the incident the caller saw: a tick that resolved it (or began another) in
    // the meantime makes this match nothing, so an old button never acknowledges a new incident.
    const result = await this.query(
      'save the acknowledgement',
      'UPDATE alerts SET ack = $2::jsonb WHERE id = $1 AND firing_since = $3',
      [id, ackParam(ack), firingSince],
    );
    return result.rowCount === 1;
  }

  // --- SettingsStore ---

  async getMute(): Promise<Mute | null> {
    const result = await this.query<{ value: unknown }>('read the mute', "SELECT value FROM lookout_settings WHERE key = 'mute'");
    return result.rows[0] ? toMute(result.rows[0].value) : null;
  }

  async setMute(mute: Mute | null): Promise<void> {
    if (mute === null) {
      await this.query('lift the mute', "DELETE FROM lookout_settings WHERE key = 'mute'");
      return;
    }
    await this.query(
      'save the mute',
      `INSERT INTO lookout_settings (key, value) VALUES ('mute', $1::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [JSON.stringify(mute)],
    );
  }

  // --- ExecutionStore ---

  async claimTick(request: ClaimRequest): Promise<Execution | null> {
    // Inserting through the alert row makes a claim for a deleted alert return null too,
    // instead of failing on the foreign key.
    const result = await this.query<ExecutionRow>(
      'claim the tick',
      `INSERT INTO executions (alert_id, scheduled_at, trigger, state, instance, attempt, started_at)
       SELECT id, $2::timestamptz, $3::text, 'WORKING', $4::text, 1, $5::timestamptz FROM alerts WHERE id = $1
       ON CONFLICT (alert_id, scheduled_at) DO NOTHING
       RETURNING *`,
      [request.alertId, request.scheduledAt, request.trigger, request.instance, request.now],
    );
    return result.rows[0] ? toExecution(result.rows[0]) : null;
  }

  async claimTicks(requests: ClaimRequest[]): Promise<ClaimedTick[]> {
    if (requests.length === 0) return [];
    // The outer SELECT sees executions as they were before the INSERT, so the lateral
    // look-up finds other WORKING executions, never the claim itself.
    const result = await this.query<ExecutionRow & { running_id: string | null; running_started_at: Date | null; running_send_started_at: Date | null }>(
      'claim the ticks',
      `WITH claimed AS (
         INSERT INTO executions (alert_id, scheduled_at, trigger, state, instance, attempt, started_at)
         SELECT a.id, r.scheduled_at, r.trigger, 'WORKING', r.instance, 1, r.now
         FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::timestamptz[])
              AS r(alert_id, scheduled_at, trigger, instance, now)
         JOIN alerts a ON a.id = r.alert_id
         ON CONFLICT (alert_id, scheduled_at) DO NOTHING
         RETURNING *
       )
       SELECT c.*, o.id AS running_id, o.started_at AS running_started_at, o.send_started_at AS running_send_started_at
       FROM claimed c
       LEFT JOIN LATERAL (
         SELECT id, started_at, send_started_at FROM executions
         WHERE alert_id = c.alert_id AND state = 'WORKING'
         ORDER BY started_at, id LIMIT 1
       ) o ON true`,
      [
        requests.map((r) => r.alertId),
        requests.map((r) => r.scheduledAt),
        requests.map((r) => r.trigger),
        requests.map((r) => r.instance),
        requests.map((r) => r.now),
      ],
    );
    return result.rows.map((row) => ({
      execution: toExecution(row),
      running:
        row.running_id === null || row.running_started_at === null
          ? null
          : { id: row.running_id, startedAt: row.running_started_at, sendStartedAt: row.running_send_started_at },
    }));
  }

  async getExecution(id: string): Promise<Execution | null> {
    const result = await this.query<ExecutionRow>('read the execution', 'SELECT * FROM executions WHERE id = $1', [id]);
    return result.rows[0] ? toExecution(result.rows[0]) : null;
  }

  async runningExecution(alertId: string, exceptId: string): Promise<Execution | null> {
    const result = await this.query<ExecutionRow>(
      'find the running execution',
      `SELECT * FROM executions
       WHERE alert_id = $1 AND state = 'WORKING' AND id <> $2
       ORDER BY started_at, id
       LIMIT 1`,
      [alertId, exceptId],
    );
    return result.rows[0] ? toExecution(result.rows[0]) : null;
  }

  async markSending(id: string, at: Date): Promise<void> {
    // Only the first delivery's start counts: a later call keeps the earlier time.
    await this.query(
      'record the send',
      'UPDATE executions SET send_started_at = COALESCE(send_started_at, $2) WHERE id = $1',
      [id, at],
    );
  }

  async finishExecution(id: string, finish: ExecutionFinish, runtime: Partial<AlertRuntime> = {}): Promise<boolean> {
    // One statement: the runtime change lands only with the execution it belongs to.
    const assignments = runtimeAssignments(runtime);
    const runtimeUpdate =
      assignments.length === 0
        ? ''
        : `, saved AS (UPDATE alerts SET ${setList(assignments, 12)} FROM finished WHERE alerts.id = finished.alert_id)`;
    const result = await this.query<{ n: number }>(
      'record the result',
      `WITH finished AS (
         UPDATE executions
         SET state = $2, reason = $3, value = $4, row_count = $5, deliveries = $6::jsonb,
             owners_notified = $7, query_ms = $8, delivery_ms = $9, finished_at = $10, series = $11::jsonb
         WHERE id = $1 AND state = 'WORKING'
         RETURNING alert_id
       )${runtimeUpdate}
       SELECT count(*)::int AS n FROM finished`,
      [
        id,
        finish.state,
        finish.reason,
        finish.value ?? null,
        finish.rowCount ?? null,
        JSON.stringify(finish.deliveries ?? []),
        finish.ownersNotified ?? false,
        wholeMs(finish.queryMs),
        wholeMs(finish.deliveryMs),
        finish.finishedAt,
        JSON.stringify(finish.series ?? []),
        ...assignments.map(([, value]) => value),
      ],
    );
    return result.rows[0]?.n === 1;
  }

  async finishExecutions(items: ExecutionFinishing[]): Promise<boolean[]> {
    // A second finish of one execution would finish nothing (the first one left it WORKING no
    // more), so only each id's first item is sent.
    const firsts = new Map<string, number>();
    items.forEach((item, i) => {
      if (!firsts.has(item.id)) firsts.set(item.id, i);
    });
    const sent = items.filter((item, i) => firsts.get(item.id) === i);
    if (sent.length === 0) return [];
    const result = await this.retryDeadlock(() => this.query<{ id: string }>('record the results', FINISH_BATCH_SQL, finishBatchParams(sent)));
    const finished = new Set(result.rows.map((row) => row.id));
    return items.map((item, i) => firsts.get(item.id) === i && finished.has(item.id));
  }

  async markSendings(marks: SendMark[]): Promise<void> {
    if (marks.length === 0) return;
    await this.retryDeadlock(() => this.query('record the sends', MARK_SENDINGS_SQL, markSendingsParams(marks)));
  }

  /**
   * A statement over many rows can meet another over the same rows in another order; PostgreSQL
   * then cancels one of them whole (40P01), and it is safe to run again.
   */
  private async retryDeadlock<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await run();
      } catch (err) {
        if (attempt >= DEADLOCK_TRIES || !(err instanceof StoreError) || (err.cause as { code?: unknown } | undefined)?.code !== DEADLOCK_DETECTED) throw err;
      }
    }
  }

  async staleExecutions(shard: number, now: Date, limit: number): Promise<Execution[]> {
    // Read by start time (executions_stale_idx) only up to the shard's shortest working timeout
    // (alerts_shard_timeout_idx; none when the shard has no alerts): the runs that started within
    // it, thousands under load, are never read. Each older one's alert is looked up by its key; an
    // execution whose alert is gone drops out (the subquery gives NULL).
    const result = await this.query<ExecutionRow>(
      'find stale executions',
      `SELECT e.* FROM executions e
       WHERE e.state = 'WORKING'
         AND e.started_at < $2::timestamptz - (SELECT min(working_timeout_s) FROM alerts WHERE shard = $1) * interval '1 second'
         AND (SELECT a.shard = $1 AND e.started_at < $2::timestamptz - a.working_timeout_s * interval '1 second'
              FROM alerts a WHERE a.id = e.alert_id)
       ORDER BY e.started_at, e.id
       LIMIT $3`,
      [shard, now, limit],
    );
    return result.rows.map(toExecution);
  }

  async takeOver(id: string, instance: string, now: Date): Promise<Execution | null> {
    const result = await this.query<ExecutionRow>(
      'take over the execution',
      `UPDATE executions
       SET attempt = 2, instance = $2, started_at = $3, trigger = 'takeover'
       WHERE id = $1 AND state = 'WORKING' AND attempt = 1 AND send_started_at IS NULL
       RETURNING *`,
      [id, instance, now],
    );
    return result.rows[0] ? toExecution(result.rows[0]) : null;
  }

  async history(alertId: string, limit: number): Promise<Execution[]> {
    // A backward scan of the (alert_id, scheduled_at) unique index.
    const result = await this.query<ExecutionRow>(
      'read the history',
      'SELECT * FROM executions WHERE alert_id = $1 ORDER BY scheduled_at DESC LIMIT $2',
      [alertId, limit],
    );
    return result.rows.map(toExecution);
  }

  async pruneExecutions(now: Date): Promise<number> {
    // Days of 24 hours, not calendar days in the session's timezone: the same cut-off on every
    // server and in every adapter.
    const result = await this.query(
      'prune old executions',
      `DELETE FROM executions e USING alerts a
       WHERE a.id = e.alert_id
         AND e.scheduled_at < $1::timestamptz - a.log_retention_days * interval '24 hours'`,
      [now],
    );
    return result.rowCount ?? 0;
  }

  async deliveriesSince(since: Date, limit: number): Promise<Execution[]> {
    // A backward scan of executions_delivered_idx, whose predicate this repeats word for word.
    const result = await this.query<ExecutionRow>(
      'read recent deliveries',
      `SELECT * FROM executions
       WHERE deliveries <> '[]'::jsonb AND finished_at >= $1
       ORDER BY finished_at DESC, id DESC
       LIMIT $2`,
      [since, limit],
    );
    return result.rows.map(toExecution);
  }

  async unknownDeliveries(since: Date, limit: number): Promise<Execution[]> {
    // Served by executions_unreconciled_idx: the jsonpath is that index's predicate, word for word.
    const result = await this.query<ExecutionRow>(
      'find deliveries of unknown outcome',
      `SELECT * FROM executions
       WHERE jsonb_path_exists(deliveries, '$[*] ? (@.unknown == true && !(@.reconciled != null))')
         AND started_at >= $1 AND finished_at IS NOT NULL
       ORDER BY started_at, id
       LIMIT $2`,
      [since, limit],
    );
    return result.rows.map(toExecution);
  }

  async reconcileDelivery(executionId: string, record: DeliveryRecord, fold: { state: ExecutionState; reason: string | null }): Promise<boolean> {
    // One statement: the record and the state it folds to change together, in order.
    const result = await this.query(
      'record the delivery looked up',
      `UPDATE executions SET
         deliveries = (
           SELECT jsonb_agg(CASE WHEN d->>'recipient' = $2 THEN $3::jsonb ELSE d END ORDER BY n)
           FROM jsonb_array_elements(deliveries) WITH ORDINALITY AS t(d, n)
         ),
         state = $4, reason = $5
       WHERE id = $1 AND state <> 'WORKING'
         AND jsonb_path_exists(deliveries, '$[*] ? (@.recipient == $r && @.unknown == true && !(exists(@.reconciled)))', jsonb_build_object('r', $2::text))`,
      [executionId, record.recipient, JSON.stringify(record), fold.state, fold.reason],
    );
    return result.rowCount === 1;
  }

  // --- KeyStore ---

  async seenKeys(alertId: string, keys: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const chunk of chunks([...new Set(keys)])) {
      const result = await this.query<{ key: string }>(
        'read the keys seen before',
        'SELECT key FROM alert_keys WHERE alert_id = $1 AND key = ANY ($2::text[])',
        [alertId, chunk],
      );
      for (const row of result.rows) found.add(row.key);
    }
    return seenOf(keys, found);
  }

  async rememberKeys(alertId: string, keys: string[], at: Date): Promise<void> {
    let added = 0;
    for (const chunk of chunks([...new Set(keys)])) {
      // Through the alert row, so a deleted alert's keys are not recorded (nor refused by the
      // foreign key); DO NOTHING keeps a known key's first time.
      const result = await this.query(
        'remember the keys seen',
        `INSERT INTO alert_keys (alert_id, key, seen_at)
         SELECT a.id, k.key, $3::timestamptz FROM alerts a, unnest($2::text[]) AS k(key)
         WHERE a.id = $1
         ON CONFLICT (alert_id, key) DO NOTHING`,
        [alertId, chunk, at],
      );
      added += result.rowCount ?? 0;
    }
    if (added === 0) return;
    // Keeps the newest maxKeysPerAlert: the first key beyond them (newest first, ties by key
    // in byte order, as MongoDB orders strings) and every key after it go.
    await this.query(
      'forget the oldest keys',
      `WITH boundary AS (
         SELECT seen_at, key FROM alert_keys WHERE alert_id = $1
         ORDER BY seen_at DESC, key COLLATE "C" DESC
         OFFSET $2 LIMIT 1
       )
       DELETE FROM alert_keys k USING boundary b
       WHERE k.alert_id = $1
         AND (k.seen_at < b.seen_at OR (k.seen_at = b.seen_at AND k.key COLLATE "C" <= b.key COLLATE "C"))`,
      [alertId, this.maxKeysPerAlert],
    );
  }

  async pruneKeys(alertId: string, before: Date): Promise<number> {
    const result = await this.query(
      'prune old keys',
      'DELETE FROM alert_keys WHERE alert_id = $1 AND seen_at < $2',
      [alertId, before],
    );
    return result.rowCount ?? 0;
  }

  // --- InstanceStore ---

  async heartbeat(instance: string, now: Date): Promise<void> {
    await this.query(
      'record that this instance is running',
      `INSERT INTO instances (name, seen_at) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET seen_at = EXCLUDED.seen_at`,
      [instance, now],
    );
  }

  async liveInstances(since: Date): Promise<string[]> {
    const result = await this.query<{ name: string }>(
      'list the running instances',
      'SELECT name FROM instances WHERE seen_at >= $1 ORDER BY name',
      [since],
    );
    return result.rows.map((r) => r.name);
  }

  async leave(instance: string): Promise<void> {
    await this.query('forget this instance', 'DELETE FROM instances WHERE name = $1', [instance]);
  }

  // --- Store ---

  async ping(): Promise<void> {
    await this.query('answer', 'SELECT 1');
  }

  async close(): Promise<void> {
    if (!this.ownsPool || this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

function firstRow<R extends pg.QueryResultRow>(result: pg.QueryResult<R>): R {
  const row = result.rows[0];
  if (!row) throw new StoreError("Lookout's database saved nothing and gave no reason. Try again.");
  return row;
}
