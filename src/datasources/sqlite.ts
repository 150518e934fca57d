// SQLite data source. better-sqlite3 is synchronous, so queries run off the event loop in
// a small pool of helper processes (`node -e`, inline code, so it loads under ts-jest too).
// Processes rather than worker_threads: SQLite runs an aggregate or a sort inside one native
// call, which Worker.terminate() cannot interrupt (measured: a 20 s count(*) kept its thread
// busy for 20 s after terminate); a killed process stops at once. On timeout or abort the
// helper is killed and a warm one takes its place. Queries go to the helpers in batches when
// they queue up (sqlite-helpers.ts says who shares a batch and what a kill does to the rest).
// Read-only: the file is opened read-only (the guarantee), and statements that return no
// data (writes, DDL, ATTACH, VACUUM INTO) are refused before they run.
// Bytes: the helper checks each value's size as rows come (text as UTF-8, a blob as the \x
// hex it becomes, twice its length) and stops at maxCellBytes / maxResultBytes, so no more
// than the cap crosses IPC. The helper itself is bounded too, so a 540 MB randomblob,
// zeroblob or printf fails inside it: its data segment (RLIMIT_DATA, set by `ulimit -d` in
// the shell that execs it) makes SQLite's malloc fail (SQLITE_NOMEM), and its V8 heap is
// capped (--max-old-space-size). SQLite's own PRAGMA hard_heap_limit would be the natural
// tool, but better-sqlite3 builds SQLite with SQLITE_DEFAULT_MEMSTATUS=0, which disables it
// (measured: a 200 MB randomblob passed a 100 MB limit). At worst a helper dies, never Lookout.
// Nothing outlives a query: the connection is read-only and keeps no session state a query
// can set (PRAGMA writes and ATTACH return no data and are refused).
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { DataSourceConfig } from '../config.js';
import { canceledError, classifySqliteError, statementTimeoutError } from './error-rules.js';
import { DataSourceError, type DataSource, type QueryOptions, type QueryResult } from './port.js';
import { capsOf, cellTooLarge, resultTooLarge, type ByteCaps } from './result-bytes.js';
import { createSqliteHelpers } from './sqlite-helpers.js';

type SqliteConfig = Extract<DataSourceConfig, { kind: 'sqlite' }>;

const MiB = 1024 * 1024;
/**
 * A helper's whole data segment (RLIMIT_DATA): Node, its V8 heap (the rows up to the result
 * cap, their hex and IPC copies), SQLite's page cache (16 MB) and sorts. 320 MiB with the
 * default caps. A value SQLite builds comes out of the same budget before the helper can
 * measure it: up to about half of it, the size check refuses the value; past that, either
 * SQLite's malloc fails (SQLITE_NOMEM) or copying it into V8 does and the helper aborts.
 */
const helperDataMiB = (caps: ByteCaps) => 256 + Math.ceil((4 * caps.resultBytes) / MiB);
/** V8's heap limit, below the data segment so V8 collects garbage before memory runs out. */
const helperHeapMiB = (caps: ByteCaps) => helperDataMiB(caps) - 96;

// The helper: opens the file read-only, answers { tasks: [{ id, sql, limit }] } with
// { replies: [...] }, rows as arrays, each reply with the query's time in ms. Replies go back
// together, except that before a query starts, those more than a millisecond old are sent, and
// before a result would take the waiting replies past the result cap, those are sent first: a
// message is never larger than one result may be. Reader statements are kept prepared (the
// newest 32). Plain CommonJS; argv: the better-sqlite3 module path, the database file, the cell
// and result caps in bytes.
const HELPER = String.raw`
'use strict';
const [driverPath, file, cellCap, resultCap] = process.argv.slice(1).map((a, i) => (i < 2 ? a : Number(a)));
const { performance } = require('node:perf_hooks');
function describe(err) {
  const message = String((err && err.message) || err);
  let code = err && typeof err.code === 'string' ? err.code : undefined;
  if (!code && /more than one statement|no statements/.test(message)) code = 'SQLITE_ERROR';
  if (!code && /Cannot open database/.test(message)) code = 'SQLITE_CANTOPEN';
  return { code: code || 'UNKNOWN', message };
}
/** Bytes a value takes as a cell: UTF-8 text, \x hex for a blob. */
function size(v) {
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (Buffer.isBuffer(v)) return 2 + 2 * v.length;
  return v === null ? 0 : 8;
}
function cell(v) {
  if (v === null || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return Number(v);
  if (Buffer.isBuffer(v)) return '\\x' + v.toString('hex');
  return String(v);
}
let db, openError;
try {
  const Database = require(driverPath);
  db = new Database(file, { readonly: true, fileMustExist: true });
} catch (err) {
  openError = describe(err);
}
const prepared = new Map();
function statement(sql) {
  let stmt = prepared.get(sql);
  if (stmt) {
    prepared.delete(sql);
  } else {
    stmt = db.prepare(sql);
    if (!stmt.reader) return stmt;
  }
  prepared.set(sql, stmt);
  if (prepared.size > 32) prepared.delete(prepared.keys().next().value);
  return stmt;
}
/** One query: its reply and the bytes its rows take. */
function run(task) {
  if (openError) return { reply: { id: task.id, error: openError }, bytes: 0 };
  try {
    const stmt = statement(task.sql);
    if (!stmt.reader) {
      return { reply: { id: task.id, error: { code: 'NOT_A_READER', message: 'the statement returns no data' } }, bytes: 0 };
    }
    stmt.raw(true);
    const columns = stmt.columns().map((c) => c.name);
    const rows = [];
    let used = 0;
    // Leaving the loop (break, return) ends the statement; the rest is never computed.
    for (const row of stmt.iterate()) {
      for (let i = 0; i < row.length; i++) {
        const bytes = size(row[i]);
        if (bytes > cellCap) return { reply: { id: task.id, error: { code: 'CELL_TOO_LARGE', message: '', column: columns[i] } }, bytes: 0 };
        used += bytes;
      }
      if (used > resultCap) return { reply: { id: task.id, error: { code: 'RESULT_TOO_LARGE', message: '' } }, bytes: 0 };
      rows.push(row.map(cell));
      if (rows.length >= task.limit) break;
    }
    return { reply: { id: task.id, columns, rows }, bytes: used };
  } catch (err) {
    return { reply: { id: task.id, error: describe(err) }, bytes: 0 };
  }
}
process.on('message', ({ tasks }) => {
  const replies = [];
  let bytes = 0;
  let sentAt = performance.now();
  const send = () => {
    if (replies.length > 0) process.send({ replies: replies.splice(0) });
    bytes = 0;
    sentAt = performance.now();
  };
  for (const task of tasks) {
    if (replies.length > 0 && performance.now() - sentAt >= 1) send();
    const started = performance.now();
    const done = run(task);
    done.reply.ms = performance.now() - started;
    if (replies.length > 0 && bytes + done.bytes > resultCap) send();
    replies.push(done.reply);
    bytes += done.bytes;
  }
  send();
});
process.on('disconnect', () => process.exit(0));
`;

const DRIVER_PATH = createRequire(import.meta.url).resolve('better-sqlite3');

export function createSqliteSource(config: SqliteConfig): DataSource {
  const fail = (err: unknown) => classifySqliteError(err, config.name);
  const caps = capsOf(config);
  /** The helper's error, with its size stops in the words every engine uses. */
  const failure = (error: { code: string; message: string; column?: string }) =>
    fail(
      error.code === 'CELL_TOO_LARGE'
        ? cellTooLarge(caps, error.column)
        : error.code === 'RESULT_TOO_LARGE'
          ? resultTooLarge(caps)
          : error,
    );

  function spawnHelper(): ChildProcess {
    const node = [process.execPath, `--max-old-space-size=${helperHeapMiB(caps)}`, '-e', HELPER];
    const args = [DRIVER_PATH, config.path, caps.cellBytes, caps.resultBytes].map(String);
    // The shell only sets the limit and becomes the helper (exec): one process, killable by pid.
    const limited = ['-c', 'ulimit -d "$1" 2>/dev/null; shift; exec "$@"', 'sh', String(helperDataMiB(caps) * 1024)];
    return spawn('/bin/sh', [...limited, ...node, ...args], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'advanced',
      env: {}, // the helper needs nothing from Lookout's environment (and no secrets)
    });
  }

  const helpers = createSqliteHelpers({
    spawn: spawnHelper,
    poolSize: config.poolSize,
    died(signal) {
      // Node and V8 abort when an allocation fails: the helper ran out of its memory.
      const outOfMemory = signal === 'SIGABRT' || signal === 'SIGTRAP';
      return new DataSourceError(
        config.name,
        outOfMemory ? 'too_large' : 'unknown',
        outOfMemory
          ? `The query on data source "${config.name}" needed more than the ${helperDataMiB(caps)} MiB of memory Lookout gives one SQLite query (a huge value or sort), so it was stopped. Return less: aggregate, add a LIMIT, or shorten long values with substr(col, 1, 200); or ask an admin to raise maxResultBytes.`
          : `The SQLite reader of data source "${config.name}" stopped unexpectedly. Run the query again; if it keeps happening, ask an admin to look at Lookout's log.`,
      );
    },
    timedOut: () => statementTimeoutError(config.name),
    canceled: () => canceledError(config.name),
    closed: () => fail(new Error('the data source is closed')),
  });

  async function query(sql: string, options: QueryOptions): Promise<QueryResult> {
    const reply = await helpers.run(sql, { timeoutMs: options.timeoutMs, limit: options.maxRows + 1, signal: options.signal });
    if (reply.error) throw failure(reply.error);
    const truncated = reply.rows.length > options.maxRows;
    return { columns: reply.columns, rows: truncated ? reply.rows.slice(0, options.maxRows) : reply.rows, truncated };
  }

  return {
    name: config.name,
    kind: 'sqlite',
    query,
    async ping(timeoutMs) {
      await query('SELECT 1', { timeoutMs, maxRows: 1 });
    },
    // The file is opened read-only and statements that return no data are refused: whatever
    // the operating system lets Lookout's user do to the file, a query cannot write it.
    privileges: async () => [],
    close: () => helpers.close(),
  };
}
