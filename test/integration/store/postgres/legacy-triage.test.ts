// An alert stored before issue 4/6: a database with migrations 001–003 applied, an alert row (firing,
// with a thread and series) and an execution with a delivery of unknown outcome, written as the
// 3/6 code wrote them; then the current store opens it (applying 004). The alert reads with
// LEGACY_TRIAGE and NO_TRIAGE_RUNTIME, its incident can be acknowledged, and the old unknown
// delivery is found for reconciliation (the partial index is built over rows already there).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { LEGACY_TRIAGE, NO_TRIAGE_RUNTIME } from '../../../../src/domain/types.js';
import type { Store } from '../../../../src/store/port.js';
import { migrate } from '../../../../src/store/postgres/migrate.js';
import { createPostgresStore } from '../../../../src/store/postgres/store.js';
import { createTempDatabase, type TempDatabase } from '../../../support/postgres.js';

const ALERT_ID = '5d7e0c1a-93b4-4f2e-8a61-0c2d4e6f8a13';
const CREATED = new Date('2026-02-01T10:00:00.000Z');
const FIRING_SINCE = new Date('2026-03-01T08:00:00.000Z');
const TICK = new Date('2026-03-01T08:30:00.000Z');
const RECIPIENTS = [{ kind: 'slack_channel', id: 'C1' }, { kind: 'email', address: 'ops@example.com' }];
const DELIVERIES = [
  { recipient: 'channel:C1', ok: true, unknown: false, error: null, ref: 'C1:1712345678.000100', note: null },
  { recipient: 'email:ops@example.com', ok: false, unknown: true, error: 'SMTP timed out', ref: null, note: null },
];

let db: TempDatabase;
let store: Store;
let executionId: string;

/** The rows as issue 3/6's store wrote them: every column it knew, the runtime after a send. */
async function writeOldRows(pool: pg.Pool): Promise<void> {
  await pool.query(
    `INSERT INTO alerts (id, name, description, owners, type, data_source, sql, condition, measure, labels, warning,
       pending_ticks, keep_firing_ticks, schedule_cron, schedule_timezone, grace_period_s, working_timeout_s,
       log_retention_days, content, message_template, recipients, email_fallback, notify_on_recovery, active,
       next_run_at, shard, created_by, created_at, updated_by, updated_at, last_state, last_evaluated_at,
       last_sent_at, last_sent_tick, firing_since, last_error_notice_at, threads, series, keys_seeded_at)
     VALUES ($1, 'Stuck orders', '', $2, 'alert', 'main', 'SELECT count(*) FROM orders', $3, '{"kind":"value"}',
       '{}', NULL, 1, 0, '*/5 * * * *', 'UTC', 3600, 300, 90, '{"kind":"none"}', NULL, $4, false, true, true,
       $5, 3, 'U1', $6, 'U1', $6, 'UNKNOWN', $7, $7, $7, $8, NULL, $9, $10, NULL)`,
    [
      ALERT_ID,
      ['U1'],
      JSON.stringify({ op: '>', threshold: 10 }),
      JSON.stringify(RECIPIENTS),
      new Date('2026-03-01T08:35:00.000Z'),
      CREATED,
      TICK,
      FIRING_SINCE,
      JSON.stringify({ 'channel:C1': 'C1:1712345678.000100' }),
      JSON.stringify({ '': { labels: {}, status: 'firing', level: 'critical', held: 6, quiet: 0, since: FIRING_SINCE, lastSentTick: TICK, value: 42 } }),
    ],
  );
  const execution = await pool.query<{ id: string }>(
    `INSERT INTO executions (alert_id, scheduled_at, trigger, state, reason, value, row_count, instance, attempt,
       started_at, finished_at, send_started_at, deliveries, series, owners_notified, query_ms, delivery_ms)
     VALUES ($1, $2, 'schedule', 'UNKNOWN', 'email:ops@example.com: outcome unknown', '42', 1, 'i1', 1, $2, $2, $2,
       $3, '[]', false, 5, 40)
     RETURNING id`,
    [ALERT_ID, TICK, JSON.stringify(DELIVERIES)],
  );
  executionId = execution.rows[0]?.id ?? '';
}

beforeAll(async () => {
  db = await createTempDatabase('lookout_legacy_triage');
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  try {
    await migrate(pool, { upTo: 3 });
    const columns = await pool.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'alerts' AND column_name IN ('reminders', 'ack')",
    );
    // Really the old schema: 004's columns are not there yet.
    expect(columns.rows).toEqual([]);
    await writeOldRows(pool);
  } finally {
    await pool.end();
  }
  store = await createPostgresStore({ connectionString: db.url });
});

afterAll(async () => {
  await store?.close();
  await db?.drop();
});

describe('an alert stored before triage, opened by the current store', () => {
  it('reads with the legacy triage spec and no triage runtime, the rest intact', async () => {
    const alert = await store.getAlert(ALERT_ID);
    expect(alert).toMatchObject({
      ...LEGACY_TRIAGE,
      ...NO_TRIAGE_RUNTIME,
      recipients: RECIPIENTS,
      lastState: 'UNKNOWN',
      firingSince: FIRING_SINCE,
      lastSentTick: TICK,
      threads: { 'channel:C1': 'C1:1712345678.000100' },
    });
    // Recipients without levels stay without them (every level), not an empty list.
    expect(alert?.recipients.every((r) => !('levels' in r))).toBe(true);
  });

  it('has no mute', async () => {
    expect(await store.getMute()).toBeNull();
  });

  it('finds its unknown delivery for reconciliation, and lists it among recent deliveries', async () => {
    expect((await store.unknownDeliveries(TICK, 10)).map((e) => e.id)).toEqual([executionId]);
    expect((await store.deliveriesSince(TICK, 10)).map((e) => [e.id, e.deliveries])).toEqual([[executionId, DELIVERIES]]);
  });

  it('its open incident can be acknowledged', async () => {
    const ack = { by: 'U7', at: new Date('2026-03-01T08:40:00.000Z'), channel: 'C1' };
    expect(await store.setAcknowledgement(ALERT_ID, ack, FIRING_SINCE)).toBe(true);
    expect(await store.getAlert(ALERT_ID)).toMatchObject({ ...LEGACY_TRIAGE, ack, reminded: NO_TRIAGE_RUNTIME.reminded });
  });
});
