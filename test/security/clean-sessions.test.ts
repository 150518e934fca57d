// Nothing a query does survives it on a pooled connection, and no query can lift its own
// statement timeout. One pooled connection per source (poolSize 1), so the next query runs
// on the very session the previous one used (the tests check it is the same session).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import mysql from 'mysql2/promise';
import { createRequire } from 'node:module';
import pg from 'pg';
import { dataSourceConfig } from '../../src/config.js';
import { interruptible } from '../../src/datasources/interruptible.js';
import { openDataSource } from '../../src/datasources/open-data-source.js';
import { DataSourceError, type DataSource } from '../../src/datasources/port.js';
import { createTempDatabase, type TempDatabase } from '../support/postgres.js';
import { failure } from '../integration/datasources/engine-cases.js';
import { settled } from '../support/eventually.js';

const PG_URL = process.env.TEST_DATASOURCE_POSTGRES_URL ?? 'postgres://lookout_reader@127.0.0.1:5432/test';
const PG_ADMIN_URL = process.env.TEST_DATASOURCE_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MARIA_URL = process.env.TEST_DATASOURCE_MYSQL_URL ?? 'mysql://lookout_reader@127.0.0.1:3306/test';
const MARIA_ADMIN_URL = process.env.TEST_DATASOURCE_MYSQL_ADMIN_URL ?? 'mysql://root@127.0.0.1:3306/test';
const opts = { timeoutMs: 10_000, maxRows: 100 };
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const lockKey = 424_200 + (process.pid % 1000);
// pg-cursor ships no types: what this file uses of it.
const Cursor = createRequire(import.meta.url)('pg-cursor') as new (text: string) => pg.Submittable & { read(rows: number): Promise<unknown[]> };

async function value(source: DataSource, sql: string): Promise<unknown> {
  return (await source.query(sql, opts)).rows[0]?.[0];
}


describe('PostgreSQL: a query leaves nothing on its pooled session', () => {
  let source: DataSource;
  let admin: pg.Client;
  beforeAll(async () => {
    source = openDataSource(dataSourceConfig({ name: 'pg-clean', kind: 'postgres', url: PG_URL, poolSize: 1 }));
    admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await source?.close();
    await admin?.end();
  });

  it('a session advisory lock is released, on the same backend', async () => {
    const pid = await value(source, 'SELECT pg_backend_pid()');
    await source.query(`SELECT pg_advisory_lock(${lockKey})`, opts);
    expect(await value(source, 'SELECT pg_backend_pid()')).toBe(pid);
    expect(await value(source, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")).toBe(0);
    // Nobody holds it: another session takes it at once.
    const { rows } = await admin.query<{ got: boolean }>(`SELECT pg_try_advisory_lock(${lockKey}) AS got`);
    expect(rows[0]?.got).toBe(true);
    await admin.query(`SELECT pg_advisory_unlock(${lockKey})`);
  });

  it('a prepared statement, a setting, a role switch and a LISTEN are gone', async () => {
    await source.query('PREPARE lookout_leftover AS SELECT 1', opts).catch(() => undefined);
    await source.query(
      "SELECT set_config('work_mem', '77MB', false), set_config('search_path', 'nowhere', false), set_config('role', 'pg_read_all_data', false)",
      opts,
    );
    await source.query('LISTEN lookout_channel', opts).catch(() => undefined);
    expect(await value(source, 'SELECT count(*) FROM pg_prepared_statements')).toBe(0);
    expect(await value(source, "SELECT current_setting('work_mem')")).not.toBe('77MB');
    expect(await value(source, "SELECT current_setting('search_path')")).not.toBe('nowhere');
    expect(await value(source, 'SELECT count(*) FROM pg_listening_channels()')).toBe(0);
    expect(await value(source, 'SELECT current_user')).toBe('lookout_reader');
  });

  it('set_config cannot lift the statement timeout: the server stops the statement at the limit', async () => {
    // The driver-level fact this relies on: in one Execute, the timer armed for the statement
    // keeps running after the statement sets statement_timeout to 0.
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query('BEGIN READ ONLY; SET LOCAL statement_timeout = 300');
      const cursor = client.query(new Cursor("SELECT set_config('statement_timeout', '0', true), pg_sleep(5)"));
      await expect(cursor.read(10)).rejects.toMatchObject({ code: '57014' });
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
    // And through Lookout: a timeout, and the statement is gone from the server.
    const marker = `lookout_setcfg_${suffix}`;
    const error = await failure(source.query(`SELECT set_config('statement_timeout', '0', true), pg_sleep(30) AS ${marker}`, { ...opts, timeoutMs: 500 }));
    expect(error.reason).toBe('timeout');
    const running = async () =>
      Number((await admin.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()`, [`%${marker}%`])).rows[0].n);
    expect(await settled(running, (n) => n === 0)).toBe(0);
  });
});

describe('PostgreSQL: dblink connections, which DISCARD ALL leaves open, are closed', () => {
  let db: TempDatabase;
  let source: DataSource;
  beforeAll(async () => {
    db = await createTempDatabase('lookout_dblink');
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query('CREATE EXTENSION dblink');
    await admin.end();
    // On purpose as the superuser: PostgreSQL lets only a superuser open a dblink connection
    // without a password, and this machine's server trusts local logins.
    source = openDataSource(dataSourceConfig({ name: 'pg-dblink', kind: 'postgres', url: db.url, poolSize: 1 }));
  }, 30_000);
  afterAll(async () => {
    await source?.close();
    await db?.drop();
  });

  it('a named and an unnamed dblink connection do not reach the next query', async () => {
    const target = `dbname=${db.name} host=127.0.0.1 user=postgres`;
    const pid = await value(source, 'SELECT pg_backend_pid()');
    await source.query(`SELECT dblink_connect('leak', '${target}'), dblink_connect('${target}')`, opts);
    expect(await value(source, 'SELECT pg_backend_pid()')).toBe(pid);
    expect(await value(source, 'SELECT dblink_get_connections()')).toBeNull();
    const unnamed = await failure(source.query('SELECT * FROM dblink($$SELECT 1$$) AS t(x int)', opts));
    expect(unnamed.userMessage).toMatch(/connection not available/);
  });
});

describe('MariaDB: a query leaves nothing on its pooled session', () => {
  let source: DataSource;
  let admin: mysql.Connection;
  beforeAll(async () => {
    source = openDataSource(dataSourceConfig({ name: 'maria-clean', kind: 'mysql', url: MARIA_URL, poolSize: 1 }));
    admin = await mysql.createConnection({ uri: MARIA_ADMIN_URL });
  });
  afterAll(async () => {
    await source?.close();
    await admin?.end();
  });

  it('a GET_LOCK lock is released and a user variable is gone, on the same connection', async () => {
    const lock = `lookout_lock_${suffix}`;
    const id = await value(source, 'SELECT CONNECTION_ID()');
    expect(await value(source, `SELECT GET_LOCK('${lock}', 0)`)).toBe(1);
    await source.query('SELECT @lookout_leftover := 42 AS v', opts);
    expect(await value(source, 'SELECT CONNECTION_ID()')).toBe(id);
    expect(await value(source, `SELECT IS_USED_LOCK('${lock}')`)).toBeNull();
    expect(await value(source, 'SELECT @lookout_leftover')).toBeNull();
    const [rows] = await admin.query(`SELECT GET_LOCK('${lock}', 0) AS got`);
    expect((rows as { got: number }[])[0]?.got).toBe(1);
    await admin.query(`SELECT RELEASE_LOCK('${lock}')`);
  });

  it.each([
    ['SET STATEMENT max_statement_time=0 FOR', (m: string) => `SET STATEMENT max_statement_time=0 FOR SELECT SLEEP(30) AS ${m}`],
    ['SET STATEMENT behind a comment', (m: string) => `SET/**/STATEMENT max_statement_time=0 FOR SELECT SLEEP(30) AS ${m}`],
    ['SET STATEMENT inside an executed comment', (m: string) => `/*!SET STATEMENT max_statement_time=0 FOR*/ SELECT SLEEP(30) AS ${m}`],
    ['SET STATEMENT with another setting', (m: string) => `SET STATEMENT sql_select_limit=5 FOR SELECT SLEEP(30) AS ${m}`],
    ["MySQL's MAX_EXECUTION_TIME hint", (m: string) => `SELECT /*+ MAX_EXECUTION_TIME(0) */ SLEEP(30) AS ${m}`],
  ])('%s: refused before it runs, nothing left in the processlist', async (_, sql) => {
    const marker = `lookout_lift_${suffix}_${Math.random().toString(36).slice(2, 6)}`;
    const error = await failure(source.query(sql(marker), { ...opts, timeoutMs: 1_000 }));
    expect(error.reason).toBe('permission');
    expect(error.userMessage).toMatch(/does not let a query change its own limits/);
    const [rows] = await admin.query('SELECT COUNT(*) AS n FROM information_schema.processlist WHERE info LIKE ? AND id <> CONNECTION_ID()', [`%${marker}%`]);
    expect(Number((rows as { n: number }[])[0]?.n)).toBe(0);
    expect(await value(source, 'SELECT 1')).toBe(1);
  });
});

describe("Lookout's own backstop", () => {
  it('stops a query the server did not stop at the statement timeout, not later', async () => {
    jest.useFakeTimers();
    try {
      const stopped: string[] = [];
      const never = new Promise<never>(() => undefined);
      const running = interruptible(never, { timeoutMs: 1_000 }, 'src', (err) => err as DataSourceError, async (error) => {
        stopped.push(error.reason);
      });
      const settled = running.catch((err: unknown) => err);
      await jest.advanceTimersByTimeAsync(1_000);
      expect(stopped).toEqual(['timeout']);
      expect(await settled).toMatchObject({ reason: 'timeout' });
    } finally {
      jest.useRealTimers();
    }
  });
});
