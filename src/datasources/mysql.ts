// MySQL / MariaDB data source (mysql2 pool, callback API so rows can be streamed).
// Read-only, enforced by the server, in layers (each was needed on MariaDB 10.11):
// - START TRANSACTION READ ONLY refuses DML, but DDL (DROP, CREATE, TRUNCATE, RENAME) first
//   commits implicitly and then runs;
// - the session's tx_read_only (transaction_read_only on MySQL 8) refuses that DDL too;
// - MariaDB's `SET STATEMENT tx_read_only=0 FOR <ddl>` lifts the session setting for one
//   statement, so SQL naming the read-only variable is refused;
// - the server's prepare of the statement must report result columns: writes, DDL, CALL and
//   SELECT ... INTO OUTFILE report none and are refused before they run.
// multipleStatements stays off, so one string is one statement.
import mysql from 'mysql2';
import type { DataSourceConfig } from '../config.js';
import type { Cell } from '../domain/types.js';
import { canceledError, classifyMysqlError, secretsOfUrl } from './error-rules.js';
import { interruptible, settledWithin } from './interruptible.js';
import { DataSourceError, type DataSource, type QueryOptions, type QueryResult } from './port.js';

type MysqlConfig = Extract<DataSourceConfig, { kind: 'mysql' }>;

const CONNECT_TIMEOUT_MS = 10_000;
/** Past the statement timeout, how long the server gets to stop on its own before we kill. */
/** Ending the transaction after a query; past this the connection is destroyed instead. */
const CLEANUP_MS = 5_000;

/** The server's statement-timeout setting and read-only variable differ by flavour. */
interface Flavour {
  readOnlyVariable: string;
  timeoutSetting(ms: number): string;
}
const MARIADB: Flavour = {
  readOnlyVariable: 'tx_read_only',
  timeoutSetting: (ms) => `max_statement_time = ${(ms / 1000).toFixed(3)}`, // seconds
};
const MYSQL: Flavour = {
  readOnlyVariable: 'transaction_read_only',
  timeoutSetting: (ms) => `max_execution_time = ${ms}`, // milliseconds, SELECT only
};

const toNumber = (text: string): Cell => {
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
};

/** Driver values to Cells: numbers as numbers (also BIGINT past 2^53), times as ISO text. */
function toCell(value: unknown, type: string | undefined): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (type === 'DATETIME' || type === 'TIMESTAMP') return value.replace(' ', 'T'); // wall time, no zone
    if (type === 'LONGLONG' || type === 'NEWDECIMAL' || type === 'DECIMAL') return toNumber(value);
    return value;
  }
  if (Buffer.isBuffer(value)) {
    if (type === 'BIT' && value.length <= 6) return value.length === 0 ? 0 : value.readUIntBE(0, value.length);
    return `\\x${value.toString('hex')}`;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return JSON.stringify(value);
}

/** Our own refusal before running, classified through the rule table like a driver code. */
class RefusedError extends Error {
  constructor(readonly code: 'NOT_A_QUERY' | 'READ_ONLY_OVERRIDE') {
    super(code === 'NOT_A_QUERY' ? 'the statement returns no rows' : 'the statement changes the read-only setting');
  }
}

interface Read {
  columns: string[];
  rows: Cell[][];
  truncated: boolean;
  /** False when rows were left unread: the connection must be destroyed. */
  drained: boolean;
}

const run = (conn: mysql.Connection, sql: string): Promise<unknown> =>
  new Promise((resolve, reject) => conn.query(sql, (err, result) => (err ? reject(err) : resolve(result))));

/** Number of result columns the server reports for `sql`, without running it. */
const resultColumns = (conn: mysql.Connection, sql: string): Promise<number> =>
  new Promise((resolve, reject) =>
    conn.prepare(sql, (err, statement) => {
      if (err) return reject(err);
      const columns = (statement as unknown as { columns?: unknown[] }).columns ?? [];
      conn.unprepare(sql); // closes it on the server
      resolve(columns.length);
    }),
  );

/** Streams rows, stopping after `limit`; rows past it are not read. */
function stream(conn: mysql.Connection, sql: string, limit: number): Promise<Read> {
  return new Promise((resolve, reject) => {
    const rows: Cell[][] = [];
    let columns: string[] = [];
    let capped = false;
    let ended = false;
    const query = conn.query({ sql, rowsAsArray: true });
    query.on('fields', (fields: { name: string }[]) => (columns = fields.map((f) => f.name)));
    query.on('result', (row: unknown) => {
      if (capped || !Array.isArray(row)) return;
      rows.push(row as Cell[]);
      if (rows.length < limit) return;
      capped = true;
      // sql_select_limit usually ends the result right here, often in the same packet: give
      // the end a turn to arrive, else stop reading and let the caller destroy the connection.
      setImmediate(() => {
        if (!ended) conn.pause();
        resolve({ columns, rows, truncated: true, drained: ended });
      });
    });
    query.on('error', (err: Error) => {
      ended = true;
      reject(err); // no-op once resolved
    });
    query.on('end', () => {
      ended = true;
      if (!capped) resolve({ columns, rows, truncated: false, drained: true });
    });
  });
}

export function createMysqlSource(config: MysqlConfig): DataSource {
  const secrets = secretsOfUrl(config.url);
  const fail = (err: unknown) => classifyMysqlError(err, config.name, secrets);
  const connectionOptions = {
    uri: config.url,
    connectTimeout: CONNECT_TIMEOUT_MS,
    multipleStatements: false,
    charset: 'utf8mb4',
    decimalNumbers: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    dateStrings: true,
    jsonStrings: true,
    typeCast: (field: { type?: string }, next: () => unknown) => toCell(next(), field.type),
  };
  const pool = mysql.createPool({ ...connectionOptions, connectionLimit: config.poolSize, maxIdle: config.poolSize });
  // A pooled connection that dies while idle must not crash the process; the pool drops it.
  pool.on('connection', (conn) => conn.on('error', () => undefined));
  let flavour: Promise<Flavour> | undefined;

  function detectFlavour(conn: mysql.Connection): Promise<Flavour> {
    flavour ??= run(conn, 'SELECT VERSION() AS v').then((rows) => {
      const version = String((rows as { v?: unknown }[])[0]?.v ?? '');
      return /mariadb/i.test(version) ? MARIADB : MYSQL;
    });
    flavour.catch(() => (flavour = undefined)); // try again next time
    return flavour;
  }

  /** Runs one statement on a fresh connection (the pool may be full). */
  async function adminStatement(sql: string): Promise<void> {
    const conn = mysql.createConnection({ uri: config.url, connectTimeout: CONNECT_TIMEOUT_MS });
    conn.on('error', () => undefined);
    try {
      await run(conn, sql);
    } finally {
      conn.destroy();
    }
  }

  /**
   * KILL QUERY stops the running statement; one that lands just before the statement starts
   * may be lost, so it is repeated, and the last resort kills the connection.
   */
  async function stopOnServer(threadId: number, work: Promise<unknown>): Promise<void> {
    for (const waitMs of [500, 2_000]) {
      await adminStatement(`KILL QUERY ${threadId}`).catch(() => undefined);
      if (await settledWithin(work, waitMs)) return;
    }
    await adminStatement(`KILL ${threadId}`).catch(() => undefined);
  }

  function acquire(signal: AbortSignal | undefined): Promise<mysql.PoolConnection> {
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(canceledError(config.name));
      signal?.addEventListener('abort', onAbort, { once: true });
      pool.getConnection((err, conn) => {
        signal?.removeEventListener('abort', onAbort);
        if (err) return reject(fail(err));
        if (signal?.aborted) return conn.release();
        resolve(conn);
      });
    });
  }

  async function execute(conn: mysql.PoolConnection, sql: string, options: QueryOptions): Promise<Read> {
    const server = await detectFlavour(conn);
    const timeoutMs = Math.max(1, Math.ceil(options.timeoutMs));
    // sql_select_limit lets the server stop at the cap for plain SELECTs (an explicit LIMIT wins).
    await run(
      conn,
      `SET SESSION ${server.readOnlyVariable} = 1, sql_select_limit = ${options.maxRows + 1}, ${server.timeoutSetting(timeoutMs)}`,
    );
    await run(conn, 'START TRANSACTION READ ONLY');
    if (/(tx|transaction)_read_only/i.test(sql)) throw new RefusedError('READ_ONLY_OVERRIDE');
    if ((await resultColumns(conn, sql)) === 0) throw new RefusedError('NOT_A_QUERY');
    return stream(conn, sql, options.maxRows + 1);
  }

  async function query(sql: string, options: QueryOptions): Promise<QueryResult> {
    if (options.signal?.aborted) throw canceledError(config.name);
    const conn = await acquire(options.signal);
    const work = execute(conn, sql, options);
    let interrupted = false;
    let reusable = false;
    try {
      const read = await interruptible(work, options, config.name, fail, async () => {
        interrupted = true;
        await stopOnServer(conn.threadId, work);
      });
      reusable = read.drained;
      const rows = read.rows.length > options.maxRows ? read.rows.slice(0, options.maxRows) : read.rows;
      return { columns: read.columns, rows, truncated: read.truncated };
    } catch (err) {
      // A database error leaves the connection usable; an interruption or a lost link does not.
      const error = err instanceof DataSourceError ? err : fail(err);
      reusable = !interrupted && error.reason !== 'network';
      throw error;
    } finally {
      if (reusable && (await settledWithin(run(conn, 'ROLLBACK'), CLEANUP_MS, true))) conn.release();
      else conn.destroy(); // the server rolls back when the connection goes
    }
  }

  return {
    name: config.name,
    kind: 'mysql',
    query,
    async ping(timeoutMs) {
      await query('SELECT 1', { timeoutMs, maxRows: 1 });
    },
    async close() {
      await new Promise<void>((resolve) => pool.end(() => resolve()));
    },
  };
}
