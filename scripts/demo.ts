// `npm run demo`: Lookout end to end on the embedded defaults. Starts the embedded store
// (PGlite), a sample SQLite data source and the real scheduler; creates an alert through the
// service; runs it now, lets its scheduled tick fire, then shows the messages it would have
// sent (the recording delivery stands in for Slack and email) and its execution history.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../src/config.js';
import { createRecordingDelivery } from '../src/delivery/recording-delivery.js';
import { describeCondition } from '../src/domain/condition.js';
import { describeSchedule } from '../src/domain/schedule.js';
import { silentLogger } from '../src/logger.js';
import { startLookout } from '../src/lookout.js';

const dir = mkdtempSync(join(tmpdir(), 'lookout-demo-'));
const say = (line = '') => console.log(line);

// The sample data source: a small shop database.
mkdirSync(dir, { recursive: true });
const samplePath = join(dir, 'sample.sqlite');
const sample = new Database(samplePath);
sample.exec(`
  CREATE TABLE orders (id INTEGER PRIMARY KEY, region TEXT, status TEXT, amount REAL);
  INSERT INTO orders (region, status, amount) VALUES
    ('서울', 'pending', 120.5), ('Berlin', 'pending', 80), ('Austin', 'paid', 42),
    ('서울', 'pending', 15), ('Lyon', 'pending', 99.9), ('Austin', 'pending', 12),
    ('Berlin', 'pending', 64), ('서울', 'paid', 230);
`);
sample.close();

const config: Config = {
  store: { kind: 'pglite', dataDir: join(dir, 'store') },
  dataSources: [
    { name: 'shop', kind: 'sqlite', path: samplePath, statementTimeoutS: 30, maxRows: 1000, poolSize: 1, allowedUsers: [] },
  ],
  admins: ['UADMIN'],
  screenshots: { allowedHosts: [] },
  scheduler: { shards: 4, concurrency: 8, instance: 'demo' },
  slack: null,
  logLevel: 'silent',
};

const recording = createRecordingDelivery();
say('Starting Lookout on the embedded store (PGlite) with a sample SQLite data source…');
const lookout = await startLookout(config, { logger: silentLogger(), delivery: recording, processEveryMs: 1000 });
const actor = { userId: 'UDEMO' };

try {
  say('Creating an alert through the service (what `/alert create` will call)…');
  const alert = await lookout.service.create(actor, {
    name: 'Pending orders piling up',
    description: 'More than 5 orders are waiting for payment.',
    type: 'alert',
    dataSource: 'shop',
    sql: "SELECT count(*) FROM orders WHERE status = 'pending'",
    condition: { op: '>', threshold: 5 },
    schedule: { cron: '* * * * *', timezone: 'Asia/Seoul' },
    gracePeriodS: 1,
    recipients: [
      { kind: 'slack_channel', id: 'C0DEMO' },
      { kind: 'email', address: 'ops@example.com' },
    ],
  });
  say(`  "${alert.name}": ${describeCondition(alert.condition!)}, ${describeSchedule(alert.schedule)}`);
  say(`  next run ${alert.nextRunAt?.toISOString()}`);

  say('Run now…');
  await lookout.service.runNow(actor, alert.id);
  await waitFor(() => recording.sent.length >= 2, 30_000);

  const tick = alert.nextRunAt!;
  say(`Waiting for the scheduled tick at ${tick.toISOString()} (${Math.max(0, Math.round((tick.getTime() - Date.now()) / 1000))} s)…`);
  await waitFor(() => recording.sent.some((m) => m.message.scheduledAt.getTime() === tick.getTime()), 90_000);
  await waitFor(async () => (await lookout.store.history(alert.id, 5)).every((e) => e.state !== 'WORKING'), 10_000);

  say();
  say('Messages Lookout sent (recorded):');
  for (const { recipient, message } of recording.sent) {
    say(`  → ${recipient.padEnd(24)} ${message.kind.padEnd(8)} "${message.alert.name}" value ${message.value} (tick ${message.scheduledAt.toISOString()})`);
  }
  say();
  say('Execution history:');
  for (const e of await lookout.store.history(alert.id, 10)) {
    say(`  ${e.scheduledAt.toISOString()}  ${e.trigger.padEnd(8)} ${e.state.padEnd(8)} value ${e.value} query ${e.queryMs} ms`);
  }
  say();
  say('Demo finished.');
} finally {
  await lookout.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`the demo waited ${timeoutMs / 1000} s and nothing happened`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
