// The Store contract on MongoDB, plus what is MongoDB's own, and two scheduler instances on
// one MongoDB database. These need a server: they run only where MONGODB_URL is set (a fresh
// database per run, dropped afterwards). No MongoDB can be installed on the project's machines
// (DESIGN.md), so without MONGODB_URL the server suites are reported as skipped, with the reason,
// and only what needs no server runs: start-up failures against an address nothing listens on.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MongoClient } from 'mongodb';
import { StoreError } from '../../../../src/errors.js';
import { createMongoStore } from '../../../../src/store/mongo/store.js';
import { newAlertFixture, runStoreContract } from '../../../contract/store-contract.js';
import { describeTwoInstances } from '../../../support/two-instances.js';

const MONGODB_URL = process.env.MONGODB_URL;

/** The same server and options, another database. */
function withDatabase(url: string, name: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?#]+)(?:\/[^?#]*)?(.*)$/.exec(url);
  if (!match) throw new Error('MONGODB_URL must start with mongodb:// or mongodb+srv://');
  return `${match[1]}/${name}${match[2] ?? ''}`;
}

const freshName = (): string => `lookout_test_${process.pid}_${randomBytes(4).toString('hex')}`;

describe('MongoDB store without a server', () => {
  it('an address nothing listens on fails with StoreError, without the password', async () => {
    // Port 1 refuses at once; the short selection timeout keeps the wait small.
    const attempt = createMongoStore({ url: 'mongodb://lookout:s3cret-pw@127.0.0.1:1/lookout', serverSelectionTimeoutMS: 300 });
    const err = (await attempt.catch((e: unknown) => e)) as StoreError;
    expect(err).toBeInstanceOf(StoreError);
    expect(err.code).toBe('store');
    expect(err.message).toMatch(/^Lookout's database could not connect and prepare its collections \(/);
    expect(err.message).not.toContain('s3cret-pw');
    expect(err.cause).toBeDefined();
  });

  it('a URL the driver cannot parse fails with StoreError, without the password', async () => {
    const err = (await createMongoStore({ url: 'mongodb://lookout:s3cret-pw@127.0.0.1:notaport/lookout' }).catch(
      (e: unknown) => e,
    )) as StoreError;
    expect(err).toBeInstanceOf(StoreError);
    expect(err.message).not.toContain('s3cret-pw');
  });
});

// Without a server these are *skipped* (Jest counts them as skipped, not passed) and the reason
// is printed and in the suite's name.
const SKIP_REASON = 'MONGODB_URL is not set (no MongoDB can run on this machine): the MongoDB adapter was NOT exercised against a server';
if (MONGODB_URL === undefined) process.stderr.write(`MongoDB store tests skipped: ${SKIP_REASON}.\n`);
const describeWithServer = MONGODB_URL === undefined ? describe.skip : describe;

describeWithServer(MONGODB_URL === undefined ? `MongoDB store against a server — skipped: ${SKIP_REASON}` : 'MongoDB store against a server', () => {
  const url = MONGODB_URL ?? 'mongodb://unset/skipped';
  const dbName = freshName();
  const direct = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });

  beforeAll(async () => {
    await direct.connect();
  });

  afterAll(async () => {
    await direct.db(dbName).dropDatabase();
    await direct.close();
  });

  runStoreContract('MongoDB', {
    create: (options) => createMongoStore({ url, dbName, ...options }),
    async cleanup(store) {
      await store.close();
      const db = direct.db(dbName);
      await Promise.all([db.collection('executions').deleteMany({}), db.collection('alertKeys').deleteMany({}), db.collection('alerts').deleteMany({}), db.collection('settings').deleteMany({})]);
    },
  });

  describe('MongoDB store', () => {
    it('creates a unique tick key, a unique lower-cased name and a unique key per alert, from two stores starting at once', async () => {
      const fresh = freshName();
      try {
        const stores = await Promise.all([createMongoStore({ url, dbName: fresh }), createMongoStore({ url, dbName: fresh })]);
        await Promise.all(stores.map((s) => s.ping()));
        await Promise.all(stores.map((s) => s.close()));
        const executions = await direct.db(fresh).collection('executions').indexes();
        expect(executions).toEqual(
          expect.arrayContaining([expect.objectContaining({ name: 'executions_tick_key', unique: true, key: { alertId: 1, scheduledAt: 1 } })]),
        );
        const alerts = await direct.db(fresh).collection('alerts').indexes();
        expect(alerts).toEqual(
          expect.arrayContaining([expect.objectContaining({ name: 'alerts_name_key', unique: true, key: { nameKey: 1 } })]),
        );
        const keys = await direct.db(fresh).collection('alertKeys').indexes();
        expect(keys).toEqual(
          expect.arrayContaining([expect.objectContaining({ name: 'alert_keys_key', unique: true, key: { alertId: 1, key: 1 } })]),
        );
      } finally {
        await direct.db(fresh).dropDatabase();
      }
    });

    it('uses the database the URL names when no dbName is given', async () => {
      const fresh = freshName();
      try {
        const store = await createMongoStore({ url: withDatabase(url, fresh) });
        const alert = await store.createAlert(newAlertFixture());
        await store.close();
        expect(await direct.db(fresh).collection<{ _id: string }>('alerts').countDocuments({ _id: alert.id })).toBe(1);
      } finally {
        await direct.db(fresh).dropDatabase();
      }
    });

    it('fails with StoreError once closed', async () => {
      const store = await createMongoStore({ url, dbName });
      await store.close();
      await expect(store.getAlert('x')).rejects.toBeInstanceOf(StoreError);
      await expect(store.seenKeys('x', ['a'])).rejects.toBeInstanceOf(StoreError);
      await expect(store.rememberKeys('x', ['a'], new Date('2026-03-01T09:00:00Z'))).rejects.toBeInstanceOf(StoreError);
      await expect(store.pruneKeys('x', new Date('2026-03-01T09:00:00Z'))).rejects.toBeInstanceOf(StoreError);
      await expect(store.close()).resolves.toBeUndefined();
    });
  });

  describeTwoInstances('two scheduler instances on one MongoDB database', async () => {
    const name = freshName();
    return {
      store: { kind: 'mongo', url: withDatabase(url, name) },
      drop: async () => {
        await direct.db(name).dropDatabase();
      },
    };
  });
});
