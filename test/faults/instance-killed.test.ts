// An instance killed with SIGKILL in the middle of an execution (its query still running,
// nothing sent): another instance finds the claim stale after the alert's working timeout,
// takes it over and finishes the tick. One message in Slack. Then SIGTERM stops that
// instance gracefully (exit 0). Real processes (tsx src/main.ts) against the Slack simulator.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDataSourceCatalog } from '../../src/datasources/catalog.js';
import type { Execution } from '../../src/domain/types.js';
import { createAlertService } from '../../src/services/alert-service.js';
import type { Store } from '../../src/store/port.js';
import { createPostgresStore } from '../../src/store/postgres/store.js';
import { eventually } from '../support/eventually.js';
import { startLookoutProcess, type LookoutProcess } from '../support/lookout-process.js';
import { ADMIN_URL, createTempDatabase, type TempDatabase } from '../support/postgres.js';
import { startSlackSimulator, type SlackSimulator } from '../support/slack-simulator/index.js';
import { dataSourceConfig } from '../../src/config.js';

const OWNER = 'U0OWNER01';
const CHANNEL = 'C0KILLED1';
// The warehouse reads as lookout_reader (scripts/setup.sh): Lookout refuses a privileged user.
const warehouseUrl = new URL('/test', ADMIN_URL);
warehouseUrl.username = 'lookout_reader';
warehouseUrl.password = '';
const WAREHOUSE = dataSourceConfig({ name: 'warehouse', kind: 'postgres', url: warehouseUrl.toString(), statementTimeoutS: 60, maxRows: 100, poolSize: 2 });

let sim: SlackSimulator;
let db: TempDatabase;
let store: Store;
let dir: string;
const processes: LookoutProcess[] = [];

beforeAll(async () => {
  sim = await startSlackSimulator({
    users: [{ id: OWNER, name: 'owner', tz: 'UTC' }],
    channels: [{ id: CHANNEL, name: 'killed', members: [OWNER] }],
  });
  db = await createTempDatabase('lookout_kill');
  store = await createPostgresStore({ connectionString: db.url });
  dir = mkdtempSync(join(tmpdir(), 'lookout-kill-'));
  writeFileSync(join(dir, 'lookout.config.yml'), `dataSources:\n  - name: warehouse\n    kind: postgres\n    url: ${WAREHOUSE.url}\n`);
}, 60_000);

afterAll(async () => {
  for (const p of processes) p.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
  await store?.close();
  await db?.drop();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function instance(name: string): Promise<LookoutProcess> {
  const started = await startLookoutProcess({
    DATABASE_URL: db.url,
    LOOKOUT_CONFIG: join(dir, 'lookout.config.yml'),
    SLACK_BOT_TOKEN: sim.botToken,
    SLACK_APP_TOKEN: sim.appToken,
    SLACK_API_URL: sim.url,
    INSTANCE_NAME: name,
  });
  processes.push(started);
  return started;
}

/** Statements with this text running on the warehouse server now (as the admin sees them). */
async function activeQueries(text: string): Promise<number> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1", [`%${text}%`]);
    return Number(rows[0]?.n);
  } finally {
    await admin.end();
  }
}

async function executionsOf(alertId: string): Promise<Execution[]> {
  return store.history(alertId, 10);
}

describe('an instance killed mid-execution', () => {
  it('another instance takes the tick over after the working timeout and sends it once', async () => {
    const first = await instance('kill-a');
    // A tick at the next minute that leaves at least 15 s to get ready, and none after it today.
    const now = new Date();
    const tick = new Date(Math.ceil((now.getTime() + 15_000) / 60_000) * 60_000);
    const service = createAlertService({
      store,
      dataSources: createDataSourceCatalog([WAREHOUSE]),
      clock: () => new Date(),
      admins: [],
      shards: 16,
      allowedHosts: [],
      runNow: async () => undefined,
    });
    const alert = await service.create(
      { userId: OWNER },
      {
        name: 'slow warehouse check',
        type: 'alert',
        dataSource: 'warehouse',
        // Eight seconds of query: the instance is killed while it runs.
        sql: 'SELECT 1 AS v FROM pg_sleep(8)',
        condition: { op: '>', threshold: 0 },
        schedule: { cron: `${tick.getUTCMinutes()} ${tick.getUTCHours()} * * *`, timezone: 'UTC' },
        workingTimeoutS: 10,
        recipients: [{ kind: 'slack_channel', id: CHANNEL }],
      },
    );
    expect(alert.nextRunAt?.toISOString()).toBe(tick.toISOString());

    // The tick is claimed and its query running on the first instance: kill it.
    const running = await eventually(
      async () => (await executionsOf(alert.id)).find((e) => e.state === 'WORKING'),
      tick.getTime() - Date.now() + 20_000,
      'the tick to be claimed',
    );
    expect(running).toMatchObject({ instance: 'kill-a', attempt: 1, sendStartedAt: null });
    await eventually(async () => (await activeQueries('pg_sleep(8)')) > 0, 10_000, 'its query to run on the server');
    first.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // Once the claim is past its working timeout, the second instance's start-up dispatch finds it stale.
    await eventually(async () => (await store.staleExecutions(alert.shard, new Date(), 10)).some((e) => e.id === running.id), 30_000, 'the claim to go stale');
    const second = await instance('kill-b');
    const done = await eventually(async () => (await executionsOf(alert.id)).find((e) => e.state !== 'WORKING'), 40_000, 'the takeover to finish');
    expect(done).toMatchObject({ id: running.id, state: 'SUCCESS', instance: 'kill-b', attempt: 2 });

    // A graceful stop: SIGTERM, exit 0, and the instance leaves the membership table.
    second.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    // Both instances are gone, so nothing more can be posted: the tick went out once.
    const posts = sim.messages(CHANNEL).filter((m) => (m.metadata as { event_payload?: { alert_id?: string } } | undefined)?.event_payload?.alert_id === alert.id);
    expect(posts).toHaveLength(1);
    expect(await executionsOf(alert.id)).toHaveLength(1);
    expect(second.logs.some((l) => l.msg === 'stopped')).toBe(true);
    expect(await store.liveInstances(new Date(0))).toEqual(['kill-a']);
  }, 180_000);
});
