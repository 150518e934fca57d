// `npm run demo`: Lookout end to end on the embedded defaults, as a person would use it.
// Starts the embedded store (PGlite), a sample SQLite data source, a local Slack simulator
// and the real Slack app (Bolt in Socket Mode, pointed at the simulator); types
// `/alert create`, fills in and submits the modal; lets the alert fire on its next minute;
// then prints the Slack messages Lookout posted, readably.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeConfig, type Config, dataSourceConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startLookout } from '../src/lookout.js';
import { ACTION, BLOCK } from '../src/messages/slack/ids.js';
import { startSlackSimulator, type SimMessage, type SlackView } from '../test/support/slack-simulator/index.js';

const ALICE = 'U0ALICE01';
const CHANNEL = 'C0SHOPOPS';
const say = (line = '') => console.log(line);
const dir = mkdtempSync(join(tmpdir(), 'lookout-demo-'));

// The sample data source: a small shop database.
const samplePath = join(dir, 'shop.sqlite');
const sample = new Database(samplePath);
sample.exec(`
  CREATE TABLE orders (id INTEGER PRIMARY KEY, region TEXT, status TEXT, amount REAL);
  INSERT INTO orders (region, status, amount) VALUES
    ('서울', 'pending', 120.5), ('Berlin', 'pending', 80), ('Austin', 'paid', 42),
    ('서울', 'pending', 15), ('Lyon', 'pending', 99.9), ('Austin', 'pending', 12),
    ('Berlin', 'pending', 64), ('서울', 'paid', 230);
`);
sample.close();

say('Starting a local Slack simulator, the embedded store (PGlite) and the Lookout Slack app…');
const sim = await startSlackSimulator({
  users: [{ id: ALICE, name: 'alice', realName: 'Alice Kim', tz: 'Asia/Seoul' }],
  channels: [{ id: CHANNEL, name: 'shop-ops', members: [ALICE] }],
});
const config: Config = makeConfig({
  store: { kind: 'pglite', dataDir: join(dir, 'store') },
  dataSources: [
    dataSourceConfig({ name: 'shop', kind: 'sqlite', path: samplePath, statementTimeoutS: 30, maxRows: 1000, poolSize: 1 }),
  ],
  admins: [ALICE],
  scheduler: { shards: 4, concurrency: 8, instance: 'demo' },
  slack: { botToken: sim.botToken, appToken: sim.appToken, apiUrl: sim.url },
  // Health and metrics on a port the OS picks (HTTP_PORT in production).
  http: { port: 0 },
  logLevel: 'silent',
});
const lookout = await startLookout(config, { logger: silentLogger(), processEveryMs: 1000, lockLifetimeMs: 2000 });
let exitCode = 0;
try {
  await sim.waitForConnection();

  say('Alice types `/alert create` in #shop-ops…');
  const opens = sim.calls('views.open').length;
  await sim.slashCommand({ user_id: ALICE, channel_id: CHANNEL, text: 'create' });
  const opened = await sim.waitUntil(() => sim.calls('views.open')[opens]);
  let view = (opened.response as { view: SlackView }).view;
  say(`  the modal opened (${sim.calls('views.open').length} views.open call)`);

  say('…chooses "every N minutes" (the modal re-renders), fills it in and submits it.');
  const hash = sim.view(view.id)?.hash;
  await sim.blockAction({ user: ALICE, view: view.id, action_id: ACTION.schedulePresetChanged, value: 'every_minutes' });
  view = await sim.waitUntil(() => {
    const now = sim.view(view.id);
    return now !== undefined && now.hash !== hash ? now : undefined;
  });
  const ack = await sim.viewSubmission({
    view: view.id,
    user: ALICE,
    values: {
      [BLOCK.name]: { [ACTION.value]: 'Pending orders piling up' },
      [BLOCK.description]: { [ACTION.value]: 'More than 5 orders are waiting for payment.' },
      [BLOCK.dataSource]: { [ACTION.value]: 'shop' },
      [BLOCK.sql]: { [ACTION.value]: "SELECT count(*) FROM orders WHERE status = 'pending'" },
      [BLOCK.conditionOp]: { [ACTION.value]: '>' },
      [BLOCK.conditionThreshold]: { [ACTION.value]: '5' },
      [BLOCK.scheduleEveryMinutes]: { [ACTION.scheduleChanged]: '1' },
      [BLOCK.gracePeriodS]: { [ACTION.value]: '1' },
      [BLOCK.recipientChannels]: { [ACTION.value]: [CHANNEL] },
    },
  });
  if (Object.keys(ack).length > 0) throw new Error(`the modal was refused: ${JSON.stringify(ack)}`);
  const alert = await waitFor(() => lookout.store.findAlertByName('Pending orders piling up'), 10_000);
  say(`  stored "${alert.name}"; next run ${alert.nextRunAt?.toISOString()}`);

  const seconds = Math.max(0, Math.round(((alert.nextRunAt?.getTime() ?? Date.now()) - Date.now()) / 1000));
  say(`Waiting for its scheduled tick (${seconds} s)…`);
  await sim.waitUntil(() => sim.messages(CHANNEL).find((m) => m.via === 'chat.postMessage'), 90_000);
  await waitFor(async () => ((await lookout.store.history(alert.id, 1))[0]?.state ?? 'WORKING') !== 'WORKING' || null, 10_000);

  say();
  say('What Lookout posted in Slack:');
  for (const channelOrUser of [CHANNEL, ALICE]) {
    for (const message of sim.messages(channelOrUser)) printMessage(channelOrUser === CHANNEL ? '#shop-ops' : 'DM to alice', message);
  }
  const files = sim.files();
  say(files.length === 0 ? '  (no files uploaded)' : `  files: ${files.map((f) => f.name).join(', ')}`);
  say();
  say('Execution history:');
  for (const e of await lookout.store.history(alert.id, 5)) {
    say(`  ${e.scheduledAt.toISOString()}  ${e.trigger.padEnd(8)} ${e.state.padEnd(8)} value ${e.value}`);
  }
  say();
  const health = await fetch(`http://127.0.0.1:${lookout.httpPort}/healthz`);
  say(`GET /healthz → ${health.status} ${await health.text()}`.trimEnd());
  const metrics = await (await fetch(`http://127.0.0.1:${lookout.httpPort}/metrics`)).text();
  say('GET /metrics (Lookout lines with a value):');
  for (const line of metrics.split('\n').filter((l) => /^lookout_(evaluations_total|deliveries_total|ticks_claimed_total|instances|shard_share)\b/.test(l))) {
    say(`  ${line}`);
  }
  say();
  say('Demo finished.');
} catch (err) {
  console.error(`demo failed: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  await lookout.stop();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);

function printMessage(where: string, message: SimMessage): void {
  say(`  ── ${where}${message.thread_ts ? ' (in thread)' : ''} via ${message.via}`);
  for (const line of blockLines(message.blocks)) say(`     ${line}`);
  if (!message.blocks || message.blocks.length === 0) say(`     ${message.text ?? ''}`);
}

/** The readable text of Block Kit blocks: headers, sections, fields, context, button labels. */
function blockLines(blocks: unknown[] | undefined): string[] {
  const lines: string[] = [];
  for (const block of (blocks ?? []) as Record<string, unknown>[]) {
    const textOf = (t: unknown) => (t && typeof t === 'object' ? String((t as { text?: unknown }).text ?? '') : '');
    if (block.text) lines.push(...textOf(block.text).split('\n'));
    if (Array.isArray(block.fields)) lines.push(block.fields.map(textOf).join('  |  '));
    if (Array.isArray(block.elements)) {
      const parts = (block.elements as Record<string, unknown>[]).map((e) => textOf(e.text) || textOf(e) || (e.type === 'datetimepicker' ? 'Snooze until…' : ''));
      const labels = block.type === 'actions' ? parts.filter(Boolean).map((p) => `[${p}]`) : parts;
      lines.push(labels.join(' '));
    }
  }
  // Slack shows mrkdwn's escapes as the characters; so does the demo.
  return lines.filter((l) => l.trim() !== '').map((l) => l.replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&'));
}

async function waitFor<T>(check: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s and nothing happened`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
