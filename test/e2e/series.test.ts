// Conditions per series and over time, through the real tick runner, Bolt's WebClient and the Slack
// simulator (issue 3/6): a GROUP BY region alert whose regions fire and resolve one by one, a
// percent drop below and above its floor, warning → critical → warning. Ticks are run one by one
// at chosen scheduled times, so no test waits for a minute to pass.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { dataSourceConfig } from '../../src/config.js';
import type { Alert } from '../../src/domain/types.js';
import { makeAlert } from '../support/fixtures.js';
import { ALERTS, ALICE, startE2e, type E2e } from './support/e2e.js';

let e2e: E2e;
let minute = 0;

beforeAll(async () => {
  // 'big' reads the same file with a row cap of 1,000, for the 200 new rows.
  e2e = await startE2e({ extraSources: (path) => [dataSourceConfig({ name: 'big', kind: 'sqlite', path, statementTimeoutS: 30, maxRows: 1000, poolSize: 2 })] });
  e2e.exec('CREATE TABLE rates (region TEXT, rate REAL); CREATE TABLE orders (n INTEGER); INSERT INTO orders VALUES (0); CREATE TABLE cpu (v REAL); INSERT INTO cpu VALUES (0); CREATE TABLE payments (id INTEGER, customer TEXT, amount REAL);');
}, 90_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

async function stored(overrides: Partial<Alert>): Promise<Alert> {
  const alert = makeAlert({ id: randomUUID(), owners: [ALICE], dataSource: 'sample', recipients: [{ kind: 'slack_channel', id: ALERTS }], gracePeriodS: 3600, schedule: { cron: '* * * * *', timezone: 'UTC' }, ...overrides });
  await e2e.lookout.store.createAlert({ ...alert, nextRunAt: null });
  return alert;
}

/** Runs the alert's next scheduled tick (a minute after the last one any test ran). */
async function tick(alert: Alert) {
  minute += 1;
  const summary = await e2e.lookout.runner.runTick({ alertId: alert.id, scheduledAt: new Date(Date.UTC(2026, 10, 25, 9, minute)), trigger: 'schedule' });
  if (summary === null) throw new Error('the tick was not claimed');
  return summary;
}

const ofAlert = (name: string) => e2e.sim.messages(ALERTS).filter((m) => JSON.stringify(m.args).includes(name) || (m.text ?? '').includes(name));
const replies = (parent: { ts: string }) => e2e.sim.messages(ALERTS).filter((m) => m.thread_ts === parent.ts);
const words = (m: { text?: string; blocks?: unknown[] } | undefined) => `${m?.text ?? ''} ${JSON.stringify(m?.blocks ?? [])}`.replace(/&gt;/g, '>').replace(/\*/g, '');

describe('a GROUP BY region alert', () => {
  it('one region fires, then a second, then the first resolves, then the second: one first message, the rest in its thread', async () => {
    const alert = await stored({ name: 'Error rate by region', sql: 'SELECT region, rate FROM rates ORDER BY region', labels: ['region'], condition: { op: '>', threshold: 5 } });
    const set = (eu: number, us: number) => e2e.exec(`DELETE FROM rates; INSERT INTO rates VALUES ('eu', ${eu}), ('us', ${us}), ('ap', 1);`);

    set(7, 1);
    expect(await tick(alert)).toMatchObject({ state: 'SUCCESS' });
    const [first] = e2e.posts(ALERTS).filter((m) => (m.text ?? '').includes(alert.name));
    expect(first).toBeDefined();
    expect(words(first)).toContain('region=eu fired — 7 > 5');
    expect(words(first)).toContain('Firing now: region=eu 7 — 1 of 3 series');

    set(8, 9);
    expect(await tick(alert)).toMatchObject({ state: 'SUCCESS' });
    expect(replies(first!).map(words)).toEqual([expect.stringContaining('region=us fired — 9 > 5')]);
    // The first message now says who fires.
    const rewritten = e2e.sim.messages(ALERTS).find((m) => m.ts === first!.ts);
    expect(words(rewritten)).toContain('Firing now: region=eu 8, region=us 9 — 2 of 3 series');

    set(2, 9);
    expect(await tick(alert)).toMatchObject({ state: 'SUCCESS' });
    expect(words(replies(first!)[1])).toContain('region=eu resolved — 2 is not > 5');
    expect(words(e2e.sim.messages(ALERTS).find((m) => m.ts === first!.ts))).toContain('Firing now: region=us 9 — 1 of 3 series');

    set(2, 3);
    expect(await tick(alert)).toMatchObject({ state: 'NOOP', reason: expect.stringContaining('every series resolved') });
    expect(words(replies(first!)[2])).toContain('Error rate by region resolved');
    expect(words(replies(first!)[2])).toContain('region=us resolved — 3 is not > 5');
    expect(words(e2e.sim.messages(ALERTS).find((m) => m.ts === first!.ts))).toContain('Resolved');
    // One top-level message for the whole incident.
    expect(e2e.posts(ALERTS).filter((m) => (m.text ?? '').includes(alert.name))).toHaveLength(1);

    const history = await e2e.lookout.store.history(alert.id, 10);
    expect(history.map((x) => x.series.map((s) => `${s.labels.region}:${s.event}`).join(' ')).reverse()).toEqual([
      'ap:normal eu:fired us:normal',
      'ap:normal eu:grace us:fired',
      'ap:normal eu:resolved us:grace',
      'ap:normal eu:normal us:resolved',
    ]);
  });
});

describe('a percent drop with a floor', () => {
  it('says nothing below the floor and fires above it', async () => {
    const alert = await stored({
      name: 'Orders dropped',
      sql: 'SELECT n FROM orders',
      measure: { kind: 'change', mode: 'percent', direction: 'down', floor: 100 },
      condition: { op: '>=', threshold: 30 },
    });
    const orders = async (n: number) => {
      e2e.exec(`UPDATE orders SET n = ${n}`);
      return tick(alert);
    };
    expect(await orders(50)).toMatchObject({ state: 'NOOP', reason: expect.stringContaining('first value 50 recorded') });
    expect(await orders(20)).toMatchObject({ state: 'NOOP', reason: 'from 50 to 20; the previous value is below the floor 100' });
    expect(ofAlert(alert.name)).toHaveLength(0);
    expect(await orders(500)).toMatchObject({ state: 'NOOP' });
    expect(await orders(200)).toMatchObject({ state: 'SUCCESS' });
    const [posted] = e2e.posts(ALERTS).filter((m) => (m.text ?? '').includes(alert.name));
    expect(words(posted)).toContain('dropped 60% (from 500 to 200) >= 30');
    expect(words(posted)).toContain('a drop >= 30% since the last check (when the previous value is at least 100)');
  });
});

describe('warning and critical', () => {
  it('warns, escalates to critical, comes down to warning, each in the thread with its own emoji', async () => {
    const alert = await stored({ name: 'CPU busy', sql: 'SELECT v FROM cpu', condition: { op: '>=', threshold: 95 }, warning: { op: '>=', threshold: 80 } });
    const cpu = async (v: number) => {
      e2e.exec(`UPDATE cpu SET v = ${v}`);
      return tick(alert);
    };
    expect(await cpu(85)).toMatchObject({ state: 'SUCCESS' });
    const [first] = e2e.posts(ALERTS).filter((m) => (m.text ?? '').includes(alert.name));
    expect(first?.text).toContain('🟠 CPU busy');
    expect(words(first)).toContain('Warning fired — 85 >= 80');
    expect(await cpu(97)).toMatchObject({ state: 'SUCCESS' });
    expect(await cpu(88)).toMatchObject({ state: 'SUCCESS' });
    expect(await cpu(89)).toMatchObject({ state: 'GRACE' });
    const thread = replies(first!).map(words);
    expect(thread).toEqual([expect.stringContaining('🔴 CPU busy — critical now'), expect.stringContaining('🟠 CPU busy — down to warning')]);
    expect(thread[0]).toContain('Escalated to critical — 97 >= 95');
    expect(await cpu(10)).toMatchObject({ state: 'NOOP' });
    expect(words(replies(first!)[2])).toContain('CPU busy resolved');
  });
});

describe('new rows', () => {
  it('records the first run, then sends 5 new rows one message each, then 200 as 20 and one that counts the rest', async () => {
    const alert = await stored({
      name: 'Failed payments',
      dataSource: 'big',
      sql: 'SELECT id, customer, amount FROM payments ORDER BY id',
      measure: { kind: 'new_rows', keyColumn: 'id', maxPerTick: 20, sendFirstRun: false, retentionDays: 30 },
      condition: { op: 'rows exist' },
    });
    const add = (from: number, n: number) =>
      e2e.exec(`INSERT INTO payments VALUES ${Array.from({ length: n }, (_, i) => `(${from + i}, 'customer ${from + i}', ${10 + i})`).join(', ')};`);
    const posted = () => e2e.posts(ALERTS).filter((m) => (m.text ?? '').includes('Failed payments'));

    add(1, 3);
    expect(await tick(alert)).toMatchObject({ state: 'NOOP', reason: 'first run: 3 keys recorded, nothing sent' });
    expect(posted()).toHaveLength(0);

    add(4, 5);
    expect(await tick(alert)).toMatchObject({ state: 'SUCCESS', reason: '5 new rows' });
    expect(posted().map(words)).toEqual([4, 5, 6, 7, 8].map((id) => expect.stringContaining(`id: ${id}`)));
    expect(words(posted()[0])).toContain('customer: customer 4');

    add(100, 200);
    expect(await tick(alert)).toMatchObject({ state: 'SUCCESS', reason: '200 new rows, 20 sent and 180 counted' });
    const all = posted();
    expect(all).toHaveLength(5 + 21);
    expect(words(all[5])).toContain('id: 100');
    expect(words(all[24])).toContain('id: 119');
    expect(words(all[25])).toContain('and 180 more new rows not shown');

    expect(await tick(alert)).toMatchObject({ state: 'NOOP', reason: 'no new rows (208 seen before)' });
    expect(posted()).toHaveLength(26);
    // 26 posts to one channel at Slack's pace of about one a second (storm control, issue 4/6).
  }, 90_000);
});
