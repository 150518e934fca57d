// Lookout stopped for three and a half minutes, then started again: each every-minute alert
// runs one catch-up for the ticks it missed (the oldest), not three, right at start-up, and
// its next run is the next tick after now. The clock is the test's, so no real minutes pass.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeConfig, type Config, dataSourceConfig } from '../../src/config.js';
import type { Alert, Execution } from '../../src/domain/types.js';
import { createRecordingDelivery } from '../../src/delivery/recording-delivery.js';
import { silentLogger } from '../../src/logger.js';
import { startLookout } from '../../src/lookout.js';
import { createTestClock } from '../support/clock.js';
import { eventually } from '../support/eventually.js';
import { createTempDatabase, type TempDatabase } from '../support/postgres.js';
import { everyMinuteAlert } from '../support/fixtures.js';

const T0 = '2026-12-01T10:00:20Z';
let db: TempDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTempDatabase('lookout_fault');
  dir = mkdtempSync(join(tmpdir(), 'lookout-restart-'));
  new Database(join(dir, 's.sqlite')).close();
});

afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function config(instance: string): Config {
  return makeConfig({
    store: { kind: 'postgres', url: db.url },
    dataSources: [dataSourceConfig({ name: 'sample', kind: 'sqlite', path: join(dir, 's.sqlite'), statementTimeoutS: 30, maxRows: 100, poolSize: 2 })],
    scheduler: { shards: 4, concurrency: 16, instance },
  });
}

describe('a restart after three minutes down', () => {
  it('runs one catch-up per alert, not three, and moves on to the next tick', async () => {
    const clock = createTestClock(T0);
    const options = { logger: silentLogger(), clock, processEveryMs: 1000, lockLifetimeMs: 2000, heartbeatMs: 1000 };
    const first = await startLookout(config('before'), { ...options, delivery: createRecordingDelivery(clock) });
    const alerts: Alert[] = [];
    for (let i = 0; i < 5; i += 1) {
      alerts.push(
        await first.service.create({ userId: 'UOWNER1' }, everyMinuteAlert(`catch-up ${i}`)),
      );
    }
    expect(alerts.map((a) => a.nextRunAt?.toISOString())).toEqual(alerts.map(() => '2026-12-01T10:01:00.000Z'));
    await first.stop();

    // Down through 10:01, 10:02 and 10:03; back at 10:03:50.
    clock.set('2026-12-01T10:03:50Z');
    const recording = createRecordingDelivery(clock);
    const second = await startLookout(config('after'), { ...options, delivery: recording });
    try {
      // Settled: every alert ran and its next run moved past now, so no other catch-up can come.
      await eventually(
        async () => {
          const runs = await Promise.all(alerts.map((a) => second.store.history(a.id, 10)));
          const moved = await Promise.all(alerts.map((a) => second.store.getAlert(a.id)));
          return runs.every((r) => r.length > 0 && r.every((e) => e.state !== 'WORKING')) && moved.every((a) => a?.nextRunAt?.toISOString() === '2026-12-01T10:04:00.000Z');
        },
        20_000,
        'the catch-up runs to finish',
      );
      const runs: Execution[][] = await Promise.all(alerts.map((a) => second.store.history(a.id, 10)));
      expect(runs.map((r) => r.map((e) => [e.scheduledAt.toISOString(), e.state, e.instance]))).toEqual(
        alerts.map(() => [['2026-12-01T10:01:00.000Z', 'SUCCESS', 'after']]),
      );
      expect(recording.sent).toHaveLength(alerts.length);
      const moved = await Promise.all(alerts.map((a) => second.store.getAlert(a.id)));
      expect(moved.map((a) => a?.nextRunAt?.toISOString())).toEqual(alerts.map(() => '2026-12-01T10:04:00.000Z'));
    } finally {
      await second.stop();
    }
  }, 60_000);
});
