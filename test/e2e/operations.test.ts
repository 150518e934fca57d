// The operations port of a Lookout as main.ts builds it (Slack via the simulator): /healthz
// says which part is down, /metrics counts what ran. The store going down is in
// test/faults/store-restart.test.ts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALERTS, ALICE, startE2e, type E2e } from './support/e2e.js';
import { eventually } from '../support/eventually.js';

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
    const down = await eventually(async () => {
      const seen = await healthz();
      return seen.status === 503 ? seen : null;
    }, 5_000, '/healthz to notice the socket is down');
    expect(down.body.parts.slack).toEqual({ ok: false, detail: 'Socket Mode is not connected (reconnecting)' });
    expect(down.body.parts.store?.ok).toBe(true);
    await e2e.sim.waitForConnection(30_000);
    await eventually(async () => (await healthz()).status === 200, 10_000, '/healthz to answer 200 again');
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
    const text = await eventually(async () => {
      const body = await (await fetch(url('/metrics'))).text();
      return body.includes('trigger="run_now"') ? body : null;
    }, 5_000, 'the run to show in /metrics');
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
