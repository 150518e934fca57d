// `npm run demo`: Lookout end to end on the embedded defaults, as a person would use it.
// Starts the embedded store (PGlite), a sample SQLite data source, a DuckDB data source over a
// folder of CSV exports, a local Slack simulator, a local mail server and the real Slack app
// (Bolt in Socket Mode, pointed at the simulator); types `/alert create` three times, fills in
// and submits the modal (an alert, a bar-chart report to the channel and an email address, an
// alert on the CSV exports); lets them run on their next minute; then prints the Slack
// messages Lookout posted, readably — the report's chart as the data of Slack's own chart
// block — and writes the chart's PNG, as the email carried it (and as Slack gets it when the
// data do not fit its chart), to a file it names.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { makeConfig, type Config, dataSourceConfig } from '../src/config.js';
import type { Alert } from '../src/domain/types.js';
import { silentLogger } from '../src/logger.js';
import { startLookout } from '../src/lookout.js';
import type { NativeChart } from '../src/messages/native-chart.js';
import { ACTION, BLOCK } from '../src/messages/slack/ids.js';
import { contentBlock } from '../src/slack/blocks/content-fields.js';
import { startSlackSimulator, type SimMessage, type SlackView } from '../test/support/slack-simulator/index.js';
import { startSmtpSink } from '../test/support/smtp-sink.js';

const ALICE = 'U0ALICE01';
const CHANNEL = 'C0SHOPOPS';
const OPS_EMAIL = 'ops@shop.example';
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

// The DuckDB data source: a folder of CSV exports it may read, and nothing else.
const exportsDir = join(dir, 'exports');
mkdirSync(exportsDir);
const refundsCsv = join(exportsDir, 'refunds.csv');
writeFileSync(
  refundsCsv,
  'day,region,refunds\n2026-12-01,Berlin,2\n2026-12-01,서울,1\n2026-12-02,Berlin,7\n2026-12-02,Austin,4\n2026-12-02,서울,3\n',
);

say('Starting a local Slack simulator, a local mail server, the embedded store (PGlite) and the Lookout Slack app…');
const sim = await startSlackSimulator({
  users: [{ id: ALICE, name: 'alice', realName: 'Alice Kim', tz: 'Asia/Seoul' }],
  channels: [{ id: CHANNEL, name: 'shop-ops', members: [ALICE] }],
});
const smtp = await startSmtpSink();
const config: Config = makeConfig({
  store: { kind: 'pglite', dataDir: join(dir, 'store') },
  dataSources: [
    dataSourceConfig({ name: 'shop', kind: 'sqlite', path: samplePath, statementTimeoutS: 30, maxRows: 1000, poolSize: 1 }),
    dataSourceConfig({ name: 'exports', kind: 'duckdb', allowedDirs: [exportsDir], statementTimeoutS: 30, maxRows: 1000, poolSize: 1 }),
  ],
  admins: [ALICE],
  scheduler: { shards: 4, concurrency: 8, instance: 'demo' },
  slack: { botToken: sim.botToken, appToken: sim.appToken, apiUrl: sim.url },
  email: { smtpUrl: smtp.url, from: 'Lookout <lookout@shop.example>' },
  // Health and metrics on a port the OS picks (HTTP_PORT in production).
  http: { port: 0 },
  logLevel: 'silent',
});
const lookout = await startLookout(config, { logger: silentLogger(), processEveryMs: 1000, lockLifetimeMs: 2000 });
let exitCode = 0;
try {
  await sim.waitForConnection();

  say('Alice types `/alert create` in #shop-ops…');
  let view = await openCreateModal();
  say(`  the modal opened (${sim.calls('views.open').length} views.open call)`);

  say('…chooses "every N minutes" (the modal re-renders), fills it in and submits it.');
  view = await choose(view, ACTION.schedulePresetChanged, 'every_minutes');
  const alert = await submit(view, {
    [BLOCK.name]: { [ACTION.value]: 'Pending orders piling up' },
    [BLOCK.description]: { [ACTION.value]: 'More than 5 orders are waiting for payment.' },
    [BLOCK.dataSource]: { [ACTION.value]: 'shop' },
    [BLOCK.sql]: { [ACTION.value]: "SELECT count(*) FROM orders WHERE status = 'pending'" },
    [BLOCK.conditionOp]: { [ACTION.conditionOpChanged]: '>' },
    [BLOCK.conditionThreshold]: { [ACTION.value]: '5' },
    [BLOCK.scheduleEveryMinutes]: { [ACTION.scheduleChanged]: '1' },
    [BLOCK.gracePeriodS]: { [ACTION.value]: '1' },
    [BLOCK.recipientChannels]: { [ACTION.value]: [CHANNEL] },
  });
  say(`  stored "${alert.name}"; next run ${alert.nextRunAt?.toISOString()}`);

  say('Then a report with a chart: `/alert create`, "Report", "every N minutes", "Chart of the result" → Bar,');
  say(`to #shop-ops and ${OPS_EMAIL}.`);
  view = await openCreateModal();
  view = await choose(view, ACTION.typeChanged, 'report');
  view = await choose(view, ACTION.schedulePresetChanged, 'every_minutes');
  view = await choose(view, ACTION.contentChanged, 'chart');
  const report = await submit(view, {
    [BLOCK.name]: { [ACTION.value]: 'Order amounts by region' },
    [BLOCK.dataSource]: { [ACTION.value]: 'shop' },
    [BLOCK.sql]: {
      [ACTION.value]:
        "SELECT region, sum(CASE WHEN status = 'pending' THEN amount ELSE 0 END) AS pending, sum(CASE WHEN status = 'paid' THEN amount ELSE 0 END) AS paid FROM orders GROUP BY region ORDER BY region",
    },
    [BLOCK.scheduleEveryMinutes]: { [ACTION.scheduleChanged]: '1' },
    [contentBlock('chart')]: { [ACTION.value]: 'bar' },
    [BLOCK.recipientChannels]: { [ACTION.value]: [CHANNEL] },
    [BLOCK.recipientEmails]: { [ACTION.value]: OPS_EMAIL },
  });
  const native = report.content.kind === 'chart' && report.content.native ? ", Slack's own chart when the data fit" : '';
  say(`  stored "${report.name}" (${report.content.kind === 'chart' ? report.content.chart : report.content.kind}${native}); next run ${report.nextRunAt?.toISOString()}`);

  say('And an alert on the CSV exports, through the DuckDB source: refunds on the latest day over 10.');
  view = await openCreateModal();
  view = await choose(view, ACTION.schedulePresetChanged, 'every_minutes');
  const refunds = await submit(view, {
    [BLOCK.name]: { [ACTION.value]: 'Refunds on the latest day' },
    [BLOCK.dataSource]: { [ACTION.value]: 'exports' },
    [BLOCK.sql]: { [ACTION.value]: `SELECT sum(refunds) FROM '${refundsCsv}' WHERE day = (SELECT max(day) FROM '${refundsCsv}')` },
    [BLOCK.conditionOp]: { [ACTION.conditionOpChanged]: '>' },
    [BLOCK.conditionThreshold]: { [ACTION.value]: '10' },
    [BLOCK.scheduleEveryMinutes]: { [ACTION.scheduleChanged]: '1' },
    [BLOCK.gracePeriodS]: { [ACTION.value]: '1' },
    [BLOCK.recipientChannels]: { [ACTION.value]: [CHANNEL] },
  });
  say(`  stored "${refunds.name}"; next run ${refunds.nextRunAt?.toISOString()}`);

  const last = Math.max(...[alert, report, refunds].map((a) => a.nextRunAt?.getTime() ?? Date.now()));
  say(`Waiting for their scheduled ticks (${Math.max(0, Math.round((last - Date.now()) / 1000))} s)…`);
  for (const a of [alert, report, refunds]) {
    await sim.waitUntil(() => sim.messages(CHANNEL).find((m) => m.via === 'chat.postMessage' && (m.text ?? '').includes(a.name)), 150_000);
    await waitFor(async () => ((await lookout.store.history(a.id, 1))[0]?.state ?? 'WORKING') !== 'WORKING' || null, 30_000);
  }
  const [mail] = await smtp.waitForMessages(1, 30_000);

  say();
  say('What Lookout posted in Slack:');
  for (const channelOrUser of [CHANNEL, ALICE]) {
    for (const message of sim.messages(channelOrUser)) printMessage(channelOrUser === CHANNEL ? '#shop-ops' : 'DM to alice', message);
  }
  const files = sim.files();
  say(files.length === 0 ? "  (no files uploaded: the report's chart went as Slack's own chart block)" : `  files: ${files.map((f) => f.name).join(', ')}`);
  say();
  say('What Lookout emailed:');
  say(`  ── to ${OPS_EMAIL}: ${mail?.subject ?? ''}`);
  const picture = mail?.attachments.find((a) => a.contentType === 'image/png');
  if (picture === undefined) throw new Error('the email carried no chart');
  const { width, height } = PNG.sync.read(picture.content);
  // Outside the demo's folder, which goes at the end: the picture stays to be opened.
  const picturePath = join(mkdtempSync(join(tmpdir(), 'lookout-demo-chart-')), picture.filename ?? 'chart.png');
  writeFileSync(picturePath, picture.content);
  say(`     the chart as a picture, inline: ${width}×${height} PNG, ${Math.round(picture.content.length / 1024)} KB`);
  say(`     (the same PNG goes to Slack when the data do not fit its chart block)`);
  say(`  Open it: ${picturePath}`);
  say();
  say('Execution history:');
  for (const a of [alert, report, refunds]) {
    for (const e of await lookout.store.history(a.id, 5)) {
      const picture = e.deliveries.map((d) => d.picture).find((p) => p) ?? null;
      const shown = a.type === 'alert' ? `value ${e.value}` : `${e.deliveries.length} deliveries${picture ? `, picture in Slack: ${picture}` : ''}`;
      say(`  ${e.scheduledAt.toISOString()}  ${a.name.padEnd(26)} ${e.trigger.padEnd(8)} ${e.state.padEnd(8)} ${shown}`);
    }
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
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);

/** Types `/alert create` in #shop-ops and returns the modal that opens. */
async function openCreateModal(): Promise<SlackView> {
  const opens = sim.calls('views.open').length;
  await sim.slashCommand({ user_id: ALICE, channel_id: CHANNEL, text: 'create' });
  const opened = await sim.waitUntil(() => sim.calls('views.open')[opens]);
  return (opened.response as { view: SlackView }).view;
}

/** Picks an option that re-renders the modal (type, schedule preset, content) and returns the new view. */
async function choose(view: SlackView, action: string, value: string): Promise<SlackView> {
  const hash = sim.view(view.id)?.hash;
  await sim.blockAction({ user: ALICE, view: view.id, action_id: action, value });
  return sim.waitUntil(() => {
    const now = sim.view(view.id);
    return now !== undefined && now.hash !== hash ? now : undefined;
  });
}

/** Submits the modal and returns the alert Lookout stored. */
async function submit(view: SlackView, values: Parameters<typeof sim.viewSubmission>[0]['values']): Promise<Alert> {
  const ack = await sim.viewSubmission({ view: view.id, user: ALICE, values });
  if (Object.keys(ack).length > 0) throw new Error(`the modal was refused: ${JSON.stringify(ack)}`);
  const name = String((values?.[BLOCK.name] as Record<string, unknown> | undefined)?.[ACTION.value]);
  return waitFor(() => lookout.store.findAlertByName(name), 10_000);
}

function printMessage(where: string, message: SimMessage): void {
  say(`  ── ${where}${message.thread_ts ? ' (in thread)' : ''} via ${message.via}`);
  for (const line of blockLines(message.blocks)) say(`     ${line}`);
  if (!message.blocks || message.blocks.length === 0) say(`     ${message.text ?? ''}`);
}

/**
 * The readable text of Block Kit blocks: headers, sections, fields, context, button labels,
 * Slack's table block as rows, and its chart block (data_visualization) as its data.
 */
function blockLines(blocks: unknown[] | undefined): string[] {
  const lines: string[] = [];
  for (const block of (blocks ?? []) as Record<string, unknown>[]) {
    const textOf = (t: unknown) => (t && typeof t === 'object' ? String((t as { text?: unknown }).text ?? '') : '');
    if (block.type === 'data_visualization') lines.push(...chartLines(block as unknown as NativeChart));
    if (block.type === 'table' && Array.isArray(block.rows)) {
      lines.push(...aligned((block.rows as { text?: string }[][]).map((row) => row.map((cell) => cell.text ?? ''))));
    }
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

/** Slack's chart block as what it draws: title and type, then the categories and each series' values. */
function chartLines(block: NativeChart): string[] {
  const chart = block.chart;
  const head = `[Slack's own chart: data_visualization block] "${block.title}", ${chart.type}`;
  if (chart.type === 'pie') return [head, ...aligned([['slice', ...chart.segments.map((s) => s.label)], ['value', ...chart.segments.map((s) => String(s.value))]])];
  const rows = [
    [chart.axis_config.x_label ?? 'category', ...chart.axis_config.categories],
    ...chart.series.map((series) => [series.name, ...series.data.map((p) => String(p.value))]),
  ];
  return [head, ...aligned(rows).map((l) => `  ${l}`)];
}

/** Rows as columns: text left, numbers right; Hangul and other wide characters count two. */
function aligned(rows: string[][]): string[] {
  const width = (text: string) => [...text].reduce((n, ch) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => width(r[i] ?? ''))));
  const numeric = (text: string) => text !== '' && !Number.isNaN(Number(text));
  return rows.map((r) =>
    r
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - width(cell));
        return numeric(cell) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
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
