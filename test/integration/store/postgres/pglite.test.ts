// The Store contract on embedded PGlite, reached through its socket server as in production's
// default set-up, plus what is PGlite's own: data kept across restarts on one directory.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../../../src/store/pglite/embedded.js';
import { createPostgresStore } from '../../../../src/store/postgres/store.js';
import { newAlertFixture, runStoreContract } from '../../../contract/store-contract.js';

const tempDir = mkdtempSync(os.tmpdir() + '/lookout-');
let embedded: EmbeddedPostgres;
let direct: pg.Pool;

beforeAll(async () => {
  embedded = await startEmbeddedPostgres({ dataDir: join(tempDir, 'contract') });
  direct = new pg.Pool({ connectionString: embedded.url, max: 1 });
  // Its socket may still be closing when the server stops; that must not crash the run.
  direct.on('error', () => undefined);
});

afterAll(async () => {
  await direct?.end();
  await embedded?.stop();
  rmSync(tempDir, { recursive: true, force: true });
});

runStoreContract('PGlite', {
  create: (options) => createPostgresStore({ connectionString: embedded.url, ...options }),
  async cleanup(store) {
    await store.close();
    await direct.query('TRUNCATE executions, alert_keys, alerts, lookout_settings');
  },
});

describe('embedded PGlite', () => {
  it('serves a pg URL on the port the OS chose', () => {
    expect(embedded.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:[1-9]\d*\/postgres$/);
  });

  it('keeps data across a stop and a new start on the same directory', async () => {
    const dataDir = join(tempDir, 'restart');
    const first = await startEmbeddedPostgres({ dataDir });
    let id: string;
    try {
      // Two instances starting at once on a fresh database both migrate.
      const [a, b] = await Promise.all([
        createPostgresStore({ connectionString: first.url }),
        createPostgresStore({ connectionString: first.url }),
      ]);
      id = (await a.createAlert(newAlertFixture({ name: 'Survives restarts' }))).id;
      await b.ping();
      await Promise.all([a.close(), b.close()]);
    } finally {
      await first.stop();
    }

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      const store = await createPostgresStore({ connectionString: second.url });
      try {
        expect((await store.getAlert(id))?.name).toBe('Survives restarts');
        expect((await store.findAlertByName('survives RESTARTS'))?.id).toBe(id);
      } finally {
        await store.close();
      }
    } finally {
      await second.stop();
    }
    // Two starts of the embedded server: each can take ~30 s on a loaded machine.
  }, 180_000);
});
