// The Store contract on the machine's PostgreSQL (127.0.0.1:5432, user postgres, trust), in a
// database of its own that is dropped afterwards: other suites run in parallel.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { StoreError } from '../../../../src/errors.js';
import { createPostgresStore } from '../../../../src/store/postgres/store.js';
import { runStoreContract } from '../../../contract/store-contract.js';

const SERVER = 'postgres://postgres@127.0.0.1:5432';
const admin = new pg.Pool({ connectionString: `${SERVER}/postgres`, max: 2 });
// pool.end() resolves before its sockets have closed, so DROP DATABASE ... WITH (FORCE) can
// still terminate one; that arrives as an 'error' on the pool, which must not crash the run.
const ignore = (): void => undefined;
admin.on('error', ignore);

async function createDatabase(): Promise<string> {
  const name = `lookout_store_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  return name;
}

async function dropDatabase(name: string): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

const urlOf = (database: string): string => `${SERVER}/${database}`;

let database = '';
let direct: pg.Pool;

beforeAll(async () => {
  database = await createDatabase();
  direct = new pg.Pool({ connectionString: urlOf(database), max: 2 });
  direct.on('error', ignore);
});

afterAll(async () => {
  await direct.end();
  await dropDatabase(database);
  await admin.end();
});

runStoreContract('PostgreSQL', {
  create: (options) => createPostgresStore({ connectionString: urlOf(database), ...options }),
  async cleanup(store) {
    await store.close();
    await direct.query('TRUNCATE executions, alert_keys, alert_versions, alerts, lookout_settings');
  },
});

// As Lookout runs on a real server: with named (prepared) statements.
runStoreContract('PostgreSQL, prepared statements', {
  create: (options) => createPostgresStore({ connectionString: urlOf(database), prepare: true, ...options }),
  async cleanup(store) {
    await store.close();
    await direct.query('TRUNCATE executions, alert_keys, alert_versions, alerts, lookout_settings');
  },
});

describe('PostgreSQL store', () => {
  it('migrates a fresh database from two instances starting at once', async () => {
    const fresh = await createDatabase();
    try {
      const stores = await Promise.all([
        createPostgresStore({ connectionString: urlOf(fresh) }),
        createPostgresStore({ connectionString: urlOf(fresh) }),
      ]);
      await Promise.all(stores.map((s) => s.ping()));
      await Promise.all(stores.map((s) => s.close()));

      const check = new pg.Client({ connectionString: urlOf(fresh) });
      await check.connect();
      try {
        const applied = await check.query('SELECT version FROM lookout_migrations ORDER BY version');
        expect(applied.rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }, { version: 6 }, { version: 7 }]);
      } finally {
        await check.end();
      }
    } finally {
      await dropDatabase(fresh);
    }
  });

  it('uses a pool it is given and leaves it open on close', async () => {
    const pool = new pg.Pool({ connectionString: urlOf(database), max: 2 });
    pool.on('error', ignore);
    try {
      const store = await createPostgresStore({ pool });
      await store.ping();
      await store.close();
      await expect(pool.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    } finally {
      await pool.end();
    }
  });

  it('wraps driver errors in StoreError without the connection string', async () => {
    // Port 1 refuses at once: nothing listens there.
    const attempt = createPostgresStore({ connectionString: 'postgres://lookout:s3cret-pw@127.0.0.1:1/lookout' });
    await expect(attempt).rejects.toBeInstanceOf(StoreError);
    const err = (await attempt.catch((e: unknown) => e)) as StoreError;
    expect(err.code).toBe('store');
    expect(err.message).not.toContain('s3cret-pw');
    expect(err.cause).toBeDefined();
  });

  it('fails with StoreError once closed', async () => {
    const store = await createPostgresStore({ connectionString: urlOf(database) });
    await store.close();
    await expect(store.getAlert('x')).rejects.toBeInstanceOf(StoreError);
    await expect(store.seenKeys('x', ['a'])).rejects.toBeInstanceOf(StoreError);
    await expect(store.rememberKeys('x', ['a'], new Date('2026-03-01T09:00:00Z'))).rejects.toBeInstanceOf(StoreError);
    await expect(store.pruneKeys('x', new Date('2026-03-01T09:00:00Z'))).rejects.toBeInstanceOf(StoreError);
    await expect(store.close()).resolves.toBeUndefined();
  });
});
