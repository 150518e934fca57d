// An alert stored before issue 3/6: a database with only migrations 001 and 002 applied, an alert
// row (firing, with a thread) and an execution row written as the old code wrote them; then the
// current store opens it (applying 003) and the alert reads as one series on its value, its
// runtime intact, and continues its incident.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { decideOnResult } from '../../../../src/domain/decide-result.js';
import { LEGACY_RULES, LEGACY_TRIAGE, NO_TRIAGE_RUNTIME, type Alert, type QueryResult } from '../../../../src/domain/types.js';
import type { Store } from '../../../../src/store/port.js';
import { migrate } from '../../../../src/store/postgres/migrate.js';
import { createPostgresStore } from '../../../../src/store/postgres/store.js';
import { createTempDatabase, type TempDatabase } from '../../../support/postgres.js';

const ALERT_ID = '0b4f7c1e-5d2a-4c47-9a51-3f0e2b8d6a10';
const CREATED = new Date('2026-02-01T10:00:00.000Z');
const FIRING_SINCE = new Date('2026-03-01T08:00:00.000Z');
const LAST_SENT_TICK = new Date('2026-03-01T08:30:00.000Z');
const THREADS = { 'channel:C1': 'C1:1712345678.000100', 'email:ops@example.com': '<m1@lookout>' };

let db: TempDatabase;
let store: Store;

/** The row as issue 2/6's store wrote it (rows.ts then): the spec at creation, the runtime after a send. */
async function writeOldAlert(pool: pg.Pool): Promise<void> {
  await pool.query(
    `INSERT INTO alerts (id, name, description, owners, type, data_source, sql, condition, schedule_cron,
       schedule_timezone, grace_period_s, working_timeout_s, log_retention_days, content, message_template,
       recipients, email_fallback, notify_on_recovery, active, next_run_at, shard, created_by, created_at,
       updated_by, updated_at, last_state, last_evaluated_at, last_sent_at, last_sent_tick, firing_since,
       last_error_notice_at, threads)
     VALUES ($1, 'Stuck orders', 'orders stuck in payment', $2, 'alert', 'main', 'SELECT count(*) FROM orders', $3,
       '*/5 * * * *', 'Europe/Berlin', 3600, 300, 90, $4, NULL, $5, false, true, true, $6, 3, 'U1', $7, 'U1', $7,
       'SUCCESS', $8, $9, $10, $11, NULL, $12)`,
    [
      ALERT_ID,
      ['U1'],
      JSON.stringify({ op: '>', threshold: 10 }),
      JSON.stringify({ kind: 'none' }),
      JSON.stringify([{ kind: 'slack_channel', id: 'C1' }, { kind: 'email', address: 'ops@example.com' }]),
      new Date('2026-03-01T08:35:00.000Z'),
      CREATED,
      new Date('2026-03-01T08:30:01.000Z'),
      new Date('2026-03-01T08:30:02.000Z'),
      LAST_SENT_TICK,
      FIRING_SINCE,
      JSON.stringify(THREADS),
    ],
  );
  await pool.query(
    `INSERT INTO executions (alert_id, scheduled_at, trigger, state, reason, value, row_count, instance, attempt,
       started_at, finished_at, send_started_at, deliveries, owners_notified, query_ms, delivery_ms)
     VALUES ($1, $2, 'schedule', 'SUCCESS', NULL, '42', 1, 'i1', 1, $2, $2, $2, $3, false, 5, 40)`,
    [ALERT_ID, LAST_SENT_TICK, JSON.stringify([{ recipient: 'channel:C1', ok: true, unknown: false, error: null, ref: 'C1:1712345678.000100', note: null }])],
  );
}

beforeAll(async () => {
  db = await createTempDatabase('lookout_legacy');
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  try {
    await migrate(pool, { upTo: 2 });
    const columns = await pool.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'alerts' AND column_name IN ('measure', 'series')",
    );
    // Really the old schema: 003's columns are not there yet.
    expect(columns.rows).toEqual([]);
    await writeOldAlert(pool);
  } finally {
    await pool.end();
  }
  store = await createPostgresStore({ connectionString: db.url });
});

afterAll(async () => {
  await store?.close();
  await db?.drop();
});

const stillHolds: QueryResult = { columns: ['count'], rows: [[42]], truncated: false };

function decide(alert: Alert, scheduledAt: Date) {
  return decideOnResult({ alert, scheduledAt, trigger: 'schedule', result: stillHolds, now: scheduledAt, maxSeries: 100 });
}

describe('an alert stored before series, opened by the current store', () => {
  it('reads as one series on its value, with no series states or seeded keys, its runtime intact', async () => {
    const alert = await store.getAlert(ALERT_ID);
    expect(alert).toEqual({
      id: ALERT_ID,
      name: 'Stuck orders',
      description: 'orders stuck in payment',
      owners: ['U1'],
      type: 'alert',
      dataSource: 'main',
      sql: 'SELECT count(*) FROM orders',
      condition: { op: '>', threshold: 10 },
      ...LEGACY_RULES,
      ...LEGACY_TRIAGE,
      labels: [],
      schedule: { cron: '*/5 * * * *', timezone: 'Europe/Berlin' },
      gracePeriodS: 3600,
      workingTimeoutS: 300,
      logRetentionDays: 90,
      content: { kind: 'none' },
      messageTemplate: null,
      recipients: [{ kind: 'slack_channel', id: 'C1' }, { kind: 'email', address: 'ops@example.com' }],
      emailFallback: false,
      notifyOnRecovery: true,
      active: true,
      snoozedUntil: null,
      nextRunAt: new Date('2026-03-01T08:35:00.000Z'),
      shard: 3,
      createdBy: 'U1',
      createdAt: CREATED,
      updatedBy: 'U1',
      updatedAt: CREATED,
      lastState: 'SUCCESS',
      lastEvaluatedAt: new Date('2026-03-01T08:30:01.000Z'),
      lastSentAt: new Date('2026-03-01T08:30:02.000Z'),
      lastSentTick: LAST_SENT_TICK,
      firingSince: FIRING_SINCE,
      lastErrorNoticeAt: null,
      threads: THREADS,
      // Added by migration 007: nothing known of what the first messages show.
      drawn: {},
      series: {},
      keysSeededAt: null,
      ...NO_TRIAGE_RUNTIME,
      // Migration 005 gives an alert from before keys its name's key; nothing manages it in a file.
      key: 'stuck-orders',
      managedBy: null,
    });
    expect((await store.history(ALERT_ID, 5)).map((e) => [e.value, e.series])).toEqual([['42', []]]);
  });

  it('continues its incident: grace within its grace period, then a repeat of the same incident', async () => {
    const alert = await store.getAlert(ALERT_ID);
    if (alert === null) throw new Error('the old alert is gone');
    expect(decide(alert, new Date('2026-03-01T09:00:00.000Z'))).toMatchObject({ kind: 'grace', value: '42' });

    const after = decide(alert, new Date('2026-03-01T09:35:00.000Z'));
    expect(after).toMatchObject({ kind: 'send', message: 'firing', value: '42' });
    if (after.kind !== 'send') throw new Error('expected a send');
    expect(after.series.states['']).toMatchObject({ status: 'firing', since: FIRING_SINCE });
    expect(after.series.outcomes).toEqual([]);
  });

  it('takes the new runtime from its next tick on', async () => {
    const execution = await store.claimTick({ alertId: ALERT_ID, scheduledAt: new Date('2026-03-01T09:35:00.000Z'), trigger: 'schedule', instance: 'i1', now: new Date('2026-03-01T09:35:00.100Z') });
    if (execution === null) throw new Error('the tick was already claimed');
    expect(execution.series).toEqual([]);
    const series = { '': { labels: {}, status: 'firing' as const, level: 'critical' as const, held: 2, quiet: 0, since: FIRING_SINCE, lastSentTick: new Date('2026-03-01T09:35:00.000Z'), value: 42 } };
    expect(await store.finishExecution(execution.id, { state: 'SUCCESS', reason: null, value: '42', finishedAt: new Date('2026-03-01T09:35:01.000Z') }, { series, lastSentTick: new Date('2026-03-01T09:35:00.000Z') })).toBe(true);
    expect(await store.getAlert(ALERT_ID)).toMatchObject({ ...LEGACY_RULES, series, firingSince: FIRING_SINCE, threads: THREADS });
  });
});
