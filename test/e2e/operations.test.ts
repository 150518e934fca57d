// The operations port of a Lookout as main.ts builds it (Slack via the simulator): /healthz
// says which part is down, /metrics counts what ran. The store going down is in
// test/faults/store-restart.test.ts.
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALERTS, ALICE, startE2e, type E2e } from './support/e2e.js';

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e({ configure: (config) => ({ ...config, http: { port: 0 } }) });
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
});

const url = (path: string) => `http://127.0.0.1:${e2e.lookout.httpPort}${path}`;

async function healthz(): Promise<{ status: number; body: { ok: boolean; parts: Record<string, { ok: boolean; detail: string }> } }> {
  const res = await fetch(url('/healthz'));
  return { status: res.status, body: (await res.json()) as never };
}

describe('/healthz', () => {
  it('is 200 with each part when all is well', async () => {
    expect(await healthz()).toEqual({
      status: 200,
      body: {
        ok: true,
        parts: {
          store: { ok: true, detail: 'answers' },
          slack: { ok: true, detail: 'Socket Mode connected' },
          browser: { ok: true, detail: 'not used (screenshots are off)' },
        },
      },
    });
  });

  it('is 503 naming Slack while the socket is down, and 200 once it has reconnected', async () => {
    e2e.sim.dropConnections();
    let seen = await healthz();
    for (let i = 0; i < 40 && seen.status === 200; i += 1) {
      await delay(50);
      seen = await healthz();
    }
    expect(seen.status).toBe(503);
    expect(seen.body.parts.slack).toEqual({ ok: false, detail: 'Socket Mode is not connected (reconnecting)' });
    expect(seen.body.parts.store?.ok).toBe(true);
    await e2e.sim.waitForConnection(30_000);
    for (let i = 0; i < 100 && seen.status !== 200; i += 1) {
      await delay(100);
      seen = await healthz();
    }
    expect(seen.status).toBe(200);
  }, 40_000);
});

describe('/metrics', () => {
  it('counts evaluations by state and deliveries by channel and result', async () => {
    const alert = await e2e.lookout.service.create(
      { userId: ALICE },
      {
        name: 'metrics check',
        type: 'alert',
        dataSource: 'sample',
        sql: 'SELECT 5',
        condition: { op: '>', threshold: 1 },
        schedule: { cron: '0 9 1 1 *', timezone: 'UTC' },
        recipients: [{ kind: 'slack_channel', id: ALERTS }],
      },
    );
    const before = await (await fetch(url('/metrics'))).text();
    expect(before).toContain('# TYPE lookout_evaluations_total counter');
    expect(before).not.toContain('lookout_evaluations_total{state="SUCCESS",trigger="run_now"}');

    await e2e.lookout.service.runNow({ userId: ALICE }, alert.id);
    await e2e.sim.waitUntil(() => e2e.posts(ALERTS).find((m) => (m.text ?? '').includes('metrics check')), 20_000);
    let text = '';
    for (let i = 0; i < 50 && !text.includes('trigger="run_now"'); i += 1) {
      await delay(100);
      text = await (await fetch(url('/metrics'))).text();
    }
    expect(text).toContain('lookout_evaluations_total{state="SUCCESS",trigger="run_now"} 1');
    expect(text).toContain('lookout_deliveries_total{channel="slack",result="ok"} 1');
    expect(text).toMatch(/lookout_query_duration_seconds_count 1\b/);
    expect(text).toMatch(/lookout_delivery_duration_seconds_count 1\b/);
    expect(text).toMatch(/lookout_instances 1\b/);
    expect(text).toMatch(/lookout_shard_share \d+/);
    expect(text).toContain('lookout_process_resident_memory_bytes');
    expect(text).toContain('lookout_nodejs_eventloop_lag_seconds');
    // Label values are fixed words: no alert names or channels.
    expect(text).not.toContain('metrics check');
    expect(text).not.toContain(ALERTS);
  }, 40_000);

  it('serves nothing else', async () => {
    expect((await fetch(url('/'))).status).toBe(404);
    expect((await fetch(url('/metrics'), { method: 'POST' })).status).toBe(405);
  });
});
