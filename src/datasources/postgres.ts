// PostgreSQL data source (pg Pool + pg-cursor). Each query: BEGIN READ ONLY, a local
// statement_timeout, a cursor that fetches at most maxRows + 1 rows (the extra row only
// tells `truncated`), ROLLBACK. The extended protocol pg-cursor uses also refuses several
// statements in one string. On abort the backend is canceled from a separate connection,
// since the busy one cannot speak until its query ends.
import { createRequire } from 'node:module';
import pg from 'pg';
import type { DataSourceConfig } from '../config.js';
import type { Cell } from '../domain/types.js';
import { canceledError, classifyPostgresError, secretsOfUrl } from './error-rules.js';
import { interruptible, settledWithin } from './interruptible.js';
import type { DataSource, QueryOptions, QueryResult } from './port.js';

type PostgresConfig = Extract<DataSourceConfig, { kind: 'postgres' }>;

const CONNECT_TIMEOUT_MS = 10_000;
/** Past the statement timeout, how long the server gets to stop on its own before we cancel. */
/** Ending the transaction after a query; past this the connection is destroyed instead. */
const CLEANUP_MS = 5_000;

// pg-cursor ships no types (and @types/pg-cursor is not installed): describe what we use.
interface PgCursor extends pg.Submittable {
  /** 'idle' (portal open), 'busy', 'error', 'done', ... */
  readonly state: string;
  read(rows: number, cb: (err: Error | undefined, rows: Cell[][], result: { fields: { name: string }[] }) => void): void;
  close(): Promise<void>;
}
type CursorClass = new (text: string, values: null, config: { rowMode: 'array'; types: typeof CELL_TYPES }) => PgCursor;
const Cursor = createRequire(import.meta.url)('pg-cursor') as CursorClass;

// Per-pool type parsers (never the global pg.types): numbers as numbers, times as ISO text,
// everything else as PostgreSQL's own text (json, bytea as \x hex, arrays, intervals).
const toNumber = (text: string): Cell => {
  const n = Number(text);
  return Number.isFinite(n) ? n : text; // NaN / Infinity stay text
};
const identity = (text: string): Cell => text;
const parseTimestamptz = pg.types.getTypeParser(1184, 'text') as (text: string) => unknown;
const PARSERS = new Map<number, (text: string) => Cell>([
  [16, (text) => text === 't'], // bool
  [20, toNumber], // int8
  [21, toNumber], // int2
  [23, toNumber], // int4
  [26, toNumber], // oid
  [700, toNumber], // float4
  [701, toNumber], // float8
  [1700, toNumber], // numeric
  [1082, identity], // date: already YYYY-MM-DD
  [1114, (text) => text.replace(' ', 'T')], // timestamp: wall time, no zone
  [
    1184, // timestamptz: an instant, shown in UTC
    (text) => {
      const value = parseTimestamptz(text);
      return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : text;
    },
  ],
]);
const CELL_TYPES = { getTypeParser: (oid: number) => PARSERS.get(oid) ?? identity };

/**
 * A pooled client released exactly once: with an error it is destroyed, not pooled.
 * pg-pool removes its error listener while a client is checked out, and a socket error with
 * no listener would crash the process; the pending query gets the error anyway.
 */
class Lease {
  released = false;
  private readonly onError = () => undefined;
  constructor(private readonly client: pg.PoolClient) {
    client.on('error', this.onError);
  }
  release(err?: Error): void {
    if (this.released) return;
    this.released = true;
    this.client.off('error', this.onError);
    this.client.release(err);
  }
}

export function createPostgresSource(config: PostgresConfig): DataSource {
  const secrets = secretsOfUrl(config.url);
  const fail = (err: unknown) => classifyPostgresError(err, config.name, secrets);
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'lookout',
    types: CELL_TYPES,
  });
  // An idle client that dies (server restart) is dropped by the pool; the next query reconnects.
  pool.on('error', () => undefined);

  /** Signals one backend from a fresh connection (the pool may be full). */
  async function signalBackend(pid: number, fn: 'pg_cancel_backend' | 'pg_terminate_backend'): Promise<void> {
    const client = new pg.Client({ connectionString: config.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(`SELECT ${fn}($1)`, [pid]);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /**
   * Stops the running statement on the server. A cancel that lands just before the statement
   * starts is ignored by PostgreSQL, so it is repeated; the last resort ends the backend.
   * Returns whether the query settled (the connection can then be reused).
   */
  async function stopOnServer(pid: number | undefined, work: Promise<unknown>): Promise<boolean> {
    if (pid === undefined) return false;
    for (const waitMs of [500, 2_000]) {
      await signalBackend(pid, 'pg_cancel_backend').catch(() => undefined);
      if (await settledWithin(work, waitMs)) return true;
    }
    await signalBackend(pid, 'pg_terminate_backend').catch(() => undefined);
    return false;
  }

  async function acquire(signal: AbortSignal | undefined): Promise<pg.PoolClient> {
    const pending = pool.connect();
    if (!signal) return pending.catch((err: unknown) => Promise.reject(fail(err)));
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(canceledError(config.name));
      signal.addEventListener('abort', onAbort, { once: true });
      pending.then(
        (client) => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) client.release();
          else resolve(client);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(fail(err));
        },
      );
    });
  }

  /**
   * Reads up to `limit` rows. On abort, or when the server lets the statement timeout pass,
   * stops the query on the server first; if it will not stop, the connection is destroyed.
   */
  function readRows(client: pg.PoolClient, cursor: PgCursor, limit: number, options: QueryOptions, lease: Lease) {
    type Read = { rows: Cell[][]; columns: string[] };
    const work = new Promise<Read>((resolve, reject) => {
      cursor.read(limit, (err, rows, result) =>
        err ? reject(err) : resolve({ rows, columns: result.fields.map((f) => f.name) }),
      );
    });
    return interruptible(work, options, config.name, fail, async (error) => {
      const pid = (client as unknown as { processID?: unknown }).processID;
      const settled = await stopOnServer(typeof pid === 'number' ? pid : undefined, work);
      if (!settled) lease.release(error);
    });
  }

  /** Ends the cursor's portal and the transaction so the connection can go back to the pool. */
  async function endTransaction(client: pg.PoolClient, cursor: PgCursor | undefined): Promise<void> {
    // A failed cursor has already sent Sync (pg queues the ROLLBACK behind its ReadyForQuery);
    // an open portal must be closed first.
    if (cursor && cursor.state !== 'error' && cursor.state !== 'done') await cursor.close();
    await client.query('ROLLBACK');
  }

  async function query(sql: string, options: QueryOptions): Promise<QueryResult> {
    if (options.signal?.aborted) throw canceledError(config.name);
    const client = await acquire(options.signal);
    const lease = new Lease(client);
    let cursor: PgCursor | undefined;
    try {
      const timeoutMs = Math.max(1, Math.ceil(options.timeoutMs));
      // One round trip (simple protocol); the ROLLBACK below also undoes any SET the query made.
      await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${timeoutMs}`).catch((err: unknown) => {
        throw fail(err);
      });
      if (options.signal?.aborted) throw canceledError(config.name);
      cursor = client.query(new Cursor(sql, null, { rowMode: 'array', types: CELL_TYPES }));
      const read = await readRows(client, cursor, options.maxRows + 1, options, lease);
      const truncated = read.rows.length > options.maxRows;
      return { columns: read.columns, rows: truncated ? read.rows.slice(0, options.maxRows) : read.rows, truncated };
    } finally {
      if (!lease.released) {
        const ended = await settledWithin(endTransaction(client, cursor), CLEANUP_MS, true);
        lease.release(ended ? undefined : new Error('could not end the read-only transaction'));
      }
    }
  }

  return {
    name: config.name,
    kind: 'postgres',
    query,
    async ping(timeoutMs) {
      await query('SELECT 1', { timeoutMs, maxRows: 1 });
    },
    async close() {
      await pool.end();
    },
  };
}
