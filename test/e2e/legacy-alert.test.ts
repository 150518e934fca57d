// An alert stored by the code before series existed (issue 3/6) runs exactly as it did: the row
// is written with the columns that code wrote, its ticks are run through the real tick runner and
// Slack simulator, and everything Lookout posts, rewrites and records is compared with what the
// code before this change did with the same row (test/e2e/fixtures/legacy-alert.json, recorded by
// running this file against that code with RECORD_LEGACY=1). One line of it was changed by hand
// since, as it changed for every alert: the rewritten first message's note says "Last changed …"
// where it said "Updated …" (issue 6/6, DESIGN.md "One Slack call per repeat that changes nothing").
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { ALERTS, ALICE, startE2e, type E2e } from './support/e2e.js';

const FIXTURE = join(process.cwd(), 'test/e2e/fixtures/legacy-alert.json');
const ID = '0b8f5a0e-3c2d-4e5f-8a9b-1c2d3e4f5a6b';
const tick = (minute: number) => new Date(Date.UTC(2026, 10, 25, 9, minute));

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
  const client = new pg.Client({ connectionString: e2e.db.url });
  await client.connect();
  // Exactly the columns migrations 001 and 002 have: what the code before issue 3/6 stored.
  await client.query(
    `INSERT INTO alerts (id, name, description, owners, type, data_source, sql, condition, schedule_cron, schedule_timezone,
       grace_period_s, working_timeout_s, log_retention_days, content, message_template, recipients, email_fallback,
       notify_on_recovery, active, snoozed_until, next_run_at, shard, threads, created_by, created_at, updated_by, updated_at)
     VALUES ($1, 'Stuck payments', 'Payments waiting for more than 10 minutes', $2, 'alert', 'sample', 'SELECT v FROM metric',
       '{"op":">","threshold":40}', '*/5 * * * *', 'Asia/Seoul', 600, 300, 90, '{"kind":"none"}', NULL, $3, false,
       true, true, NULL, NULL, 0, '{}', $4, $5, $4, $5)`,
    [ID, [ALICE], JSON.stringify([{ kind: 'slack_channel', id: ALERTS }]), ALICE, new Date('2026-11-01T00:00:00Z')],
  );
  await client.end();
}, 90_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

/** The Acknowledge button (issue 4/6) is new on every firing message: it is left out of the comparison. */
const NEW_BUTTONS = new Set(['alert_acknowledge', 'alert_unacknowledge']);
function withoutNewButtons(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => !NEW_BUTTONS.has((v as { action_id?: string } | null)?.action_id ?? '')).map(withoutNewButtons);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNewButtons(v)]));
}

/** What people see and what the history says, without the parts that differ from run to run. */
function observed(): unknown {
  const normal = (value: unknown) =>
    JSON.parse(
      JSON.stringify(value)
        .replace(/\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?Z?)?( \([A-Za-z/_]+\))?/g, '<time>')
        .replace(/"\d{10}\.\d{6}"/g, '"<ts>"')
        .replace(/"initial_date_time":\d+/g, '"initial_date_time":"<time>"')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => (id === ID ? id : '<id>')),
    ) as unknown;
  const messages = e2e.sim.messages(ALERTS).map((m) => ({
    thread: m.thread_ts !== undefined,
    text: m.text,
    blocks: m.blocks,
    versions: m.history.map((v) => ({ text: v.text, blocks: v.blocks })),
  }));
  return withoutNewButtons(normal({ messages }));
}

describe('an alert stored before series existed', () => {
  it('fires, keeps quiet in its grace period, repeats in its thread and resolves, as it always did', async () => {
    const history: unknown[] = [];
    const run = async (minute: number) => {
      const summary = await e2e.lookout.runner.runTick({ alertId: ID, scheduledAt: tick(minute), trigger: 'schedule' });
      history.push({ state: summary?.state, reason: summary?.reason?.replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, '<time>'), deliveries: summary?.deliveries.map((d) => d.ok) });
    };
    e2e.setMetric(42);
    await run(0); // fires: the first message
    await run(5); // within the 600 s grace period: nothing
    await run(15); // past it: a reply in the thread, the first message rewritten
    e2e.setMetric(3);
    await run(20); // resolved in the thread, the first message rewritten
    const stored = await e2e.lookout.store.history(ID, 10);
    const got = { observed: observed(), history, values: stored.map((x) => [x.state, x.value]).reverse() };
    if (process.env.RECORD_LEGACY === '1') writeFileSync(FIXTURE, `${JSON.stringify(got, null, 2)}\n`);
    expect(got).toEqual(JSON.parse(readFileSync(FIXTURE, 'utf8')));
  });
});
