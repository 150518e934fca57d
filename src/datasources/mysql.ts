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
// The statement timeout cannot be lifted from the SQL: `SET STATEMENT max_statement_time=0
// FOR ...` (MariaDB) and the MAX_EXECUTION_TIME hint (MySQL) are refused, by name, before
// anything runs. After each query ROLLBACK and COM_RESET_CONNECTION (conn.reset) end what it
// left on the session: GET_LOCK locks, user variables, settings, temporary tables, prepared
// statements; the next query sets its session settings again.
import mysql from 'mysql2';
import type { DataSourceConfig } from '../config.js';
import type { Cell } from '../domain/types.js';
import { canceledError, classifyMysqlError, secretsOfUrl } from './error-rules.js';
import { interruptible, settledWithin } from './interruptible.js';
import { parseGrants } from './mysql-grants.js';
import { DataSourceError, type DataSource, type PrivilegeFinding, type QueryOptions, type QueryResult } from './port.js';
import { capsOf, ResultBudget, resultTooLarge } from './result-bytes.js';
import { WireMeter } from './wire-meter.js';

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
  constructor(readonly code: 'NOT_A_QUERY' | 'READ_ONLY_OVERRIDE' | 'TIMEOUT_OVERRIDE') {
    super(
      code === 'NOT_A_QUERY'
        ? 'the statement returns no rows'
        : code === 'READ_ONLY_OVERRIDE'
          ? 'the statement changes the read-only setting'
          : 'the statement changes the statement timeout',
    );
  }
}

const READ_ONLY_VARIABLE = /(tx|transaction)_read_only/i;
/** MariaDB's statement timeout, MySQL's (also its optimizer hint MAX_EXECUTION_TIME(n)). */
const TIMEOUT_VARIABLE = /max_statement_time|max_execution_time/i;
const SET_STATEMENT = /\bSET\s+STATEMENT\b/i;

/**
 * The text as the server's parser sees its words: ordinary comments are whitespace, while
 * the server runs what is inside `/*! ... *\/` and `/*M! ... *\/`, so only their markers go.
 * The raw text is checked too; neither is a parser, both only widen the refusal.
 */
const asParsed = (sql: string): string =>
  sql.replace(/\/\*(?!M?!)[\s\S]*?\*\/|(?:--\s|#)[^\n]*/g, ' ').replace(/\/\*M?!\d*|\*\//g, ' ');

/** Refuses SQL that could lift the session's read-only setting or statement timeout. */
function refuseOverrides(sql: string): void {
  if (READ_ONLY_VARIABLE.test(sql)) throw new RefusedError('READ_ONLY_OVERRIDE');
  if (TIMEOUT_VARIABLE.test(sql) || SET_STATEMENT.test(sql) || SET_STATEMENT.test(asParsed(sql))) {
    throw new RefusedError('TIMEOUT_OVERRIDE');
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

/**
 * Streams rows, stopping after `limit` or when the rows pass the byte caps (`budget`); rows
 * past either are not read.
 */
function stream(conn: mysql.Connection, sql: string, limit: number, budget: ResultBudget): Promise<Read> {
  // A streamed query has no callback, so a lost connection (the server went away, the wire
  // meter cut it) reaches only the connection's 'error' event.
  let onLost: (err: Error) => void = () => undefined;
  const read = new Promise<Read>((resolve, reject) => {
    const rows: Cell[][] = [];
    let columns: string[] = [];
    let capped = false;
    let ended = false;
    onLost = (err) => {
      ended = true;
      reject(err);
    };
    conn.once('error', onLost);
    const query = conn.query({ sql, rowsAsArray: true });
    query.on('fields', (fields: { name: string }[]) => (columns = fields.map((f) => f.name)));
    query.on('result', (row: unknown) => {
      if (capped || !Array.isArray(row)) return;
      if (!budget.add(row as Cell[], columns)) {
        // Inside the driver's packet handler: stop reading, and the caller drops the connection.
        capped = true;
        conn.pause();
        return reject(budget.exceeded);
      }
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
  return read.finally(() => conn.off('error', onLost));
}

/** mysql2's own reading of a connection URL (host, user, ?ssl=..., ...). */
const parseUrl = (mysql as unknown as { ConnectionConfig: { parseUrl(url: string): Record<string, unknown> } }).ConnectionConfig
  .parseUrl;

export function createMysqlSource(config: MysqlConfig): DataSource {
  const secrets = secretsOfUrl(config.url);
  const fail = (err: unknown) => classifyMysqlError(err, config.name, secrets);
  const caps = capsOf(config);
  // The URL's options first, ours after: with `uri`, mysql2 lets the URL's query string win,
  // and ?compress=true would let a result arrive far smaller than it is (the meter counts
  // bytes on the wire) and ?multipleStatements=true would run several statements.
  const connectionOptions = {
    ...parseUrl(config.url),
    compress: false,
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
  // One meter per pooled connection, made on its first lease (after the handshake and TLS).
  const meters = new WeakMap<mysql.PoolConnection, WireMeter>();
  const meterOf = (conn: mysql.PoolConnection): WireMeter => {
    let meter = meters.get(conn);
    if (meter === undefined) {
      meter = new WireMeter((conn as unknown as { stream: import('node:stream').Duplex }).stream);
      meters.set(conn, meter);
    }
    return meter;
  };
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

  async function execute(conn: mysql.PoolConnection, sql: string, options: QueryOptions, budget: ResultBudget): Promise<Read> {
    refuseOverrides(sql);
    const server = await detectFlavour(conn);
    const timeoutMs = Math.max(1, Math.ceil(options.timeoutMs));
    // sql_select_limit lets the server stop at the cap for plain SELECTs (an explicit LIMIT wins).
    await run(
      conn,
      `SET SESSION ${server.readOnlyVariable} = 1, sql_select_limit = ${options.maxRows + 1}, ${server.timeoutSetting(timeoutMs)}`,
    );
    await run(conn, 'START TRANSACTION READ ONLY');
    if ((await resultColumns(conn, sql)) === 0) throw new RefusedError('NOT_A_QUERY');
    return stream(conn, sql, options.maxRows + 1, budget);
  }

  /**
   * Ends the transaction and resets the session (COM_RESET_CONNECTION: locks, variables,
   * settings, temporary tables, prepared statements), so the connection goes back to the
   * pool as it was opened. Measured at 0.25 ms a query on the local server.
   */
  async function endSession(conn: mysql.PoolConnection): Promise<void> {
    await run(conn, 'ROLLBACK');
    await new Promise<void>((resolve, reject) => conn.reset((err) => (err ? reject(err) : resolve())));
  }

  async function query(sql: string, options: QueryOptions): Promise<QueryResult> {
    if (options.signal?.aborted) throw canceledError(config.name);
    const conn = await acquire(options.signal);
    const meter = meterOf(conn);
    const budget = new ResultBudget(caps);
    // A stopped read ends in a lost connection: say why instead.
    const classify = (err: unknown) => fail(budget.exceeded ?? (meter.tripped ? resultTooLarge(caps) : err));
    meter.start(caps.resultBytes);
    const work = execute(conn, sql, options, budget);
    let interrupted = false;
    let reusable = false;
    try {
      const read = await interruptible(work, options, config.name, classify, async () => {
        interrupted = true;
        await stopOnServer(conn.threadId, work);
      });
      reusable = read.drained;
      const rows = read.rows.length > options.maxRows ? read.rows.slice(0, options.maxRows) : read.rows;
      return { columns: read.columns, rows, truncated: read.truncated };
    } catch (err) {
      // A database error leaves the connection usable; an interruption, a lost link or a
      // stopped read does not.
      const error = err instanceof DataSourceError ? err : classify(err);
      reusable = !interrupted && !meter.tripped && error.reason !== 'network' && error.reason !== 'too_large';
      throw error;
    } finally {
      if (reusable && (await settledWithin(endSession(conn), CLEANUP_MS, true))) conn.release();
      else conn.destroy(); // the server rolls back and ends the session when the connection goes
      meter.stop();
    }
  }

  /** SHOW GRANTS for the user, then for each role it was granted (and theirs). */
  async function readGrants(conn: mysql.PoolConnection): Promise<PrivilegeFinding[]> {
    const grantsOf = async (statement: string) =>
      ((await run(conn, statement)) as Record<string, unknown>[]).map((row) => String(Object.values(row)[0] ?? ''));
    const findings: PrivilegeFinding[] = [];
    const pending = ['SHOW GRANTS'];
    const seen = new Set<string>();
    while (pending.length > 0 && seen.size < 50) {
      const statement = pending.shift()!;
      seen.add(statement);
      let lines: string[];
      try {
        lines = await grantsOf(statement);
      } catch (err) {
        if (statement === 'SHOW GRANTS') throw err;
        const role = statement.slice('SHOW GRANTS FOR '.length);
        findings.push({ privilege: `role ${role}`, meaning: 'has grants Lookout cannot read, so it cannot tell they only read' });
        continue;
      }
      const parsed = parseGrants(lines);
      findings.push(...parsed.findings);
      for (const role of parsed.roles) {
        const next = `SHOW GRANTS FOR ${role}`;
        if (!seen.has(next) && !pending.includes(next)) pending.push(next);
      }
    }
    return findings;
  }

  async function privileges(timeoutMs: number): Promise<PrivilegeFinding[]> {
    const conn = await acquire(undefined);
    const meter = meterOf(conn);
    const classify = (err: unknown) => fail(meter.tripped ? resultTooLarge(caps) : err);
    meter.start(caps.resultBytes);
    let reusable = false;
    try {
      // SHOW GRANTS has no server-side limit: past the timeout the connection is dropped.
      const findings = await interruptible(readGrants(conn), { timeoutMs }, config.name, classify, async () => conn.destroy());
      reusable = true;
      return findings;
    } finally {
      if (reusable && (await settledWithin(endSession(conn), CLEANUP_MS, true))) conn.release();
      else conn.destroy();
      meter.stop();
    }
  }

  return {
    name: config.name,
    kind: 'mysql',
    query,
    async ping(timeoutMs) {
      await query('SELECT 1', { timeoutMs, maxRows: 1 });
    },
    privileges,
    async close() {
      await new Promise<void>((resolve) => pool.end(() => resolve()));
    },
  };
}
