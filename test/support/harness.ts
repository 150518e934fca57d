// The engine wired for integration tests: a real store on a throwaway PostgreSQL database,
// a real SQLite data source the test can change, the real tick runner, dispatcher and
// service, the recording delivery, and a clock the test moves.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSourceConfig } from '../../src/config.js';
import { createDataSourceCatalog } from '../../src/datasources/catalog.js';
import type { Delivery } from '../../src/services/delivery-port.js';
import { createRecordingDelivery, type RecordingDelivery } from '../../src/delivery/recording-delivery.js';
import { silentLogger } from '../../src/logger.js';
import { createDispatchJob } from '../../src/scheduler/dispatch-job.js';
import { createEvaluationPool, type EvaluationPool } from '../../src/scheduler/evaluation-pool.js';
import type { AlertInput } from '../../src/services/alert-input.js';
import { createAlertService, type AlertService } from '../../src/services/alert-service.js';
import { createTickRunner, type TickRunner } from '../../src/services/tick-runner.js';
import type { Store } from '../../src/store/port.js';
import { createPostgresStore } from '../../src/store/postgres/store.js';
import { createTestClock, type TestClock } from './clock.js';
import { createTempDatabase, type TempDatabase } from './postgres.js';
import { dataSourceConfig } from '../../src/config.js';

export const OWNER = 'UOWNER1';
export const ADMIN = 'UADMIN1';
export const STRANGER = 'USTRANGER';

const limits = { statementTimeoutS: 60, maxRows: 1000, poolSize: 4 };

export interface Harness {
  db: TempDatabase;
  store: Store;
  clock: TestClock;
  recording: RecordingDelivery;
  runner: TickRunner;
  service: AlertService;
  /** Sets the value the sample alert reads (`SELECT v FROM metric`). */
  setMetric(value: number | string | null): void;
  /** An instance of the dispatcher with its own store connection, as a second process would have. */
  /** Another instance on the same database; `leadMs` is its dispatch's lead. */
  instance(name: string, options?: { leadMs?: number }): Promise<{ store: Store; pool: EvaluationPool; dispatch: ReturnType<typeof createDispatchJob> }>;
  /** Creates an alert as OWNER with sensible defaults. */
  createAlert(input?: Partial<AlertInput>): ReturnType<AlertService['create']>;
  close(): Promise<void>;
}

export async function createHarness(options: { delivery?: (recording: RecordingDelivery, clock: TestClock) => Delivery; extraSources?: DataSourceConfig[] } = {}): Promise<Harness> {
  const db = await createTempDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'lookout-harness-'));
  const sqlitePath = join(dir, 'sample.sqlite');
  const writer = new Database(sqlitePath);
  writer.exec('CREATE TABLE metric (v); INSERT INTO metric VALUES (42);');
  const store = await createPostgresStore({ connectionString: db.url, max: 10 });
  const clock = createTestClock('2026-11-25T00:00:00Z');
  const recording = createRecordingDelivery(clock);
  const delivery = options.delivery ? options.delivery(recording, clock) : recording;
  const dataSources = createDataSourceCatalog([
    dataSourceConfig({ name: 'sample', kind: 'sqlite', path: sqlitePath, ...limits }),
    ...(options.extraSources ?? []),
  ]);
  const logger = silentLogger();
  const runner = createTickRunner({ store, dataSources, delivery, clock, instance: 'test-1', logger });
  const service = createAlertService({
    store,
    dataSources,
    clock,
    admins: [ADMIN],
    shards: 4,
    allowedHosts: ['dashboards.example.com'],
    // Here and now, and awaited, so a test sees the execution when runNow returns.
    runNow: async (data) => {
      await runner.runTick({ alertId: data.alertId, scheduledAt: new Date(data.requestedAt), trigger: 'run_now' });
    },
  });
  const extraStores: Store[] = [];

  return {
    db,
    store,
    clock,
    recording,
    runner,
    service,
    setMetric(value) {
      writer.prepare('UPDATE metric SET v = ?').run(value);
    },
    async instance(name, { leadMs } = {}) {
      const own = await createPostgresStore({ connectionString: db.url, max: 10 });
      extraStores.push(own);
      const ownRunner = createTickRunner({ store: own, dataSources, delivery, clock, instance: name, logger });
      const pool = createEvaluationPool(16, logger);
      return { store: own, pool, dispatch: createDispatchJob({ store: own, runner: ownRunner, pool, clock, instance: name, logger, leadMs }) };
    },
    createAlert(input = {}) {
      return service.create(
        { userId: OWNER },
        {
          name: `alert ${Math.random().toString(36).slice(2, 8)}`,
          type: 'alert',
          dataSource: 'sample',
          sql: 'SELECT v FROM metric',
          condition: { op: '>', threshold: 10 },
          schedule: { cron: '* * * * *', timezone: 'UTC' },
          gracePeriodS: 1,
          recipients: [{ kind: 'slack_channel', id: 'C0ALERTS' }],
          ...input,
        },
      );
    },
    async close() {
      for (const s of extraStores) await s.close();
      await dataSources.closeAll();
      await store.close();
      writer.close();
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    },
  };
}
