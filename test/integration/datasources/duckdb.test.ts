// The DuckDB data source on files the test writes (CSV, Parquet written by DuckDB itself, JSON)
// in an allowed directory, next to a directory it must never read: the shared engine cases,
// values and the row cap, every way out of the allowed directory refused (absolute, `..`,
// symlinks, globs, read_text, URLs), every statement that writes, attaches, loads or changes a
// setting refused with the directory left as it was, the timeout interrupting a long query
// in place (the same reader answers next), abort, and the byte caps.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataSourceConfig } from '../../../src/config.js';
import { openDataSource } from '../../../src/datasources/open-data-source.js';
import type { DataSource } from '../../../src/datasources/port.js';
import { settled } from '../../support/eventually.js';
import { failure, opts, runCommonEngineCases } from './engine-cases.js';

const root = mkdtempSync(join(tmpdir(), `lookout-duckdb-${process.pid}-`));
const allowed = join(root, 'allowed');
const outside = join(root, 'outside');
const SECRET = 'top-secret-value';
const limits = { statementTimeoutS: 60, maxRows: 1000, poolSize: 1 };
// Hours of work for DuckDB in one query (a cross join), in little memory.
const LONG_QUERY = 'SELECT count(*) FROM range(1000000000000) a, range(1000) b';

let source: DataSource;

/** Every file under the allowed directory with a hash of its bytes: nothing may change it. */
function snapshot(dir = allowed): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return entry.isFile() ? `${path} ${createHash('sha256').update(readFileSync(path)).digest('hex')}` : path;
    })
    .sort();
}

/** Live reader processes of this test's source (their command line names the allowed directory). */
function readers(): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes('duckdb-reader.cjs') && cmdline.includes(allowed)) pids.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

let before: string[];

beforeAll(async () => {
  mkdirSync(allowed);
  mkdirSync(join(allowed, 'daily'));
  mkdirSync(outside);
  writeFileSync(
    join(allowed, 'orders.csv'),
    ['id,region,amount,placed', ...Array.from({ length: 30 }, (_, i) => `${i + 1},${i % 2 ? 'EU' : 'US'},${i + 0.5},2024-01-${String((i % 28) + 1).padStart(2, '0')}`)].join('\n'),
  );
  writeFileSync(join(allowed, 'daily', '2024-01-01.csv'), 'day,visits\n2024-01-01,10\n');
  writeFileSync(join(allowed, 'daily', '2024-01-02.csv'), 'day,visits\n2024-01-02,32\n');
  writeFileSync(join(allowed, 'events.json'), JSON.stringify([{ kind: 'signup', n: 3 }, { kind: 'login', n: 7 }]));
  writeFileSync(join(outside, 'secret.csv'), `name,value\nkey,${SECRET}\n`);
  symlinkSync(join(outside, 'secret.csv'), join(allowed, 'escape.csv'));
  symlinkSync(outside, join(allowed, 'escape-dir'));
  // A named pipe nobody writes: opening it blocks inside one system call, where DuckDB's
  // interrupt cannot reach.
  execFileSync('mkfifo', [join(allowed, 'stuck.fifo')]);
  // The Parquet file is written by DuckDB itself, in the test's own unrestricted database.
  const writer = await DuckDBInstance.create(':memory:');
  const conn = await writer.connect();
  await conn.run(
    `COPY (SELECT range AS id, 'sku-' || range AS sku, range * 2.5 AS price, TIMESTAMP '2024-03-01 12:00:00' + INTERVAL (range) HOUR AS shipped FROM range(100)) TO '${join(allowed, 'items.parquet')}' (FORMAT parquet)`,
  );
  conn.closeSync();
  writer.closeSync();
  before = snapshot();
  source = openDataSource(dataSourceConfig({ name: 'duck-test', kind: 'duckdb', allowedDirs: [allowed], ...limits }));
}, 60_000);

afterAll(async () => {
  await source?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('duckdb data source: reading files', () => {
  it('reads a CSV file by its path', async () => {
    const result = await source.query(`SELECT region, count(*) AS n, sum(amount) AS total FROM '${allowed}/orders.csv' GROUP BY region ORDER BY region`, opts);
    expect(result).toEqual({ columns: ['region', 'n', 'total'], rows: [['EU', 15, 232.5], ['US', 15, 217.5]], truncated: false });
  });

  it('reads the Parquet file DuckDB wrote, with numbers, text and timestamps as ISO text', async () => {
    const result = await source.query(`SELECT id, sku, price, shipped FROM read_parquet('${allowed}/items.parquet') WHERE id = 3`, opts);
    expect(result.rows).toEqual([[3, 'sku-3', 7.5, '2024-03-01T15:00:00']]);
  });

  it('reads a JSON file', async () => {
    const result = await source.query(`SELECT kind, n FROM read_json('${allowed}/events.json') ORDER BY n`, opts);
    expect(result.rows).toEqual([['signup', 3], ['login', 7]]);
  });

  it('reads every file a glob matches inside the allowed directory, and joins across formats', async () => {
    const glob = await source.query(`SELECT sum(visits) AS visits FROM read_csv('${allowed}/daily/*.csv')`, opts);
    expect(glob.rows).toEqual([[42]]);
    const joined = await source.query(
      `SELECT count(*) FROM '${allowed}/orders.csv' o JOIN '${allowed}/items.parquet' i ON i.id = o.id`,
      opts,
    );
    expect(joined.rows).toEqual([[30]]);
  });

  it('gives dates, decimals, blobs, intervals, instants and NULL as Lookout cells', async () => {
    const result = await source.query(
      "SELECT DATE '2024-01-02' AS d, 2.50::DECIMAL(5,2) AS dec, '\\x01\\x02'::BLOB AS b, INTERVAL 3 DAY AS i, TIMESTAMPTZ '2024-01-02 03:04:05+02' AS tz, NULL AS nothing, 12345678901::BIGINT AS big, true AS yes",
      opts,
    );
    expect(result.rows).toEqual([['2024-01-02', 2.5, '\\x0102', '3 days', '2024-01-02T01:04:05.000Z', null, 12345678901, true]]);
  });

  it('caps rows: exactly maxRows rows and truncated; an endless result stops at the cap', async () => {
    const capped = await source.query(`SELECT id FROM '${allowed}/orders.csv' ORDER BY id`, { ...opts, maxRows: 10 });
    expect(capped.truncated).toBe(true);
    expect(capped.rows).toHaveLength(10);
    expect(capped.rows[9]).toEqual([10]);
    const exact = await source.query(`SELECT id FROM '${allowed}/orders.csv' WHERE id <= 10`, { ...opts, maxRows: 10 });
    expect(exact).toMatchObject({ truncated: false });
    expect(exact.rows).toHaveLength(10);
    const endless = await source.query('SELECT range FROM range(1000000000000)', { ...opts, maxRows: 5 });
    expect(endless).toEqual({ columns: ['range'], rows: [[0], [1], [2], [3], [4]], truncated: true });
  });

  it('refuses a list or struct column with a sentence saying how to turn it into text', async () => {
    const error = await failure(source.query('SELECT [1, 2] AS pair', opts));
    expect(error.reason).toBe('syntax');
    expect(error.userMessage).toMatch(/returns plain values only.*LIST \(column "pair"\).*to_json\(col\)/);
  });

  it('names a file that is not there', async () => {
    const error = await failure(source.query(`SELECT * FROM read_csv('${allowed}/nope-*.csv')`, opts));
    expect(error.reason).toBe('missing_object');
    expect(error.userMessage).toContain('nope-*.csv');
  });

  it('refuses several statements in one string', async () => {
    const error = await failure(source.query(`SELECT 1; SELECT * FROM '${allowed}/orders.csv'`, opts));
    expect(error.reason).toBe('syntax');
    expect(error.userMessage).toMatch(/one statement per alert/);
  });

  it('runs a PIVOT with its values listed, and says to list them otherwise', async () => {
    const orders = `(SELECT region FROM '${allowed}/orders.csv')`;
    const pivot = await source.query(`PIVOT ${orders} ON region IN ('EU', 'US') USING count(*)`, opts);
    expect(pivot).toEqual({ columns: ['EU', 'US'], rows: [[15, 15]], truncated: false });
    const error = await failure(source.query(`PIVOT ${orders} ON region USING count(*)`, opts));
    expect(error.reason).toBe('syntax');
    expect(error.userMessage).toMatch(/runs a PIVOT only with its values listed/);
  });

  runCommonEngineCases(() => source);

  it('answers a ping, and has no database users to find privileged', async () => {
    await expect(source.ping(10_000)).resolves.toBeUndefined();
    await expect(source.privileges(10_000)).resolves.toEqual([]);
  });
});

describe('duckdb data source: nothing outside the allowed directories', () => {
  it('runs with external access off, the configuration locked, no extension autoload or install and no spilling', async () => {
    const names = ['allow_community_extensions', 'autoinstall_known_extensions', 'autoload_known_extensions', 'enable_external_access', 'lock_configuration', 'temp_directory'];
    const settings = await source.query(`SELECT ${names.map((n) => `current_setting('${n}')::VARCHAR AS ${n}`).join(', ')}`, opts);
    expect(Object.fromEntries(settings.columns.map((name, i) => [name, settings.rows[0]![i]]))).toEqual({
      allow_community_extensions: 'false',
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      enable_external_access: 'false',
      lock_configuration: 'true',
      temp_directory: '',
    });
  });

  it.each([
    ['an absolute path outside', () => `SELECT * FROM read_csv('${outside}/secret.csv')`],
    ['a path climbing out with ..', () => `SELECT * FROM read_csv('${allowed}/../outside/secret.csv')`],
    ['a file:// URL outside', () => `SELECT * FROM read_csv('file://${outside}/secret.csv')`],
    ['a symlink to a file outside', () => `SELECT * FROM read_csv('${allowed}/escape.csv')`],
    ['a symlink to a directory outside', () => `SELECT * FROM read_csv('${allowed}/escape-dir/secret.csv')`],
    ['a glob over directories outside', () => `SELECT * FROM read_csv('${root}/*/secret.csv')`],
    ['a glob inside that matches a symlink out', () => `SELECT * FROM read_csv('${allowed}/*.csv')`],
    ['read_text of a system file', () => "SELECT * FROM read_text('/etc/passwd')"],
    ['read_blob outside', () => `SELECT * FROM read_blob('${outside}/secret.csv')`],
    ['sniff_csv outside', () => `SELECT Delimiter FROM sniff_csv('${outside}/secret.csv')`],
    ['an http URL', () => "SELECT * FROM read_csv('http://127.0.0.1:9/data.csv')"],
    ['an https URL', () => "SELECT * FROM read_parquet('https://example.com/data.parquet')"],
    ['an s3 URL', () => "SELECT * FROM read_parquet('s3://bucket/data.parquet')"],
  ])('refuses %s with a sentence, and shows nothing of it', async (_, sql) => {
    const error = await failure(source.query(sql(), opts));
    expect(error.reason).toBe('permission');
    expect(error.userMessage).toMatch(/reads only the files under the directories its admin allowed, and nothing on the network/);
    expect(error.userMessage).not.toContain(SECRET);
  });

  it('has no getenv to read the environment with', async () => {
    const error = await failure(source.query("SELECT getenv('HOME')", opts));
    expect(error.reason).toBe('missing_object');
  });

  it.each([
    ['COPY ... TO a file in the allowed directory', () => `COPY (SELECT 1) TO '${allowed}/out.csv'`, 'COPY'],
    ['EXPORT DATABASE', () => `EXPORT DATABASE '${allowed}/export'`, 'EXPORT'],
    ['ATTACH of a new database file', () => `ATTACH '${allowed}/new.duckdb' AS other`, 'ATTACH'],
    ['ATTACH of an in-memory database', () => "ATTACH ':memory:' AS other", 'ATTACH'],
    ['INSTALL httpfs', () => 'INSTALL httpfs', 'INSTALL'],
    ['LOAD httpfs', () => 'LOAD httpfs', 'LOAD'],
    ['SET enable_external_access = true', () => 'SET enable_external_access = true', 'SET'],
    ['SET allowed_directories', () => "SET allowed_directories = ['/']", 'SET'],
    ['RESET lock_configuration', () => 'RESET lock_configuration', 'RESET'],
    ['PRAGMA enable_profiling', () => 'PRAGMA enable_profiling', 'PRAGMA'],
    ['CREATE TABLE', () => 'CREATE TABLE t AS SELECT 1', 'CREATE'],
    ['CREATE SECRET', () => "CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 'v')", 'CREATE'],
    ['EXPLAIN ANALYZE COPY (it runs the COPY)', () => `EXPLAIN ANALYZE COPY (SELECT 1) TO '${allowed}/explained.csv'`, 'EXPLAIN'],
    ['CALL', () => 'CALL pragma_version()', 'CALL'],
  ])('refuses %s before it runs, and the directory is unchanged', async (_, sql, kind) => {
    const error = await failure(source.query(sql(), opts));
    expect(error.reason).toBe('read_only');
    expect(error.userMessage).toContain(`this is a ${kind} statement`);
    expect(snapshot()).toEqual(before);
  });

  it.each([
    ['enable_logging to a file in the allowed directory', () => `SELECT * FROM enable_logging(storage='file', storage_path='${allowed}/log')`, 'enable_logging'],
    ['enable_profiling saving over a file', () => `SELECT * FROM enable_profiling(format='json', save_location='${allowed}/events.json')`, 'enable_profiling'],
    ['enable_logging in upper case, schema-qualified', () => 'SELECT * FROM system.main.ENABLE_LOGGING()', 'enable_logging'],
    ['enable_logging in a scalar subquery', () => 'SELECT (SELECT count(*) FROM enable_logging()) AS n', 'enable_logging'],
    ['enable_logging in a CTE never used', () => 'WITH x AS (SELECT * FROM enable_logging()) SELECT 1', 'enable_logging'],
    ['enable_logging in a lateral join', () => `SELECT * FROM '${allowed}/orders.csv', LATERAL (SELECT * FROM enable_logging())`, 'enable_logging'],
    ['truncate_duckdb_logs', () => 'SELECT * FROM truncate_duckdb_logs()', 'truncate_duckdb_logs'],
    ['disable_logging', () => 'SELECT * FROM disable_logging()', 'disable_logging'],
    ['checkpoint', () => 'SELECT * FROM checkpoint()', 'checkpoint'],
    ['enable_peg_parser', () => 'SELECT * FROM enable_peg_parser()', 'enable_peg_parser'],
    ['query() with a statement in a string', () => "SELECT * FROM query('SET enable_external_access = true')", 'query'],
    ['query() building a column name from data', () => "SELECT * FROM query('SELECT 1 AS ' || repeat('a', 1000))", 'query'],
    ['query_table', () => "SELECT * FROM query_table('orders')", 'query_table'],
    ['glob() through a symlinked directory', () => `SELECT * FROM glob('${allowed}/*/*')`, 'glob'],
    ['duckdb_logs()', () => 'SELECT * FROM duckdb_logs()', 'duckdb_logs'],
    ['write_log', () => "SELECT write_log('3,1000000', level := 'info') AS x", 'write_log'],
    ['setseed', () => 'SELECT setseed(0.5) AS x', 'setseed'],
  ])('refuses %s before it runs, naming the function; nothing is written and the source still works', async (_, sql, name) => {
    const error = await failure(source.query(sql(), opts));
    expect(error.reason).toBe('read_only');
    expect(error.userMessage).toContain(`does not run ${name}()`);
    expect(snapshot()).toEqual(before);
    expect((await source.query(`SELECT count(*) FROM '${allowed}/orders.csv'`, opts)).rows).toEqual([[30]]);
    // Nothing of the refused call outlives it: no logging is on.
    const logging = await source.query("SELECT current_setting('enable_logging')::VARCHAR AS on, current_setting('logging_storage') AS storage", opts);
    expect(logging.rows).toEqual([['0', 'memory']]);
  });

  it('runs the functions a query of files needs', async () => {
    const sql = `SELECT (SELECT count(*) FROM read_csv('${allowed}/orders.csv')) AS csv,
      (SELECT count(*) FROM read_parquet('${allowed}/items.parquet')) AS parquet,
      (SELECT count(*) FROM read_json('${allowed}/events.json')) AS json,
      (SELECT count(*) FROM read_text('${allowed}/daily/*.csv')) AS texts,
      (SELECT num_rows FROM parquet_file_metadata('${allowed}/items.parquet')) AS meta,
      (SELECT Delimiter FROM sniff_csv('${allowed}/orders.csv')) AS delimiter,
      (SELECT count(*) FROM range(5)) + (SELECT count(*) FROM generate_series(1, 5)) + (SELECT count(*) FROM unnest([1, 2])) AS generated`;
    expect((await source.query(sql, opts)).rows).toEqual([[30, 100, 2, 2, 100, ',', 12]]);
  });

  it('cuts an error message built from data before it leaves the reader', async () => {
    const error = await failure(source.query("SELECT error(repeat('v', 10000000)) AS x", { ...opts, timeoutMs: 60_000 }));
    expect(JSON.stringify(error.cause).length).toBeLessThan(4_000);
    expect(error.userMessage.length).toBeLessThan(1_000);
    expect((await source.query('SELECT 1 AS one', opts)).rows).toEqual([[1]]);
  }, 60_000);

  it('cuts a column name to 256 bytes', async () => {
    const result = await source.query(`SELECT 1 AS "${'é'.repeat(3000)}"`, opts);
    expect(Buffer.byteLength(result.columns[0]!, 'utf8')).toBeLessThanOrEqual(256);
    expect(result.columns[0]).toMatch(/^é+\.\.\.$/);
  });
});

describe('duckdb data source: time and size', () => {
  it('interrupts a query at the statement timeout in place; the next query runs', async () => {
    const error = await failure(source.query(LONG_QUERY, { ...opts, timeoutMs: 1_000 }));
    expect(error.reason).toBe('timeout');
    expect(error.userMessage).toMatch(/ran longer than the source's statement timeout/);
    // Interrupted in place by DuckDB, not killed: the reader answered with DuckDB's INTERRUPT.
    expect(error.cause).toEqual({ code: 'INTERRUPT', message: 'Interrupted!' });
    expect((await source.query(`SELECT count(*) FROM '${allowed}/orders.csv'`, opts)).rows).toEqual([[30]]);
    // poolSize 1: one reader, nothing left behind.
    expect(await settled(readers, (p) => p.length === 1)).toHaveLength(1);
  }, 30_000);

  it('interrupts a query when the signal aborts; the next query runs', async () => {
    const controller = new AbortController();
    const running = source.query(LONG_QUERY, { ...opts, timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    const error = await failure(running);
    expect(error.reason).toBe('canceled');
    expect(error.userMessage).toMatch(/stopped after the working timeout/);
    expect(error.cause).toEqual({ code: 'INTERRUPT', message: 'Interrupted!' });
    expect((await source.query('SELECT 42 AS answer', opts)).rows).toEqual([[42]]);
  }, 30_000);

  it('kills a reader stuck where DuckDB cannot interrupt it; a fresh reader runs the next query', async () => {
    await source.query('SELECT 1', opts);
    const [stuck] = await settled(readers, (p) => p.length === 1);
    const error = await failure(source.query(`SELECT * FROM read_csv('${allowed}/stuck.fifo')`, { ...opts, timeoutMs: 500 }));
    expect(error.reason).toBe('timeout');
    expect(String(error.cause)).toMatch(/did not stop within 3000 ms, so its reader was killed/);
    expect((await source.query('SELECT 7 AS seven', opts)).rows).toEqual([[7]]);
    const now = await settled(readers, (p) => p.length === 1 && !p.includes(stuck!));
    expect(now).not.toContain(stuck);
    expect(now).toHaveLength(1);
  }, 30_000);

  it('cancels a query still waiting for a reader', async () => {
    const controller = new AbortController();
    const busy = source.query(LONG_QUERY, { ...opts, timeoutMs: 1_000 });
    const queued = source.query('SELECT 1', { ...opts, signal: controller.signal });
    controller.abort();
    expect((await failure(queued)).reason).toBe('canceled');
    expect((await failure(busy)).reason).toBe('timeout');
  }, 30_000);

  it('stops a value past the cell cap, naming its column', async () => {
    const error = await failure(source.query("SELECT 1 AS id, repeat('x', 2000000) AS big", opts));
    expect(error.reason).toBe('too_large');
    expect(error.userMessage).toMatch(/a value in column "big" is larger than 1 MiB.*left\(col, 1000\)/);
  });

  it('a 100 MB value: one failed query, too large, the reader bounded; the source still works', async () => {
    // Whichever bound DuckDB reaches first speaks: the cell cap once the value is built (the
    // usual case), or the reader's memory limit while DuckDB builds it (its allocator keeps the
    // address space earlier queries took, so the room left varies).
    const error = await failure(source.query("SELECT 1 AS id, repeat('x', 100000000) AS big", { ...opts, timeoutMs: 60_000 }));
    expect(error.reason).toBe('too_large');
    expect(error.userMessage).toMatch(/a value in column "big" is larger than 1 MiB|needed more memory than Lookout gives one DuckDB query/);
    expect((await source.query('SELECT 1 AS one', opts)).rows).toEqual([[1]]);
  }, 90_000);

  it('stops a result past the result cap while reading', async () => {
    const error = await failure(source.query("SELECT repeat('y', 900000) AS body FROM range(60)", { ...opts, timeoutMs: 60_000 }));
    expect(error.reason).toBe('too_large');
    expect(error.userMessage).toMatch(/the result is larger than 16 MiB.*raise maxResultBytes/);
  }, 90_000);

  it('leaves the files as they were', () => {
    expect(snapshot()).toEqual(before);
  });
});
