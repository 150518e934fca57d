// PostgreSQL data source (pg Pool + pg-cursor). Each query: BEGIN READ ONLY, a local
// statement_timeout, a cursor that fetches at most maxRows + 1 rows (the extra row only
// tells `truncated`), ROLLBACK, then what DISCARD ALL does (in the ROLLBACK's round trip) so
// nothing the query did stays on the pooled connection. The extended protocol pg-cursor uses also refuses several statements in one
// string. On abort the backend is canceled from a separate connection, since the busy one
// cannot speak until its query ends.
// The cursor is read with one Execute: the statement timeout's timer is armed once for it.
// A second Execute (reading in batches) re-reads statement_timeout, so a query that ran
// set_config('statement_timeout', '0', true) in its first batch would run unlimited after.
import { createRequire } from 'node:module';
import pg from 'pg';
import type { DataSourceConfig } from '../config.js';
import type { Cell } from '../domain/types.js';
import { canceledError, classifyPostgresError, secretsOfUrl } from './error-rules.js';
import { interruptible, settledWithin } from './interruptible.js';
import type { DataSource, PrivilegeFinding, QueryOptions, QueryResult } from './port.js';
import { capsOf, ResultBudget, resultTooLarge } from './result-bytes.js';
import { WireMeter } from './wire-meter.js';

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
  /** Each row as it is parsed, inside the socket's data handler: a listener must not throw. */
  on(event: 'row', listener: (row: Cell[], result: { fields: { name: string }[] }) => void): this;
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

/**
 * The end of every query, in one round trip: ROLLBACK (which undoes every SET, set_config and
 * LISTEN of the query), then what DISCARD ALL stands for, spelled out as PostgreSQL's manual
 * gives it: session-level advisory locks, prepared statements, WITH HOLD cursors, temporary
 * tables and cached plans survive ROLLBACK, and these end them and reset every setting.
 * DISCARD ALL itself refuses to run among other statements (their implicit transaction), and
 * as a round trip of its own it was one in five of a query's. Last, the look-up of dblink,
 * whose open connections are the one piece of session state DISCARD ALL leaves: when the
 * extension is installed they are closed by one more statement. Any of these failing fails the
 * whole string, and the connection is then destroyed, not pooled.
 * Lookout names no statements on these connections, so pg's statement cache stays right.
 */
const END_SESSION = [
  'ROLLBACK',
  'CLOSE ALL',
  'SET SESSION AUTHORIZATION DEFAULT',
  'RESET ALL',
  'DEALLOCATE ALL',
  'UNLISTEN *',
  'SELECT pg_advisory_unlock_all()',
  'DISCARD PLANS',
  'DISCARD TEMP',
  'DISCARD SEQUENCES',
  "SELECT 1 FROM pg_extension WHERE extname = 'dblink'",
].join('; ');
const CLOSE_DBLINK_CONNECTIONS = `DO $$
DECLARE s name := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'dblink');
BEGIN
  EXECUTE format('SELECT %I.dblink_disconnect(c) FROM unnest(%I.dblink_get_connections()) c', s, s);
  BEGIN
    EXECUTE format('SELECT %I.dblink_disconnect()', s);
  EXCEPTION WHEN OTHERS THEN NULL; -- no unnamed connection open
  END;
END $$`;

/**
 * What the source's role may do beyond reading, one row per kind of power: superuser and
 * role attributes, membership (direct or through other roles, even without INHERIT, since
 * SET ROLE works inside a query) in the roles that reach the server's files and programs or
 * write everything, CREATE on the database or a schema, write grants or ownership of tables.
 */
const PRIVILEGES_SQL = `
WITH me AS (SELECT * FROM pg_roles WHERE rolname = current_user),
relations AS (
  SELECT c.oid, c.relowner FROM pg_class c
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
)
SELECT 'superuser' AS kind, NULL::text AS what, 1 AS n FROM me WHERE rolsuper
UNION ALL SELECT 'createrole', NULL, 1 FROM me WHERE rolcreaterole
UNION ALL SELECT 'createdb', NULL, 1 FROM me WHERE rolcreatedb
UNION ALL SELECT 'member', rolname::text, 1 FROM pg_roles
  WHERE rolname IN ('pg_execute_server_program', 'pg_write_server_files', 'pg_read_server_files', 'pg_write_all_data', 'pg_signal_backend')
    AND pg_has_role(current_user, oid, 'MEMBER')
UNION ALL SELECT 'create_database', current_database()::text, 1 WHERE has_database_privilege(current_database(), 'CREATE')
UNION ALL SELECT 'create_schema', string_agg(quote_ident(nspname), ', ' ORDER BY nspname), count(*)::int FROM pg_namespace
  WHERE has_schema_privilege(oid, 'CREATE') AND nspname !~ '^pg_(toast_)?temp_' HAVING count(*) > 0
UNION ALL SELECT 'write', string_agg(oid::regclass::text, ', ' ORDER BY oid::regclass::text) FILTER (WHERE r <= 3), count(*)::int
  FROM (SELECT oid, row_number() OVER () AS r FROM relations
        WHERE NOT pg_has_role(relowner, 'MEMBER') -- owned tables are listed as such below
          AND (has_table_privilege(oid, 'INSERT, UPDATE, DELETE, TRUNCATE') OR has_any_column_privilege(oid, 'INSERT, UPDATE'))) w
  HAVING count(*) > 0
UNION ALL SELECT 'owner', string_agg(oid::regclass::text, ', ' ORDER BY oid::regclass::text) FILTER (WHERE r <= 3), count(*)::int
  FROM (SELECT oid, row_number() OVER () AS r FROM relations WHERE pg_has_role(relowner, 'MEMBER')) o
  HAVING count(*) > 0`;

const ROLE_MEANINGS: Record<string, string> = {
  pg_execute_server_program: 'can run programs on the database server (COPY ... TO PROGRAM)',
  pg_write_server_files: 'can write files on the database server',
  pg_read_server_files: 'can read any file the database server can',
  pg_write_all_data: 'can change data in every table',
  pg_signal_backend: 'can cancel and end other sessions',
};

/** One row of PRIVILEGES_SQL in words. */
function finding(kind: string, what: string, n: number): PrivilegeFinding {
  const some = (noun: string) => `${n} ${noun}${n === 1 ? '' : 's'} (${what}${n > 3 ? ', ...' : ''})`;
  switch (kind) {
    case 'superuser':
      return { privilege: 'superuser', meaning: 'can do anything on the server: run programs, read and write its files, change any data' };
    case 'createrole':
      return { privilege: 'CREATEROLE', meaning: 'can create roles and grant them powers' };
    case 'createdb':
      return { privilege: 'CREATEDB', meaning: 'can create databases' };
    case 'member':
      return { privilege: `member of ${what}`, meaning: ROLE_MEANINGS[what] ?? 'more than reading' };
    case 'create_database':
      return { privilege: `CREATE on database ${what}`, meaning: 'can create schemas in it' };
    case 'create_schema':
      return { privilege: `CREATE on ${n === 1 ? 'schema' : 'schemas'} ${what}`, meaning: 'can create tables, views and functions there' };
    case 'write':
      return { privilege: `INSERT, UPDATE, DELETE or TRUNCATE on ${some('table')}`, meaning: 'can change their data' };
    case 'owner':
      return { privilege: `owner of ${some('table')}`, meaning: 'can change, drop or grant them' };
    default:
      return { privilege: kind, meaning: 'more than reading' };
  }
}

export function createPostgresSource(config: PostgresConfig): DataSource {
  const secrets = secretsOfUrl(config.url);
  const fail = (err: unknown) => classifyPostgresError(err, config.name, secrets);
  const caps = capsOf(config);
  // One meter per pooled connection, made on its first lease (after connect, so after TLS).
  const meters = new WeakMap<pg.PoolClient, WireMeter>();
  const meterOf = (client: pg.PoolClient): WireMeter => {
    let meter = meters.get(client);
    if (meter === undefined) {
      meter = new WireMeter(client.connection.stream);
      meters.set(client, meter);
    }
    return meter;
  };
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
  function readRows(
    client: pg.PoolClient,
    cursor: PgCursor,
    limit: number,
    options: QueryOptions,
    lease: Lease,
    classify: (err: unknown) => ReturnType<typeof fail>,
  ) {
    type Read = { rows: Cell[][]; columns: string[] };
    const work = new Promise<Read>((resolve, reject) => {
      // A cursor that saw its CommandComplete ignores a lost connection and would never call
      // back (the wire meter can cut the link right after the last row): watch the client too.
      const onEnd = () => reject(new Error('Connection terminated unexpectedly'));
      client.once('end', onEnd);
      cursor.read(limit, (err, rows, result) => {
        client.off('end', onEnd);
        if (err) reject(err);
        else resolve({ rows, columns: result.fields.map((f) => f.name) });
      });
    });
    return interruptible(work, options, config.name, classify, async (error) => {
      const pid = (client as unknown as { processID?: unknown }).processID;
      const settled = await stopOnServer(typeof pid === 'number' ? pid : undefined, work);
      if (!settled) lease.release(error);
    });
  }

  /**
   * Ends the cursor's portal and the transaction, then the session's leftovers, so the
   * connection goes back to the pool as it was when it was opened.
   */
  async function endSession(client: pg.PoolClient, cursor: PgCursor | undefined): Promise<void> {
    // A failed cursor has already sent Sync (pg queues the ROLLBACK behind its ReadyForQuery);
    // an open portal must be closed first.
    if (cursor && cursor.state !== 'error' && cursor.state !== 'done') await cursor.close();
    const results = (await client.query(END_SESSION)) as unknown as pg.QueryResult[];
    if ((results[results.length - 1]?.rowCount ?? 0) > 0) await client.query(CLOSE_DBLINK_CONNECTIONS);
  }

  async function query(sql: string, options: QueryOptions): Promise<QueryResult> {
    if (options.signal?.aborted) throw canceledError(config.name);
    const client = await acquire(options.signal);
    const lease = new Lease(client);
    const meter = meterOf(client);
    const budget = new ResultBudget(caps);
    // A stopped read ends in a lost connection: say why instead.
    const classify = (err: unknown) => fail(budget.exceeded ?? (meter.tripped ? resultTooLarge(caps) : err));
    let cursor: PgCursor | undefined;
    meter.start(caps.resultBytes);
    try {
      const timeoutMs = Math.max(1, Math.ceil(options.timeoutMs));
      // One round trip (simple protocol); the ROLLBACK below also undoes any SET the query made.
      await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${timeoutMs}`).catch((err: unknown) => {
        throw classify(err);
      });
      if (options.signal?.aborted) throw canceledError(config.name);
      cursor = client.query(new Cursor(sql, null, { rowMode: 'array', types: CELL_TYPES }));
      let columns: string[] | undefined;
      cursor.on('row', (row, result) => {
        columns ??= result.fields.map((f) => f.name);
        if (!budget.add(row, columns)) meter.trip(); // stop reading now: the server keeps sending
      });
      const read = await readRows(client, cursor, options.maxRows + 1, options, lease, classify);
      if (budget.exceeded) throw classify(budget.exceeded);
      const truncated = read.rows.length > options.maxRows;
      return { columns: read.columns, rows: truncated ? read.rows.slice(0, options.maxRows) : read.rows, truncated };
    } finally {
      if (meter.tripped) lease.release(new Error('the read was stopped'));
      if (!lease.released) {
        const ended = await settledWithin(endSession(client, cursor), CLEANUP_MS, true);
        lease.release(ended ? undefined : new Error('could not end the read-only transaction'));
      }
      meter.stop();
    }
  }

  return {
    name: config.name,
    kind: 'postgres',
    query,
    async ping(timeoutMs) {
      await query('SELECT 1', { timeoutMs, maxRows: 1 });
    },
    async privileges(timeoutMs) {
      const { rows } = await query(PRIVILEGES_SQL, { timeoutMs, maxRows: 100 });
      return rows.map(([kind, what, n]) => finding(String(kind), String(what ?? ''), Number(n)));
    },
    async close() {
      await pool.end();
    },
  };
}
