// SQLite data source. better-sqlite3 is synchronous, so queries run off the event loop in
// a small pool of helper processes (`node -e`, inline code, so it loads under ts-jest too).
// Processes rather than worker_threads: SQLite runs an aggregate or a sort inside one native
// call, which Worker.terminate() cannot interrupt (measured: a 20 s count(*) kept its thread
// busy for 20 s after terminate); a killed process stops at once. On timeout or abort the
// helper is killed and a warm one takes its place.
// Read-only: the file is opened read-only (the guarantee), and statements that return no
// data (writes, DDL, ATTACH, VACUUM INTO) are refused before they run.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { DataSourceConfig } from '../config.js';
import type { Cell } from '../domain/types.js';
import { canceledError, classifySqliteError, statementTimeoutError } from './error-rules.js';
import { DataSourceError, type DataSource, type QueryOptions, type QueryResult } from './port.js';

type SqliteConfig = Extract<DataSourceConfig, { kind: 'sqlite' }>;

// The helper: opens the file read-only, answers { id, sql, limit } with rows as arrays.
// Plain CommonJS; argv: the better-sqlite3 module path, the database file.
const HELPER = String.raw`
'use strict';
const [driverPath, file] = process.argv.slice(1);
function describe(err) {
  const message = String((err && err.message) || err);
  let code = err && typeof err.code === 'string' ? err.code : undefined;
  if (!code && /more than one statement|no statements/.test(message)) code = 'SQLITE_ERROR';
  if (!code && /Cannot open database/.test(message)) code = 'SQLITE_CANTOPEN';
  return { code: code || 'UNKNOWN', message };
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
    for (const row of stmt.iterate()) {
      rows.push(row.map(cell));
      if (rows.length >= task.limit) break; // ends the statement; the rest is never computed
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
  | { id: number; error: { code: string; message: string } };

export function createSqliteSource(config: SqliteConfig): DataSource {
  const fail = (err: unknown) => classifySqliteError(err, config.name);
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
    const child = spawn(process.execPath, ['-e', HELPER, DRIVER_PATH, config.path], {
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
        if (reply.error) return reject(fail(reply.error));
        const truncated = reply.rows.length > options.maxRows;
        resolve({ columns: reply.columns, rows: truncated ? reply.rows.slice(0, options.maxRows) : reply.rows, truncated });
      };
      const onExit = () => {
        finish();
        reject(
          new DataSourceError(
            config.name,
            'unknown',
            `The SQLite reader of data source "${config.name}" stopped unexpectedly. Run the query again; if it keeps happening, ask an admin to look at Lookout's log.`,
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
              child.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}
