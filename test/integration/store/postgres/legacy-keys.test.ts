// Alerts stored before issue 5/6: a database with migrations 001–004 applied and alerts written as
// the 4/6 store wrote them (no key, no managing file, no versions); then the current store opens it
// (applying 005). Each alert gets the key its name gives (the oldest keeps it when two names give
// the same one; the others add their id's start, and a name with no letter or digit gives
// "alert"), is managed by no file, and its first change through the service records the alert as
// it was as version 1, then the change.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { KEY_PATTERN } from '../../../../src/domain/alert-key.js';
import type { Store } from '../../../../src/store/port.js';
import { migrate } from '../../../../src/store/postgres/migrate.js';
import { createPostgresStore } from '../../../../src/store/postgres/store.js';
import { createDataSourceCatalog } from '../../../../src/datasources/catalog.js';
import { dataSourceConfig } from '../../../../src/config.js';
import { createAlertService } from '../../../../src/services/alert-service.js';
import { createTempDatabase, type TempDatabase } from '../../../support/postgres.js';

const IDS = ['0a1b2c3d-0000-4000-8000-000000000001', '9f8e7d6c-0000-4000-8000-000000000002', 'c0ffee00-0000-4000-8000-000000000003', 'abcdef12-0000-4000-8000-000000000004'];
const NAMES = ['Daily Sales (EU)', 'daily sales eu!', 'Ünïcode Ärger', '주문 지연'];

let db: TempDatabase;
let store: Store;

beforeAll(async () => {
  db = await createTempDatabase('lookout_legacy_keys');
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  await migrate(pool, { upTo: 4 });
  for (const [i, id] of IDS.entries()) {
    await pool.query(
      `INSERT INTO alerts (id, name, description, owners, type, data_source, sql, condition, schedule_cron, schedule_timezone,
         grace_period_s, working_timeout_s, log_retention_days, content, message_template, recipients, email_fallback,
         notify_on_recovery, active, next_run_at, shard, created_by, created_at, updated_by, updated_at)
       VALUES ($1, $2, '', '{U0OWNER1}', 'report', 'main', 'SELECT 1', NULL, '0 9 * * *', 'UTC', 3600, 300, 90, '{"kind":"none"}', NULL,
         '[{"kind":"slack_channel","id":"C0OPS"}]', false, true, true, NULL, 0, 'U0OWNER1', $3, 'U0OWNER1', $3)`,
      [id, NAMES[i], new Date(Date.UTC(2026, 0, 1 + i))],
    );
  }
  await pool.end();
  store = await createPostgresStore({ connectionString: db.url });
});

afterAll(async () => {
  await store.close();
  await db.drop();
});

describe('alerts stored before keys', () => {
  it('get the key their name gives, told apart after the oldest, and no managing file', async () => {
    const alerts = await store.listAlerts();
    expect(alerts.map((a) => [a.name, a.key, a.managedBy])).toEqual([
      ['Daily Sales (EU)', 'daily-sales-eu', null],
      ['daily sales eu!', 'daily-sales-eu-9f8e7d6c', null],
      ['Ünïcode Ärger', 'unicode-arger', null],
      ['주문 지연', 'alert', null],
    ]);
    for (const a of alerts) expect(a.key).toMatch(KEY_PATTERN);
    expect((await store.findAlertByKey('daily-sales-eu-9f8e7d6c'))?.id).toBe(IDS[1]);
  });

  it('a row written without a key now (a Lookout from before keys, mid-upgrade) gets one the same way', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      for (const id of ['11112222-0000-4000-8000-000000000005', '33334444-0000-4000-8000-000000000006']) {
        await pool.query(
          `INSERT INTO alerts (id, name, description, owners, type, data_source, sql, condition, schedule_cron, schedule_timezone,
             grace_period_s, working_timeout_s, log_retention_days, content, message_template, recipients, email_fallback,
             notify_on_recovery, active, next_run_at, shard, created_by, created_at, updated_by, updated_at)
           VALUES ($1, $2, '', '{U0OWNER1}', 'report', 'main', 'SELECT 1', NULL, '0 9 * * *', 'UTC', 3600, 300, 90, '{"kind":"none"}', NULL,
             '[]', false, true, true, NULL, 0, 'U0OWNER1', now(), 'U0OWNER1', now())`,
          [id, id.startsWith('1111') ? 'Weekly churn' : 'Weekly: churn'],
        );
      }
    } finally {
      await pool.end();
    }
    expect((await store.findAlertByKey('weekly-churn'))?.name).toBe('Weekly churn');
    expect((await store.findAlertByKey('weekly-churn-33334444'))?.name).toBe('Weekly: churn');
  });

  it('start their versions, at their first change, with themselves as they were', async () => {
    const sample = dataSourceConfig({ name: 'main', kind: 'sqlite', path: ':memory:' });
    const dataSources = createDataSourceCatalog([sample]);
    const clock = () => new Date('2026-03-01T00:00:00.000Z');
    const service = createAlertService({ store, dataSources, clock, admins: ['U0ADMIN01'], shards: 4, allowedHosts: [], runNow: async () => undefined });
    try {
      const before = (await store.getAlert(IDS[0]!))!;
      await service.update({ userId: 'U0ADMIN01' }, before.id, {
        name: before.name, owners: before.owners, type: 'report', dataSource: 'main', sql: 'SELECT 2', schedule: before.schedule, recipients: before.recipients,
      });
      const versions = await store.versions(before.id, 10);
      expect(versions.map((v) => [v.version, v.by, v.via, v.at.toISOString(), v.changed, v.spec.sql, v.spec.key])).toEqual([
        [2, 'U0ADMIN01', 'slack', '2026-03-01T00:00:00.000Z', ['sql'], 'SELECT 2', 'daily-sales-eu'],
        [1, 'U0OWNER1', 'slack', before.updatedAt.toISOString(), [], 'SELECT 1', 'daily-sales-eu'],
      ]);
    } finally {
      await dataSources.closeAll();
    }
  });
});
