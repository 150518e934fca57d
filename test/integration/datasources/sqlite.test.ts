// The SQLite data source on a real file: opened read-only, writes refused and the file left
// byte-identical, row cap, timeout and abort by killing the reader process (a warm one
// replaces it), and errors people can read.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataSource } from '../../../src/datasources/open-data-source.js';
import type { DataSource } from '../../../src/datasources/port.js';
import { failure, opts, runCommonEngineCases } from './engine-cases.js';
import { dataSourceConfig } from '../../../src/config.js';
import { settled } from '../../support/eventually.js';

const dir = mkdtempSync(join(tmpdir(), `lookout-sqlite-${process.pid}-`));
const file = join(dir, 'sample.db');
const limits = { statementTimeoutS: 60, maxRows: 1000, poolSize: 1 };
// Runs for minutes inside one SQLite call (an aggregate over a recursive CTE).
const LONG_QUERY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1e12) SELECT count(*) FROM c';

let source: DataSource;

const fileHash = () => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Live processes whose command line names this test's database file (the readers). */
function readerProcesses(): number {
  let count = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(file)) count++;
    } catch {
      // gone meanwhile
    }
  }
  return count;
}

async function waitForReaders(expected: number): Promise<number> {
  return settled(readerProcesses, (n) => n === expected);
}

let hashBefore: string;

beforeAll(() => {
  // The only writable connection: the test's own, closed before the source opens the file.
  const db = new Database(file);
  db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL, data BLOB, added TEXT)');
  const insert = db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?)');
  for (let i = 1; i <= 30; i++) insert.run(i, `item ${i}`, i + 0.5, Buffer.from([1, 2]), '2024-01-02T03:04:05Z');
  db.close();
  hashBefore = fileHash();
  source = openDataSource(dataSourceConfig({ name: 'sqlite-test', kind: 'sqlite', path: file, ...limits }));
});

afterAll(async () => {
  await source?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sqlite data source', () => {
  it('returns a scalar count as a number', async () => {
    const result = await source.query('SELECT count(*) AS n FROM items', opts);
    expect(result).toEqual({ columns: ['n'], rows: [[30]], truncated: false });
  });

  it('returns integers, reals, text, blobs as hex and NULL', async () => {
    const result = await source.query('SELECT id, price, name, data, added, NULL AS empty, sum(price) AS total FROM items WHERE id = 1', opts);
    expect(result.columns).toEqual(['id', 'price', 'name', 'data', 'added', 'empty', 'total']);
    expect(result.rows).toEqual([[1, 1.5, 'item 1', '\\x0102', '2024-01-02T03:04:05Z', null, 1.5]]);
  });

  it('caps rows: exactly maxRows rows and truncated', async () => {
    const capped = await source.query('SELECT id FROM items ORDER BY id', { ...opts, maxRows: 10 });
    expect(capped.truncated).toBe(true);
    expect(capped.rows).toHaveLength(10);
    expect(capped.rows[9]).toEqual([10]);
    const exact = await source.query('SELECT id FROM items WHERE id <= 10', { ...opts, maxRows: 10 });
    expect(exact.truncated).toBe(false);
    expect(exact.rows).toHaveLength(10);
    // An endless result: iteration stops after maxRows + 1, the rest is never computed.
    const endless = await source.query('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c', {
      ...opts,
      maxRows: 5,
    });
    expect(endless).toEqual({ columns: ['x'], rows: [[1], [2], [3], [4], [5]], truncated: true });
  });

  it.each([
    ['DELETE', 'DELETE FROM items'],
    ['UPDATE', "UPDATE items SET name = 'x'"],
    ['INSERT', 'INSERT INTO items (id) VALUES (999)'],
    ['DROP TABLE', 'DROP TABLE items'],
    ['a write CTE', 'WITH old AS (SELECT id FROM items) DELETE FROM items WHERE id IN (SELECT id FROM old)'],
    ['CREATE TABLE', 'CREATE TABLE other (id INTEGER)'],
    ['ATTACH', `ATTACH DATABASE '${join(dir, 'other.db')}' AS other`],
    ['VACUUM INTO', `VACUUM INTO '${join(dir, 'copy.db')}'`],
    ['PRAGMA writes', 'PRAGMA user_version = 7'],
  ])('refuses %s before running it, and the file is unchanged', async (_, sql) => {
    const error = await failure(source.query(sql, opts));
    expect(error.reason).toBe('read_only');
    expect(fileHash()).toBe(hashBefore);
  });

  it.each([
    // These return rows, so they pass the statement check: the read-only open refuses them.
    ['DELETE ... RETURNING', 'DELETE FROM items RETURNING id'],
    ['UPDATE ... RETURNING', "UPDATE items SET name = 'x' RETURNING id"],
    ['a write CTE with RETURNING', 'WITH old AS (SELECT id FROM items) DELETE FROM items WHERE id IN (SELECT id FROM old) RETURNING id'],
  ])('the read-only file refuses %s, and the file is unchanged', async (_, sql) => {
    const error = await failure(source.query(sql, opts));
    expect(error.reason).toBe('read_only');
    expect(error.userMessage).toContain('readonly database');
    expect(fileHash()).toBe(hashBefore);
    expect((await source.query('SELECT count(*) FROM items', opts)).rows).toEqual([[30]]);
  });

  it('refuses several statements in one string', async () => {
    const error = await failure(source.query('SELECT 1; DELETE FROM items', opts));
    expect(error.reason).toBe('syntax');
    expect(fileHash()).toBe(hashBefore);
  });

  it('stops a query at the statement timeout and the next query runs', async () => {
    const error = await failure(source.query(LONG_QUERY, { ...opts, timeoutMs: 500 }));
    expect(error.reason).toBe('timeout');
    expect((await source.query('SELECT 1 AS one', opts)).rows).toEqual([[1]]);
  });

  it('kills the reader when the signal aborts; a fresh one runs the next query', async () => {
    for (let round = 0; round < 2; round++) {
      const controller = new AbortController();
      const running = source.query(LONG_QUERY, { ...opts, timeoutMs: 60_000, signal: controller.signal });
      setTimeout(() => controller.abort(), 300);
      const error = await failure(running);
      expect(error.reason).toBe('canceled');
      expect(error.userMessage).toMatch(/stopped after the working timeout/);
      // poolSize 1: the busy reader is gone, only its warm replacement is left.
      expect(await waitForReaders(1)).toBe(1);
      expect((await source.query('SELECT count(*) FROM items', opts)).rows).toEqual([[30]]);
    }
  });

  it('queues queries beyond poolSize', async () => {
    const results = await Promise.all([1, 2, 3].map((n) => source.query(`SELECT ${n} AS n`, opts)));
    expect(results.map((r) => r.rows)).toEqual([[[1]], [[2]], [[3]]]);
  });

  it('cancels a query still waiting in the queue', async () => {
    const controller = new AbortController();
    const busy = source.query(LONG_QUERY, { ...opts, timeoutMs: 1000 });
    const queued = source.query('SELECT 1', { ...opts, signal: controller.signal });
    controller.abort();
    expect((await failure(queued)).reason).toBe('canceled');
    expect((await failure(busy)).reason).toBe('timeout');
  });

  runCommonEngineCases(() => source);

  it('reports a missing file', async () => {
    const missing = openDataSource(dataSourceConfig({ name: 'sqlite-missing', kind: 'sqlite', path: join(dir, 'nope.db'), ...limits }));
    try {
      const error = await failure(missing.query('SELECT 1', opts));
      expect(error.reason).toBe('missing_object');
      await expect(missing.ping(5000)).rejects.toMatchObject({ reason: 'missing_object' });
    } finally {
      await missing.close();
    }
  });

  it('answers a ping', async () => {
    await expect(source.ping(5000)).resolves.toBeUndefined();
  });
});
