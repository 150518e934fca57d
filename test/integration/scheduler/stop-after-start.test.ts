// A stop right after start waits for the start-up dispatch (the catch-up of ticks missed while no
// instance ran) instead of closing the store under it, and starts no shard's dispatch after it
// was asked to stop. Real Agenda on PostgreSQL; the dispatch is held open by the test until the
// stop has begun, so the order is certain, not a matter of timing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { silentLogger } from '../../../src/logger.js';
import { startScheduler } from '../../../src/scheduler/agenda.js';
import { createEvaluationPool } from '../../../src/scheduler/evaluation-pool.js';
import { createPostgresStore } from '../../../src/store/postgres/store.js';
import type { Store } from '../../../src/store/port.js';
import { createTestClock } from '../../support/clock.js';
import { createTempDatabase, type TempDatabase } from '../../support/postgres.js';

let db: TempDatabase;
let store: Store;

beforeAll(async () => {
  db = await createTempDatabase('lookout_stop');
  store = await createPostgresStore({ connectionString: db.url });
});

afterAll(async () => {
  await store?.close();
  await db?.drop();
});

describe('a stop right after start', () => {
  it('waits for the shard being dispatched and dispatches no other', async () => {
    const started: number[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstStarted!: () => void;
    const first = new Promise<void>((resolve) => (firstStarted = resolve));
    const scheduler = await startScheduler({
      backend: { kind: 'postgres', connectionString: db.url },
      instances: store,
      clock: createTestClock('2026-12-01T10:00:00Z'),
      shards: 8,
      instance: 'stop-test',
      logger: silentLogger(),
      dispatch: async (shard) => {
        started.push(shard);
        firstStarted();
        await held;
        return { claimed: 0, alreadyClaimed: 0, takenOver: 0, abandoned: 0 };
      },
      runNow: async () => undefined,
      prune: async () => 0,
      pool: createEvaluationPool(2, silentLogger()),
      processEveryMs: 60_000,
      lockLifetimeMs: 2000,
      heartbeatMs: 60_000,
    });
    await first;
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    // The stop is under way and must not end while the start-up dispatch of shard 0 holds: give
    // it every chance to (a few turns of the event loop), then look.
    for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    // Only the shard in flight ran; the loop ended there instead of going through the other seven.
    expect(started).toEqual([0]);
  }, 60_000);
});
