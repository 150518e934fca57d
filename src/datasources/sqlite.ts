// SQLite data source. better-sqlite3 is synchronous, so queries run off the event loop in
// a small pool of helper processes (`node -e`, inline code, so it loads under ts-jest too).
// Processes rather than worker_threads: SQLite runs an aggregate or a sort inside one native
// call, which Worker.terminate() cannot interrupt (measured: a 20 s count(*) kept its thread
// busy for 20 s after terminate); a killed process stops at once. On timeout or abort the
// helper is killed and a warm one takes its place.
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
import type { Cell } from '../domain/types.js';
import { canceledError, classifySqliteError, statementTimeoutError } from './error-rules.js';
import { DataSourceError, type DataSource, type QueryOptions, type QueryResult } from './port.js';
import { capsOf, cellTooLarge, resultTooLarge, type ByteCaps } from './result-bytes.js';

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

// The helper: opens the file read-only, answers { id, sql, limit } with rows as arrays.
// Plain CommonJS; argv: the better-sqlite3 module path, the database file, the cell and
// result caps in bytes.
const HELPER = String.raw`
'use strict';
const [driverPath, file, cellCap, resultCap] = process.argv.slice(1).map((a, i) => (i < 2 ? a : Number(a)));
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
process.on('message', (task) => {
  if (openError) return process.send({ id: task.id, error: openError });
  try {
    const stmt = db.prepare(task.sql);
    if (!stmt.reader) {
      return process.send({ id: task.id, error: { code: 'NOT_A_READER', message: 'the statement returns no data' } });
    }
    stmt.raw(true);
    const columns = stmt.columns().map((c) => c.name);
    const rows = [];
    let used = 0;
    // Leaving the loop (break, return) ends the statement; the rest is never computed.
    for (const row of stmt.iterate()) {
      for (let i = 0; i < row.length; i++) {
        const bytes = size(row[i]);
        if (bytes > cellCap) return process.send({ id: task.id, error: { code: 'CELL_TOO_LARGE', message: '', column: columns[i] } });
        used += bytes;
      }
      if (used > resultCap) return process.send({ id: task.id, error: { code: 'RESULT_TOO_LARGE', message: '' } });
      rows.push(row.map(cell));
      if (rows.length >= task.limit) break;
    }
    process.send({ id: task.id, columns, rows });
  } catch (err) {
    process.send({ id: task.id, error: describe(err) });
  }
});
process.on('disconnect', () => process.exit(0));
`;

const DRIVER_PATH = createRequire(import.meta.url).resolve('better-sqlite3');

type Reply =
  | { id: number; columns: string[]; rows: Cell[][]; error?: undefined }
  | { id: number; error: { code: string; message: string; column?: string } };

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
  const all = new Set<ChildProcess>();
  const idle: ChildProcess[] = [];
  const waiting: { resolve(child: ChildProcess): void; reject(err: Error): void }[] = [];
  let closed = false;
  let nextId = 1;

  const isAlive = (child: ChildProcess) => all.has(child);
  const setBusy = (child: ChildProcess, busy: boolean) => {
    // Idle helpers must not keep Lookout (or a test run) from exiting.
    if (busy) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  };

  function spawnHelper(): ChildProcess {
    const node = [process.execPath, `--max-old-space-size=${helperHeapMiB(caps)}`, '-e', HELPER];
    const args = [DRIVER_PATH, config.path, caps.cellBytes, caps.resultBytes].map(String);
    // The shell only sets the limit and becomes the helper (exec): one process, killable by pid.
    const limited = ['-c', 'ulimit -d "$1" 2>/dev/null; shift; exec "$@"', 'sh', String(helperDataMiB(caps) * 1024)];
    const child = spawn('/bin/sh', [...limited, ...node, ...args], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'advanced',
      env: {}, // the helper needs nothing from Lookout's environment (and no secrets)
    });
    all.add(child);
    const gone = () => {
      if (!all.delete(child)) return;
      const at = idle.indexOf(child);
      if (at >= 0) idle.splice(at, 1);
      refill();
    };
    child.on('exit', gone);
    child.on('error', gone); // failed to spawn
    return child;
  }

  /** Keeps one helper warm and serves anyone waiting, within poolSize. */
  function refill(): void {
    if (closed) return;
    while (waiting.length > 0 && all.size < config.poolSize) waiting.shift()?.resolve(spawnHelper());
    if (waiting.length === 0 && idle.length === 0 && all.size < config.poolSize) {
      const child = spawnHelper();
      setBusy(child, false);
      idle.push(child);
    }
  }

  function acquire(signal: AbortSignal | undefined): Promise<ChildProcess> {
    if (closed) return Promise.reject(fail(new Error('the data source is closed')));
    const ready = idle.pop();
    if (ready) return Promise.resolve(ready);
    if (all.size < config.poolSize) return Promise.resolve(spawnHelper());
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve(child: ChildProcess) {
          signal?.removeEventListener('abort', onAbort);
          resolve(child);
        },
        reject,
      };
      const onAbort = () => {
        waiting.splice(waiting.indexOf(waiter), 1);
        reject(canceledError(config.name));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiting.push(waiter);
    });
  }

  function giveBack(child: ChildProcess): void {
    if (!isAlive(child)) return;
    const waiter = waiting.shift();
    if (waiter) return waiter.resolve(child);
    setBusy(child, false);
    idle.push(child);
  }

  function run(child: ChildProcess, sql: string, options: QueryOptions): Promise<QueryResult> {
    setBusy(child, true);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      let finished = false;
      const finish = () => {
        finished = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        finish();
        giveBack(child);
        if (reply.error) return reject(failure(reply.error));
        const truncated = reply.rows.length > options.maxRows;
        resolve({ columns: reply.columns, rows: truncated ? reply.rows.slice(0, options.maxRows) : reply.rows, truncated });
      };
      const onExit = (_code: number | null, signal: NodeJS.Signals | null) => {
        finish();
        // Node and V8 abort when an allocation fails: the helper ran out of its memory.
        const outOfMemory = signal === 'SIGABRT' || signal === 'SIGTRAP';
        reject(
          new DataSourceError(
            config.name,
            outOfMemory ? 'too_large' : 'unknown',
            outOfMemory
              ? `The query on data source "${config.name}" needed more than the ${helperDataMiB(caps)} MiB of memory Lookout gives one SQLite query (a huge value or sort), so it was stopped. Return less: aggregate, add a LIMIT, or shorten long values with substr(col, 1, 200); or ask an admin to raise maxResultBytes.`
              : `The SQLite reader of data source "${config.name}" stopped unexpectedly. Run the query again; if it keeps happening, ask an admin to look at Lookout's log.`,
          ),
        );
      };
      /** The statement cannot be interrupted in place: kill its helper (a warm one replaces it). */
      const stop = (error: DataSourceError) => {
        if (finished) return;
        finish();
        all.delete(child);
        child.kill('SIGKILL');
        refill();
        reject(error);
      };
      const onAbort = () => stop(canceledError(config.name));
      const timer = setTimeout(() => stop(statementTimeoutError(config.name)), options.timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.send({ id, sql, limit: options.maxRows + 1 }, (err) => {
        if (err && !finished) stop(fail(err));
      });
    });
  }

  async function query(sql: string, options: QueryOptions): Promise<QueryResult> {
    if (options.signal?.aborted) throw canceledError(config.name);
    const child = await acquire(options.signal);
    if (options.signal?.aborted) {
      giveBack(child);
      throw canceledError(config.name);
    }
    return run(child, sql, options);
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
    async close() {
      closed = true;
      for (const waiter of waiting.splice(0)) waiter.reject(fail(new Error('the data source is closed')));
      const children = [...all];
      all.clear();
      idle.length = 0;
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.ref(); // an idle helper is unref'd: keep the process up until it is gone
              child.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}
