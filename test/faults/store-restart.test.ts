// The store's PostgreSQL restarts while a tick's evaluations are running: /healthz names the
// store while it is down and is healthy again after; every running evaluation records its
// result once the server is back; the next minute's ticks run too. No tick lost, none sent
// twice. A PostgreSQL server of the test's own (the machine's is shared with other suites);
// waits for two real minute boundaries.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { makeConfig, dataSourceConfig } from '../../src/config.js';
import type { Alert } from '../../src/domain/types.js';
import { createRecordingDelivery, type RecordingDelivery } from '../../src/delivery/recording-delivery.js';
import { silentLogger } from '../../src/logger.js';
import { startLookout, type Lookout } from '../../src/lookout.js';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';
import { eventually } from '../support/eventually.js';
import { everyMinuteAlert } from '../support/fixtures.js';

const ALERTS = 20;

let pg: PrivatePostgres;
let lookout: Lookout;
let recording: RecordingDelivery;
let dir: string;

beforeAll(async () => {
  pg = await startPrivatePostgres();
  dir = mkdtempSync(join(tmpdir(), 'lookout-fault-'));
  new Database(join(dir, 's.sqlite')).close();
  recording = createRecordingDelivery();
  lookout = await startLookout(
    makeConfig({
      store: { kind: 'postgres', url: pg.url },
      dataSources: [dataSourceConfig({ name: 'sample', kind: 'sqlite', path: join(dir, 's.sqlite'), statementTimeoutS: 30, maxRows: 100, poolSize: 2 })],
      scheduler: { shards: 4, concurrency: 32, instance: 'fault-store' },
      http: { port: 0 },
    }),
    { logger: silentLogger(), delivery: recording, processEveryMs: 1000, lockLifetimeMs: 2000, heartbeatMs: 1000 },
  );
}, 60_000);

afterAll(async () => {
  await lookout?.stop();
  await pg?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function healthz(): Promise<{ status: number; body: { ok: boolean; parts: Record<string, { ok: boolean; detail: string }> } }> {
  const res = await fetch(`http://127.0.0.1:${lookout.httpPort}/healthz`);
  return { status: res.status, body: (await res.json()) as never };
}

/** Sends and executions of one tick, per alert. */
async function tickOutcome(alerts: Alert[], tick: Date) {
  const sends = new Map<string, number>();
  for (const m of recording.sent) {
    if (m.message.scheduledAt.getTime() === tick.getTime()) sends.set(m.message.alert.id, (sends.get(m.message.alert.id) ?? 0) + 1);
  }
  const executions = [];
  for (const alert of alerts) {
    executions.push((await lookout.store.history(alert.id, 10)).filter((e) => e.scheduledAt.getTime() === tick.getTime()));
  }
  return { sends, executions };
}

describe('the store restarting during a run', () => {
  it('loses no tick, sends none twice, and /healthz names the store while it is down', async () => {
    expect(await healthz()).toMatchObject({ status: 200, body: { ok: true } });
    const alerts: Alert[] = [];
    for (let i = 0; i < ALERTS; i += 1) {
      alerts.push(
        await lookout.service.create({ userId: 'UOWNER1' }, everyMinuteAlert(`restart ${i}`, { workingTimeoutS: 60 })),
      );
    }
    const first = alerts[0]!.nextRunAt!;
    const same = alerts.filter((a) => a.nextRunAt!.getTime() === first.getTime());
    // Each delivery takes 3 s, so the restart lands in the middle of the tick's evaluations.
    recording.setLatency(3_000);
    // Stop the store once the tick's deliveries are under way.
    await eventually(async () => (await tickOutcome(same, first)).executions.some((e) => e.some((x) => x.sendStartedAt !== null)), first.getTime() - Date.now() + 30_000, 'the first tick to start sending');

    await pg.stop();
    const down = await healthz();
    expect(down.status).toBe(503);
    expect(down.body.parts.store?.ok).toBe(false);
    expect(down.body.parts.slack?.ok).toBe(true);
    // The outage itself: the store stays down this long.
    await delay(3_000);
    await pg.start();
    await eventually(async () => (await healthz()).status === 200, 20_000, '/healthz to answer 200 again');

    // The interrupted tick: every evaluation recorded its result, each alert sent once.
    const firstTick = await waitForTick(same, first);
    expect([...firstTick.sends.values()]).toEqual(same.map(() => 1));
    expect(firstTick.executions.map((e) => e.map((x) => x.state))).toEqual(same.map(() => ['SUCCESS']));

    // The next minute runs as usual on the restarted store.
    recording.setLatency(0);
    const second = new Date(first.getTime() + 60_000);
    const secondTick = await waitForTick(alerts, second);
    expect([...secondTick.sends.values()]).toEqual(alerts.map(() => 1));
    expect(secondTick.executions.map((e) => e.map((x) => x.state))).toEqual(alerts.map(() => ['SUCCESS']));
  }, 200_000);
});

/**
 * Waits until every alert has a finished execution for the tick. Its sends happened before it
 * finished, and the tick key is unique, so nothing more can be sent for it afterwards.
 */
async function waitForTick(alerts: Alert[], tick: Date) {
  return eventually(
    async () => {
      const outcome = await tickOutcome(alerts, tick);
      const finished = outcome.executions.every((e) => e.length > 0 && e.every((x) => x.state !== 'WORKING'));
      return finished && outcome.sends.size === alerts.length ? outcome : null;
    },
    Math.max(0, tick.getTime() - Date.now()) + 45_000,
    `every alert's ${tick.toISOString()} tick to finish`,
  );
}
