// The PostgreSQL data source against the machine's real server: read-only enforced by the
// database, statement timeout, row cap, cancellation on the server, and errors people can read.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { openDataSource } from '../../../src/datasources/open-data-source.js';
import type { DataSource } from '../../../src/datasources/port.js';
import { failure, opts, runCommonEngineCases } from './engine-cases.js';
import { dataSourceConfig } from '../../../src/config.js';
import { settled } from '../../support/eventually.js';

// The source reads as lookout_reader (scripts/setup.sh), as the README tells admins to set
// it up; the superuser only creates and inspects the test's table.
const URL = process.env.TEST_DATASOURCE_POSTGRES_URL ?? 'postgres://lookout_reader@127.0.0.1:5432/test';
const ADMIN_URL = process.env.TEST_DATASOURCE_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const table = `ds_pg_${suffix}`;
const limits = { statementTimeoutS: 60, maxRows: 1000, poolSize: 2 };

let source: DataSource;
let admin: pg.Client;

async function rowCount(): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0]?.n);
}

/** Backends still running the statement tagged with `marker` (excluding this one). */
async function runningWith(marker: string): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid() AND state = 'active'`,
    [`%${marker}%`],
  );
  return Number(rows[0]?.n);
}

async function waitUntilGone(marker: string): Promise<number> {
  return settled(() => runningWith(marker), (n) => n === 0);
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY, name text)`);
  await admin.query(`INSERT INTO ${table} SELECT g, 'row ' || g FROM generate_series(1, 30) g`);
  source = openDataSource(dataSourceConfig({ name: 'pg-test', kind: 'postgres', url: URL, ...limits }));
});

afterAll(async () => {
  await source?.close();
  await admin?.query(`DROP TABLE IF EXISTS ${table}`);
  await admin?.end();
});

describe('postgres data source', () => {
  it('returns a scalar count as a number', async () => {
    const result = await source.query(`SELECT count(*) AS n FROM ${table}`, opts);
    expect(result).toEqual({ columns: ['n'], rows: [[30]], truncated: false });
  });

  it('normalises bigint, numeric, dates, json and bytea to cells', async () => {
    const result = await source.query(
      `SELECT 9007199254740991::bigint AS big, 12.50::numeric AS dec, 2::int AS i, 1.5::float8 AS f, true AS ok,
              DATE '2024-01-02' AS d, TIMESTAMP '2024-01-02 03:04:05.5' AS ts,
              TIMESTAMPTZ '2024-01-02 03:04:05+02' AS tstz, '{"a": 1}'::json AS j, '\\x0102'::bytea AS b,
              'NaN'::numeric AS nan, NULL::int AS nothing`,
      opts,
    );
    expect(result.columns).toEqual(['big', 'dec', 'i', 'f', 'ok', 'd', 'ts', 'tstz', 'j', 'b', 'nan', 'nothing']);
    expect(result.rows).toEqual([
      [
        9007199254740991,
        12.5,
        2,
        1.5,
        true,
        '2024-01-02',
        '2024-01-02T03:04:05.5',
        '2024-01-02T01:04:05.000Z',
        '{"a": 1}',
        '\\x0102',
        'NaN',
        null,
      ],
    ]);
  });

  it('caps rows: exactly maxRows rows and truncated', async () => {
    const capped = await source.query(`SELECT id FROM ${table} ORDER BY id`, { ...opts, maxRows: 10 });
    expect(capped.truncated).toBe(true);
    expect(capped.rows).toHaveLength(10);
    expect(capped.rows[9]).toEqual([10]);
    const exact = await source.query(`SELECT id FROM ${table} WHERE id <= 10`, { ...opts, maxRows: 10 });
    expect(exact.truncated).toBe(false);
    expect(exact.rows).toHaveLength(10);
    // A huge result is not fetched: the cursor stops after maxRows + 1.
    const huge = await source.query('SELECT g FROM generate_series(1, 1000000) g', { ...opts, maxRows: 5 });
    expect(huge).toEqual({ columns: ['g'], rows: [[1], [2], [3], [4], [5]], truncated: true });
  });

  it.each([
    ['DELETE', `DELETE FROM ${table}`],
    ['UPDATE', `UPDATE ${table} SET name = 'x'`],
    ['INSERT', `INSERT INTO ${table} VALUES (999, 'x')`],
    ['DROP TABLE', `DROP TABLE ${table}`],
    ['TRUNCATE', `TRUNCATE ${table}`],
    ['CREATE TABLE', `CREATE TABLE ${table}_new (id int)`],
    ['write CTE', `WITH gone AS (DELETE FROM ${table} RETURNING id) SELECT count(*) FROM gone`],
    ['a DO block that asks for read-write', `DO $$ BEGIN SET TRANSACTION READ WRITE; DELETE FROM ${table}; END $$`],
  ])('refuses %s in the database and leaves the data unchanged', async (_, sql) => {
    const error = await failure(source.query(sql, opts));
    expect(error.reason).toBe('read_only');
    expect(error.userMessage).toMatch(/read-only/);
    expect(await rowCount()).toBe(30);
  });

  it('refuses several statements in one string', async () => {
    const error = await failure(source.query(`SELECT 1; DELETE FROM ${table}`, opts));
    expect(error.reason).toBe('syntax');
    expect(await rowCount()).toBe(30);
  });

  it('stops a query at the statement timeout', async () => {
    const error = await failure(source.query('SELECT pg_sleep(30)', { ...opts, timeoutMs: 500 }));
    expect(error.reason).toBe('timeout');
    expect(error.userMessage).toMatch(/statement timeout/);
  });

  it('cancels on the server when the signal aborts, and the pool stays usable', async () => {
    for (let round = 0; round < 3; round++) {
      // More rounds than pooled connections: each canceled client must go back to the pool.
      const marker = `lookout_cancel_${suffix}_${round}`;
      const controller = new AbortController();
      const running = source.query(`SELECT pg_sleep(30) AS ${marker}`, { ...opts, timeoutMs: 60_000, signal: controller.signal });
      setTimeout(() => controller.abort(), 300);
      const error = await failure(running);
      expect(error.reason).toBe('canceled');
      expect(error.userMessage).toMatch(/stopped after the working timeout/);
      expect(await waitUntilGone(marker)).toBe(0);
    }
    const after = await source.query('SELECT 1 AS one', opts);
    expect(after.rows).toEqual([[1]]);
  });

  it('survives a query that ends its own connection, and the pool stays usable', async () => {
    const error = await failure(source.query('SELECT pg_terminate_backend(pg_backend_pid())', opts));
    expect(error.reason).toBe('network');
    expect((await source.query('SELECT 1 AS one', opts)).rows).toEqual([[1]]);
  });

  runCommonEngineCases(() => source);

  it('reports bad credentials without the password', async () => {
    // The local server trusts every login, so an unknown role stands in for a wrong password.
    const bad = openDataSource(dataSourceConfig({
      name: 'pg-bad-user',
      kind: 'postgres',
      url: 'postgres://nobody_lookout:s3cretPassw0rd@127.0.0.1:5432/test',
      ...limits,
    }));
    try {
      const error = await failure(bad.query('SELECT 1', opts));
      expect(error.reason).toBe('credentials');
      expect(error.userMessage).not.toContain('s3cretPassw0rd');
      expect(error.userMessage).not.toContain('postgres://');
    } finally {
      await bad.close();
    }
  });

  it('reports an unreachable server as network, without the password', async () => {
    const down = openDataSource(dataSourceConfig({
      name: 'pg-down',
      kind: 'postgres',
      url: 'postgres://lookout_reader:s3cretPassw0rd@127.0.0.1:1/test',
      ...limits,
    }));
    try {
      const error = await failure(down.query('SELECT 1', opts));
      expect(error.reason).toBe('network');
      expect(error.userMessage).not.toContain('s3cretPassw0rd');
      await expect(down.ping(1000)).rejects.toMatchObject({ reason: 'network' });
    } finally {
      await down.close();
    }
  });

  it('reports a missing database', async () => {
    const missing = openDataSource(dataSourceConfig({
      name: 'pg-missing-db',
      kind: 'postgres',
      url: 'postgres://lookout_reader@127.0.0.1:5432/no_such_database_lookout',
      ...limits,
    }));
    try {
      const error = await failure(missing.query('SELECT 1', opts));
      expect(error.reason).toBe('missing_object');
      expect(error.userMessage).toContain('no_such_database_lookout');
    } finally {
      await missing.close();
    }
  });

  it('answers a ping', async () => {
    await expect(source.ping(5000)).resolves.toBeUndefined();
  });
});
