// A query that runs past the working timeout: the execution ends in ERROR "working
// timeout", the query is gone from the database server, and the next tick runs.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createHarness, OWNER, type Harness } from '../../support/harness.js';
import { dataSourceConfig } from '../../../src/config.js';
import { settled } from '../../support/eventually.js';

// The sources read as lookout_reader (scripts/setup.sh): Lookout refuses a privileged user.
// The checks on the servers connect as the superusers, which see every session.
const PG_URL = 'postgres://lookout_reader@127.0.0.1:5432/test';
const MARIA_URL = 'mysql://lookout_reader@127.0.0.1:3306/test';
const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';
const MARIA_ADMIN_URL = 'mysql://root@127.0.0.1:3306/test';
const limits = { statementTimeoutS: 120, maxRows: 100, poolSize: 2 };

let h: Harness;
beforeAll(async () => {
  h = await createHarness({
    extraSources: [
      dataSourceConfig({ name: 'pg', kind: 'postgres', url: PG_URL, ...limits }),
      dataSourceConfig({ name: 'maria', kind: 'mysql', url: MARIA_URL, ...limits }),
    ],
  });
});
afterAll(async () => h.close());

async function pgRunning(marker: string): Promise<number> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()",
      [`%${marker}%`],
    );
    return rows[0].n as number;
  } finally {
    await client.end();
  }
}

async function mariaRunning(marker: string): Promise<number> {
  const connection = await mysql.createConnection(MARIA_ADMIN_URL);
  try {
    const [rows] = await connection.query(
      'SELECT count(*) AS n FROM information_schema.processlist WHERE info LIKE ? AND id <> connection_id()',
      [`%${marker}%`],
    );
    return Number((rows as { n: number }[])[0]?.n);
  } finally {
    await connection.end();
  }
}

const cases = [
  { source: 'pg', sleep: 'SELECT pg_sleep(60)', running: pgRunning },
  { source: 'maria', sleep: 'SELECT SLEEP(60)', running: mariaRunning },
];

describe.each(cases)('working timeout on $source', ({ source, sleep, running }) => {
  it('ends in ERROR "working timeout", the query is gone from the server, the next tick runs', async () => {
    const marker = `lookout_wt_${source}_${Math.random().toString(36).slice(2, 8)}`;
    const alert = await h.createAlert({
      name: `slow ${marker}`,
      dataSource: source,
      sql: `${sleep} /* ${marker} */`,
      condition: { op: 'not null' },
      workingTimeoutS: 10,
    });
    const first = new Date('2026-11-25T00:01:00Z');
    h.clock.set(first);
    const pending = h.runner.runTick({ alertId: alert.id, scheduledAt: first, trigger: 'schedule' });
    // The query really is on the server while it runs.
    expect(await settled(() => running(marker), (n) => n > 0)).toBe(1);

    const summary = await pending;
    expect(summary?.state).toBe('ERROR');
    expect(summary?.reason).toMatch(/^working timeout/);
    expect(await running(marker)).toBe(0);

    // The next tick is not held up by the one that timed out.
    await h.service.update({ userId: OWNER }, alert.id, { ...alertInput(alert), sql: 'SELECT 1' });
    const next = new Date('2026-11-25T00:02:00Z');
    h.clock.set(next);
    const again = await h.runner.runTick({ alertId: alert.id, scheduledAt: next, trigger: 'schedule' });
    expect(again?.state).toBe('SUCCESS');
  }, 40_000);
});

function alertInput(alert: Awaited<ReturnType<Harness['createAlert']>>) {
  const { name, description, owners, type, dataSource, sql, condition, schedule, gracePeriodS, workingTimeoutS, logRetentionDays, content, messageTemplate, recipients, emailFallback, notifyOnRecovery } = alert;
  return { name, description, owners, type, dataSource, sql, condition, schedule, gracePeriodS, workingTimeoutS, logRetentionDays, content, messageTemplate, recipients, emailFallback, notifyOnRecovery };
}
