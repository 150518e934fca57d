// DuckDB data source: SQL over the CSV, Parquet and JSON files under the directories an admin
// allowed (allowedDirs), and nothing else. Each query runs in a reader process
// (duckdb-reader.cjs, pooled by helper-pool.ts) holding an in-memory database, because DuckDB
// builds values outside any limit of its own (measured in-process: `SELECT repeat('x',
// 540000000)` grew Lookout by 416 MB to 791 MB with memory_limit at 256 MB); in a reader, the
// reader's data segment bounds it, and Lookout grows by the rows it keeps.
// What the reader allows, each enforced by DuckDB itself, set before its configuration is locked
// (lock_configuration), so no statement can lift it:
// - files: enable_external_access is off, so only paths under allowed_directories open; DuckDB
//   resolves `..` and symlinks first, and checks every file a glob matches (glob() itself is
//   refused: it listed names through a symlinked directory);
// - no network, no extensions: httpfs is not built in, and nothing is installed or loaded on
//   demand (autoinstall/autoload_known_extensions off); INSTALL and LOAD are refused;
// - read-only: the database is in memory and empty, spilling to disk is off (temp_directory
//   ''), and only a query runs: DuckDB's parser must take the SQL as one SELECT
//   (json_serialize_sql takes nothing else) before it is even prepared, since preparing
//   EXPORT DATABASE already creates its directory; the prepared statement's type is checked
//   again. So COPY ... TO, EXPORT, ATTACH, SET, CREATE and the rest never run. Table functions
//   must be on the reader's list (file readers, their metadata, generators), since some act
//   while prepared (enable_logging wrote files); so nothing is written and no state outlives a
//   query.
// The statement timeout and the working timeout interrupt the query in place; a reader that
// does not stop within 3 s (a long single function call) is killed and a warm one takes
// its place. Values are measured before they become strings (text, blobs) and stopped at the
// byte caps; rows past maxRows are never computed.
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import type { DataSourceConfig } from '../config.js';
import type { Cell } from '../domain/types.js';
import { canceledError, classifyDuckdbError, statementTimeoutError } from './error-rules.js';
import { createHelperPool } from './helper-pool.js';
import type { DataSource, DataSourceError, QueryOptions, QueryResult } from './port.js';
import { capsOf, cellTooLarge, resultTooLarge, type ByteCaps } from './result-bytes.js';

type DuckdbConfig = Extract<DataSourceConfig, { kind: 'duckdb' }>;

const READER = fileURLToPath(new URL('./duckdb-reader.cjs', import.meta.url));
const MiB = 1024 * 1024;
/** DuckDB's worker threads in each reader. */
const THREADS = 2;
/** How long an interrupted query has to end before its reader is killed. */
const INTERRUPT_GRACE_MS = 3_000;

/**
 * A reader's whole data segment: Node and DuckDB's code and arenas (~115 MiB measured idle),
 * DuckDB's own memory limit, the values DuckDB builds outside it, and the rows up to the result
 * cap with their IPC copies. 768 MiB with the defaults. A value DuckDB builds past it fails
 * inside the reader. Measured: `repeat('x', 100000000)` took the reader from 115 to 570-680
 * MiB; with 640 the 100 MB value sometimes ran out of memory before the cell cap could name it.
 */
const readerDataMiB = (config: Pick<DuckdbConfig, 'memoryLimitMiB'>, caps: ByteCaps) =>
  448 + config.memoryLimitMiB + Math.ceil((4 * caps.resultBytes) / MiB);
const readerHeapMiB = (caps: ByteCaps) => 128 + Math.ceil((4 * caps.resultBytes) / MiB);

type Reply = { id: number; dataBytes: number } & (
  | { columns: string[]; rows: Cell[][]; error?: undefined }
  | { error: { code: string; message: string; column?: string } }
);

/** Errors after which the reader is replaced: DuckDB's allocator keeps what it took. */
const SPENT = new Set(['OUT_OF_MEMORY', 'CELL_TOO_LARGE', 'RESULT_TOO_LARGE']);

export function createDuckdbSource(config: DuckdbConfig): DataSource {
  const fail = (err: unknown) => classifyDuckdbError(err, config.name);
  const caps = capsOf(config);
  /** The reader's error, with its size stops in the words every engine uses. */
  const failure = (error: { code: string; message: string; column?: string }) =>
    fail(
      error.code === 'CELL_TOO_LARGE'
        ? cellTooLarge(caps, error.column)
        : error.code === 'RESULT_TOO_LARGE'
          ? resultTooLarge(caps)
          : error.code === 'NESTED_COLUMN'
            ? { code: error.code, message: `${error.message} (column "${error.column ?? '?'}")` }
            : error,
    );
  const settings = {
    allowedDirs: config.allowedDirs,
    memoryLimitMiB: config.memoryLimitMiB,
    threads: THREADS,
    cellCap: caps.cellBytes,
    resultCap: caps.resultBytes,
  };
  const dataMiB = readerDataMiB(config, caps);
  const pool = createHelperPool({
    // Paths are written whole. Measured: with the working directory inside an allowed one,
    // DuckDB took 'http://host/x.csv' for a relative path, passed it, and only the missing
    // httpfs refused it; from '/' (never allowed), its own file check refuses every URL.
    spec: { script: READER, args: [JSON.stringify(settings)], dataMiB, heapMiB: readerHeapMiB(caps), cwd: '/' },
    size: config.poolSize,
    canceled: () => canceledError(config.name),
    closed: () => fail(new Error('the data source is closed')),
  });
  let nextId = 1;

  function run(child: ChildProcess, sql: string, options: QueryOptions): Promise<QueryResult> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      let finished = false;
      /**
       * Set once the query is being stopped: the error the caller gets whatever the reader says,
       * its cause saying how it stopped (the reader's INTERRUPT, or killed).
       */
      let stopping: ((cause: unknown) => DataSourceError) | undefined;
      let grace: NodeJS.Timeout | undefined;
      const finish = () => {
        finished = true;
        clearTimeout(timer);
        clearTimeout(grace);
        options.signal?.removeEventListener('abort', onAbort);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        finish();
        // A reader that grew (a big value, a sort, a join) is replaced, so each query starts with
        // at least half the data segment free: DuckDB keeps the address space it took.
        if (reply.dataBytes > (dataMiB * MiB) / 2 || (reply.error && SPENT.has(reply.error.code))) pool.discard(child);
        else pool.release(child);
        if (stopping) return reject(stopping(reply.error ?? 'finished meanwhile'));
        if (reply.error) return reject(failure(reply.error));
        const truncated = reply.rows.length > options.maxRows;
        resolve({ columns: reply.columns, rows: truncated ? reply.rows.slice(0, options.maxRows) : reply.rows, truncated });
      };
      const onExit = (_code: number | null, signal: NodeJS.Signals | null) => {
        finish();
        // Node and V8 abort when an allocation fails: the reader ran out of its memory.
        const outOfMemory = signal === 'SIGABRT' || signal === 'SIGTRAP';
        reject(
          stopping?.('the reader ended') ??
            fail(
              outOfMemory
                ? { code: 'OUT_OF_MEMORY', message: 'the reader ran out of memory' }
                : { code: 'OPEN_FAILED', message: `the reader stopped unexpectedly (${signal ?? 'exit'})` },
            ),
        );
      };
      /** Interrupts the query in place; a reader that does not answer in time is killed. */
      const stop = (error: (cause: unknown) => DataSourceError) => {
        if (finished || stopping) return;
        stopping = error;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        child.send({ interrupt: id }, () => undefined);
        grace = setTimeout(() => {
          finish();
          pool.discard(child);
          reject(error(new Error(`the query did not stop within ${INTERRUPT_GRACE_MS} ms, so its reader was killed`)));
        }, INTERRUPT_GRACE_MS);
      };
      const onAbort = () => stop((cause) => canceledError(config.name, cause));
      const timer = setTimeout(() => stop((cause) => statementTimeoutError(config.name, cause)), options.timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.send({ id, sql, limit: options.maxRows + 1 }, (err) => {
        if (!err || finished) return;
        finish();
        pool.discard(child);
        reject(fail(err));
      });
    });
  }

  async function query(sql: string, options: QueryOptions): Promise<QueryResult> {
    if (options.signal?.aborted) throw canceledError(config.name);
    const child = await pool.acquire(options.signal);
    if (options.signal?.aborted) {
      pool.release(child);
      throw canceledError(config.name);
    }
    return run(child, sql, options);
  }

  return {
    name: config.name,
    kind: 'duckdb',
    query,
    async ping(timeoutMs) {
      await query('SELECT 1', { timeoutMs, maxRows: 1 });
    },
    // No database users: Lookout's own reader opens an empty in-memory database that reads
    // the allowed files and writes nothing, so there is no power beyond reading to find.
    privileges: async () => [],
    close: () => pool.close(),
  };
}
