// The MySQL/MariaDB data source against the machine's real MariaDB: read-only enforced by the
// server (DML, DDL and MariaDB's SET STATEMENT override), statement timeout, row cap,
// KILL QUERY on abort, and errors people can read.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mysql from 'mysql2/promise';
import { openDataSource } from '../../../src/datasources/open-data-source.js';
import type { DataSource } from '../../../src/datasources/port.js';
import { failure, opts, runCommonEngineCases } from './engine-cases.js';
import { dataSourceConfig } from '../../../src/config.js';
import { settled } from '../../support/eventually.js';

// The source reads as lookout_reader (scripts/setup.sh), as the README tells admins to set
// it up; root only creates and inspects the test's table.
const URL = process.env.TEST_DATASOURCE_MYSQL_URL ?? 'mysql://lookout_reader@127.0.0.1:3306/test';
const ADMIN_URL = process.env.TEST_DATASOURCE_MYSQL_ADMIN_URL ?? 'mysql://root@127.0.0.1:3306/test';
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const table = `ds_my_${suffix}`;
const limits = { statementTimeoutS: 60, maxRows: 1000, poolSize: 2 };

let source: DataSource;
/**
 * On purpose as root, a user that could write: the refusals below must come from Lookout's
 * own layers (read-only session and transaction, the result-columns check), which the
 * reader's missing grants would otherwise hide.
 */
let writer: DataSource;
let admin: mysql.Connection;

async function rowCount(): Promise<number> {
  const [rows] = await admin.query(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number((rows as { n: number }[])[0]?.n);
}

async function tableExists(name: string): Promise<boolean> {
  const [rows] = await admin.query('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?', [name]);
  return Number((rows as { n: number }[])[0]?.n) === 1;
}

/** Server threads still running the statement tagged with `marker` (excluding this one). */
async function runningWith(marker: string): Promise<number> {
  const [rows] = await admin.query(
    'SELECT COUNT(*) AS n FROM information_schema.processlist WHERE info LIKE ? AND id <> CONNECTION_ID()',
    [`%${marker}%`],
  );
  return Number((rows as { n: number }[])[0]?.n);
}

async function waitUntilGone(marker: string): Promise<number> {
  return settled(() => runningWith(marker), (n) => n === 0);
}

beforeAll(async () => {
  admin = await mysql.createConnection({ uri: ADMIN_URL });
  await admin.query(
    `CREATE TABLE ${table} (id INT PRIMARY KEY, name VARCHAR(50), amount DECIMAL(12,2), big BIGINT, flag BIT(3), at DATETIME(3), stamp TIMESTAMP NULL)`,
  );
  const values = Array.from({ length: 30 }, (_, i) => `(${i + 1}, 'row ${i + 1}', ${i + 1}.25, ${9007199254740000 + i}, b'101', '2024-01-02 03:04:05.678', '2024-01-02 03:04:05')`);
  await admin.query(`INSERT INTO ${table} VALUES ${values.join(',')}`);
  source = openDataSource(dataSourceConfig({ name: 'my-test', kind: 'mysql', url: URL, ...limits }));
  writer = openDataSource(dataSourceConfig({ name: 'my-writer', kind: 'mysql', url: ADMIN_URL, ...limits }));
});

afterAll(async () => {
  await source?.close();
  await writer?.close();
  for (const name of [table, `${table}_new`, `${table}_moved`]) await admin?.query(`DROP TABLE IF EXISTS ${name}`);
  await admin?.end();
});

describe('mysql data source', () => {
  it('returns a scalar count as a number', async () => {
    const result = await source.query(`SELECT COUNT(*) AS n FROM ${table}`, opts);
    expect(result).toEqual({ columns: ['n'], rows: [[30]], truncated: false });
  });

  it('normalises DECIMAL, BIGINT, BIT and dates to cells', async () => {
    const result = await source.query(
      `SELECT amount, big, flag, at, stamp, DATE(at) AS day, (SELECT SUM(amount) FROM ${table}) AS total, NULL AS nothing FROM ${table} WHERE id = 1`,
      opts,
    );
    expect(result.columns).toEqual(['amount', 'big', 'flag', 'at', 'stamp', 'day', 'total', 'nothing']);
    expect(result.rows).toEqual([
      [1.25, 9007199254740000, 5, '2024-01-02T03:04:05.678', '2024-01-02T03:04:05', '2024-01-02', 472.5, null],
    ]);
  });

  it('caps rows: exactly maxRows rows and truncated, with or without an explicit LIMIT', async () => {
    const capped = await source.query(`SELECT id FROM ${table} ORDER BY id`, { ...opts, maxRows: 10 });
    expect(capped.truncated).toBe(true);
    expect(capped.rows).toHaveLength(10);
    expect(capped.rows[9]).toEqual([10]);
    const exact = await source.query(`SELECT id FROM ${table} WHERE id <= 10`, { ...opts, maxRows: 10 });
    expect(exact).toMatchObject({ truncated: false });
    expect(exact.rows).toHaveLength(10);
    // An explicit LIMIT beats sql_select_limit: the stream stops reading instead.
    const huge = await source.query('SELECT seq FROM seq_1_to_10000000 LIMIT 10000000', { ...opts, maxRows: 5 });
    expect(huge).toEqual({ columns: ['seq'], rows: [[1], [2], [3], [4], [5]], truncated: true });
    expect((await source.query('SELECT 1 AS one', opts)).rows).toEqual([[1]]);
  });

  it.each([
    ['DELETE', `DELETE FROM ${table}`],
    ['UPDATE', `UPDATE ${table} SET name = 'x'`],
    ['INSERT', `INSERT INTO ${table} (id) VALUES (999)`],
    ['DELETE ... RETURNING', `DELETE FROM ${table} RETURNING id`],
    // MariaDB has no WITH ... DELETE; a CTE inside a DELETE is its write CTE.
    ['a write with a CTE', `DELETE FROM ${table} WHERE id IN (WITH x AS (SELECT id FROM ${table}) SELECT id FROM x)`],
    // DDL commits the read-only transaction implicitly: the session's read-only setting refuses it.
    ['DROP TABLE', `DROP TABLE ${table}`],
    ['TRUNCATE', `TRUNCATE TABLE ${table}`],
    ['RENAME TABLE', `RENAME TABLE ${table} TO ${table}_moved`],
    ['CREATE TABLE', `CREATE TABLE ${table}_new (id INT)`],
    // SET STATEMENT would lift the session's read-only setting for one DDL statement.
    ['SET STATEMENT ... FOR DROP TABLE', `SET STATEMENT tx_read_only=0 FOR DROP TABLE ${table}`],
    ['SET STATEMENT ... FOR OPTIMIZE TABLE', `SET STATEMENT tx_read_only=0 FOR OPTIMIZE TABLE ${table}`],
    ['SELECT ... INTO OUTFILE', `SELECT * FROM ${table} INTO OUTFILE '/tmp/lookout_${suffix}.txt'`],
    ['SET SESSION TRANSACTION READ WRITE', 'SET SESSION TRANSACTION READ WRITE'],
  ])('refuses %s and leaves the data unchanged, even for a user that could write', async (_, sql) => {
    const error = await failure(writer.query(sql, opts));
    expect(error.reason).toBe('read_only');
    expect(error.userMessage).toMatch(/read-only|only runs statements that return rows/);
    expect(await rowCount()).toBe(30);
    expect(await tableExists(table)).toBe(true);
    expect(await tableExists(`${table}_new`)).toBe(false);
    expect(await tableExists(`${table}_moved`)).toBe(false);
  });

  it('gets a syntax error for WITH ... DELETE (MariaDB has no such statement)', async () => {
    const error = await failure(source.query(`WITH x AS (SELECT 1 AS a) DELETE FROM ${table}`, opts));
    expect(error.reason).toBe('syntax');
    expect(await rowCount()).toBe(30);
  });

  it('refuses several statements in one string (multipleStatements stays off)', async () => {
    const error = await failure(source.query(`SELECT 1; DROP TABLE ${table}`, opts));
    expect(error.reason).toBe('syntax');
    expect(await tableExists(table)).toBe(true);
  });

  it('stops a query at the statement timeout', async () => {
    const error = await failure(source.query('SELECT SLEEP(30)', { ...opts, timeoutMs: 500 }));
    expect(error.reason).toBe('timeout');
    expect(error.userMessage).toMatch(/statement timeout/);
  });

  it('kills the query on the server when the signal aborts, and the pool stays usable', async () => {
    for (let round = 0; round < 3; round++) {
      // More rounds than pooled connections: each canceled connection must be given back.
      const marker = `lookout_cancel_${suffix}_${round}`;
      const controller = new AbortController();
      const running = source.query(`SELECT SLEEP(30) AS ${marker}`, { ...opts, timeoutMs: 60_000, signal: controller.signal });
      setTimeout(() => controller.abort(), 300);
      const error = await failure(running);
      expect(error.reason).toBe('canceled');
      expect(error.userMessage).toMatch(/stopped after the working timeout/);
      expect(await waitUntilGone(marker)).toBe(0);
    }
    expect((await source.query('SELECT 1 AS one', opts)).rows).toEqual([[1]]);
  });

  runCommonEngineCases(() => source);

  it('reports a wrong password without the password', async () => {
    const bad = openDataSource(dataSourceConfig({ name: 'my-bad-pass', kind: 'mysql', url: 'mysql://lookout_reader:s3cretPassw0rd@127.0.0.1:3306/test', ...limits }));
    try {
      const error = await failure(bad.query('SELECT 1', opts));
      expect(error.reason).toBe('credentials');
      expect(error.userMessage).not.toContain('s3cretPassw0rd');
      expect(error.userMessage).not.toContain('mysql://');
    } finally {
      await bad.close();
    }
  });

  it('reports an unreachable server as network, without the password', async () => {
    const down = openDataSource(dataSourceConfig({ name: 'my-down', kind: 'mysql', url: 'mysql://lookout_reader:s3cretPassw0rd@127.0.0.1:1/test', ...limits }));
    try {
      const error = await failure(down.query('SELECT 1', opts));
      expect(error.reason).toBe('network');
      expect(error.userMessage).not.toContain('s3cretPassw0rd');
      await expect(down.ping(1000)).rejects.toMatchObject({ reason: 'network' });
    } finally {
      await down.close();
    }
  });

  it('answers a ping', async () => {
    await expect(source.ping(5000)).resolves.toBeUndefined();
  });
});
