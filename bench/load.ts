// Load benchmark: N every-minute alerts that fire and send every minute, run by K Lookout
// processes (src/main.ts, as `npm start` runs it) on one PostgreSQL database, delivering to
// the Slack simulator through the real WebClient, for M minutes. Counts from the simulator
// (what reached Slack) and the store (what was evaluated): ticks due, evaluated, sends,
// duplicates, lost ticks, lateness (from the tick to the message reaching Slack) and peak
// RSS per instance. Prints a table, then one JSON line of the figures. Asserts nothing.
//
//   npm run bench:load -- --alerts 10000 --instances 2 --minutes 5 [--concurrency 128] [--restart] [--profile DIR]
// --profile writes a V8 CPU profile of each instance into DIR when it stops (not of its SQLite
// helpers, which are started with arguments and an environment of their own).
// --restart stops the first instance 25 s after the second tick and starts it again (a deploy):
// its shards move, and the instance that runs them next has nothing of them in memory.
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DEFAULT_EVAL_CONCURRENCY } from '../src/config.js';
import { nextRunAfter } from '../src/domain/schedule.js';
import { createPostgresStore } from '../src/store/postgres/store.js';
import { startLookoutProcess, type LookoutProcess } from '../test/support/lookout-process.js';
import { startSlackSimulator } from '../test/support/slack-simulator/index.js';
import { benchAlert } from './bench-alert.js';
import { cpuPerEvaluation, processTree, startCpuMeter } from './cpu-meter.js';

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '1000' },
    instances: { type: 'string', default: '2' },
    minutes: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: String(DEFAULT_EVAL_CONCURRENCY) },
    channels: { type: 'string', default: '200' },
    restart: { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const N = Number(values.alerts);
const K = Number(values.instances);
const M = Number(values.minutes);
const CHANNELS = Number(values.channels);
const SHARDS = 16;
const ADMIN_URL = process.env.BENCH_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const OWNER = 'U0BENCH01';
const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

// Slack, lean: tens of thousands of posts kept without their blocks.
const channelIds = Array.from({ length: CHANNELS }, (_, i) => `C0LOAD${String(i).padStart(4, '0')}`);
const sim = await startSlackSimulator({
  lean: true,
  users: [{ id: OWNER, name: 'bench', tz: 'UTC' }],
  channels: channelIds.map((id, i) => ({ id, name: `load-${i}`, members: [OWNER] })),
});

// A database of its own on the machine's PostgreSQL.
const dbName = `lookout_load_${process.pid}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
await admin.end();
const url = new URL(ADMIN_URL);
url.pathname = `/${dbName}`;
const dbUrl = url.toString();

const dir = mkdtempSync(join(tmpdir(), 'lookout-load-'));
const sqlitePath = join(dir, 'bench.sqlite');
new Database(sqlitePath).exec('CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1);');
writeFileSync(join(dir, 'lookout.config.yml'), `dataSources:\n  - name: bench\n    kind: sqlite\n    path: ${sqlitePath}\n`);

// Alerts straight into the store (the service's validation is not what is measured), with no
// next run yet: they become due together once every instance is up.
log(`seeding ${N} alerts`);
const store = await createPostgresStore({ connectionString: dbUrl });
const now = new Date();
// Ten at a time (the store's pool).
for (let i = 0; i < N; i += 10) {
  await Promise.all(
    Array.from({ length: Math.min(10, N - i) }, (_, k) =>
      store.createAlert(benchAlert(i + k, { owner: OWNER, channel: channelIds[(i + k) % CHANNELS]!, nextRunAt: null, shards: SHARDS, now })),
    ),
  );
}

log(`starting ${K} instances`);
const instances: LookoutProcess[] = [];
const startInstance = (k: number) =>
  startLookoutProcess(
    {
      DATABASE_URL: dbUrl,
      LOOKOUT_CONFIG: join(dir, 'lookout.config.yml'),
      SLACK_BOT_TOKEN: sim.botToken,
      SLACK_APP_TOKEN: sim.appToken,
      SLACK_API_URL: sim.url,
      INSTANCE_NAME: `load-${k + 1}`,
      EVAL_CONCURRENCY: values.concurrency!,
      SHARDS: String(SHARDS),
    },
    // One info line per execution is written (as in production); the bench keeps only warnings.
    {
      keep: (line) => typeof line.level === 'number' && line.level >= 40,
      ...(values.profile !== undefined ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] } : {}),
    },
  );
for (let k = 0; k < K; k += 1) instances.push(await startInstance(k));
/** Processes stopped by --restart, and how they ended. */
const restarted: { name: string; exit: Awaited<LookoutProcess['exited']> }[] = [];

/** RSS of a process and every process below it (Lookout and its SQLite helpers). */
function treeRss(root: number): number {
  let total = 0;
  for (const pid of processTree(root)) {
    try {
      total += Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}
/** CPU seconds (user + system) used so far by each process whose command matches, by command. */
function cpuByCommand(): Map<string, number> {
  const ticksPerS = 100;
  const out = new Map<string, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(name);
      const who = instances.some((p) => p.pid === pid) ? 'lookout' : pid === process.pid ? 'bench+simulator' : comm.startsWith('postgres') ? 'postgres' : comm === 'node' ? 'node (other: SQLite helpers)' : null;
      if (who === null) continue;
      out.set(who, (out.get(who) ?? 0) + (Number(fields[11]) + Number(fields[12])) / ticksPerS);
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

const peakRss = instances.map(() => 0);
const rssTimer = setInterval(() => {
  instances.forEach((p, i) => (peakRss[i] = Math.max(peakRss[i]!, treeRss(p.pid))));
}, 1000);

// The first tick leaves 10 s for the heartbeats to settle (every instance sees the others).
const firstTick = nextRunAfter({ cron: '* * * * *', timezone: 'UTC' }, new Date(Date.now() + 10_000)).getTime();
const ticks = Array.from({ length: M }, (_, i) => firstTick + i * 60_000);
{
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  await client.query('UPDATE alerts SET next_run_at = $1', [new Date(firstTick)]);
  await client.end();
}
log(`ticks ${ticks.map((t) => new Date(t).toISOString().slice(11, 16)).join(', ')}`);
if (values.restart === true && ticks.length > 1) {
  setTimeout(() => {
    void (async () => {
      log('restarting load-1');
      const old = instances[0]!;
      old.kill('SIGTERM');
      restarted.push({ name: 'load-1 (before the restart)', exit: await old.exited });
      instances[0] = await startInstance(0);
      log('load-1 started again');
    })();
  }, ticks[1]! + 25_000 - Date.now());
}

/** Executions of the measured ticks, as the store has them. */
async function executions(): Promise<{ id: string; alert_id: string; scheduled_at: Date; state: string; instance: string }[]> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT id, alert_id, scheduled_at, state, instance FROM executions WHERE scheduled_at = ANY($1::timestamptz[])', [
      ticks.map((t) => new Date(t)),
    ]);
    return rows;
  } finally {
    await client.end();
  }
}

// Wait out the last tick, until every execution of every tick has finished (or a minute more).
await new Promise((r) => setTimeout(r, Math.max(0, firstTick - Date.now() - 1_000)));
const cpuBefore = cpuByCommand();
const meter = await startCpuMeter({ lookout: () => instances.map((p) => p.pid), postgres: { adminUrl: ADMIN_URL, database: dbName } });
const windowStart = Date.now();
const last = ticks[ticks.length - 1]!;
await new Promise((r) => setTimeout(r, Math.max(0, last - Date.now() + 5_000)));
for (const deadline = last + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 2_000))) {
  const rows = await executions();
  if (rows.length >= N * M && rows.every((r) => r.state !== 'WORKING')) break;
}
await new Promise((r) => setTimeout(r, 3_000));
clearInterval(rssTimer);
const cpuAfter = cpuByCommand();
const cpu = await meter.stop();
const windowS = (Date.now() - windowStart) / 1000;

const rows = await executions();
log('stopping');
for (const p of instances) p.kill('SIGTERM');
const exits = await Promise.all(instances.map((p) => p.exited));

// What reached Slack: top-level posts (kind firing) and thread replies (kind repeat), each
// carrying its execution id, and storm digests (delivery/slack/channel-turns.ts), whose metadata
// lists each firing execution it carries: a send each, reaching Slack when the digest did.
const SENDS = new Set<string | undefined>(['firing', 'repeat']);
const byExecution = new Map(rows.map((r) => [r.id, r]));
type SentPayload = { execution_id?: string; kind?: string; listed?: { execution_id?: string }[] };
/** The measured executions a message sent, and whether it was a digest. */
function sentExecutions(message: { metadata?: unknown }): { executions: typeof rows; digest: boolean } {
  const payload = (message.metadata as { event_payload?: SentPayload } | undefined)?.event_payload;
  if (payload === undefined || !SENDS.has(payload.kind)) return { executions: [], digest: false };
  const ids = payload.listed !== undefined ? payload.listed.map((l) => l.execution_id) : [payload.execution_id];
  const executions = ids.flatMap((id) => (id === undefined ? [] : (byExecution.get(id) ?? [])));
  return { executions, digest: payload.listed !== undefined };
}
const postsPerTick = new Map<string, number>();
const lateness: number[] = [];
let sends = 0;
let inDigests = 0;
let digests = 0;
for (const message of sim.messages()) {
  const sent = sentExecutions(message);
  if (sent.digest && sent.executions.length > 0) digests += 1;
  for (const execution of sent.executions) {
    sends += 1;
    if (sent.digest) inDigests += 1;
    const key = `${execution.alert_id}@${new Date(execution.scheduled_at).getTime()}`;
    postsPerTick.set(key, (postsPerTick.get(key) ?? 0) + 1);
    lateness.push((message.postedAt.getTime() - new Date(execution.scheduled_at).getTime()) / 1000);
  }
}
const due = N * M;
const duplicates = [...postsPerTick.values()].reduce((sum, n) => sum + (n - 1), 0) + (rows.length - new Set(rows.map((r) => `${r.alert_id}@${new Date(r.scheduled_at).getTime()}`)).size);
const lost = due - postsPerTick.size;
lateness.sort((a, b) => a - b);
const pct = (p: number) => (lateness.length ? lateness[Math.min(lateness.length - 1, Math.ceil((p / 100) * lateness.length) - 1)]! : NaN);
const states = new Map<string, number>();
for (const r of rows) states.set(r.state, (states.get(r.state) ?? 0) + 1);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

console.log('');
console.log(`load bench: ${N} every-minute alerts sending every minute, ${K} instances, ${M} minutes, PostgreSQL, Slack simulator, ${CHANNELS} channels`);
console.log('| tick (UTC) | evaluated | sends | lateness p50 (s) | lateness p99 (s) | last send (s) |');
console.log('|---|---|---|---|---|---|');
for (const t of ticks) {
  const evaluated = rows.filter((r) => new Date(r.scheduled_at).getTime() === t).length;
  const late: number[] = [];
  for (const message of sim.messages()) {
    for (const execution of sentExecutions(message).executions) {
      if (new Date(execution.scheduled_at).getTime() === t) late.push((message.postedAt.getTime() - t) / 1000);
    }
  }
  late.sort((a, b) => a - b);
  const q = (p: number) => (late.length ? round(late[Math.min(late.length - 1, Math.ceil((p / 100) * late.length) - 1)]!) : '-');
  console.log(`| ${new Date(t).toISOString().slice(11, 16)} | ${evaluated} | ${late.length} | ${q(50)} | ${q(99)} | ${late.length ? round(late[late.length - 1]!) : '-'} |`);
}
console.log('');
console.log('| instance | executions | peak RSS (MB, with its SQLite helpers) | exit |');
console.log('|---|---|---|---|');
instances.forEach((_, i) => {
  const name = `load-${i + 1}`;
  console.log(`| ${name} | ${rows.filter((r) => r.instance === name).length} | ${round(peakRss[i]! / 1024 / 1024, 0)} | ${exits[i]?.code ?? exits[i]?.signal} |`);
});
for (const { name, exit } of restarted) console.log(`| ${name} | (above) | | ${exit.code ?? exit.signal} |`);
console.log('');
console.log(
  `CPU seconds over the ${Math.round(windowS)} s measured (2 cores): ${[...cpuAfter]
    .map(([who, after]) => `${who} ${Math.round((after - (cpuBefore.get(who) ?? 0)) * 10) / 10}`)
    .join(', ')}`,
);
console.log(
  `CPU per evaluation: Lookout ${round(cpu.lookoutMs / Math.max(1, rows.length), 3)} ms, SQLite helpers ${round(cpu.helpersMs / Math.max(1, rows.length), 3)} ms, PostgreSQL backends ${round(cpu.postgresMs / Math.max(1, rows.length), 3)} ms; load average ${round(cpu.loadStart)} → ${round(cpu.loadEnd)}`,
);
console.log(`executions by state: ${[...states].map(([s, n]) => `${s} ${n}`).join(', ')}`);
console.log(`sends carried by storm digests: ${inDigests} in ${digests} digests`);
// Every Web API call Lookout made to the simulator over the run (429s included), by method.
const byMethod = new Map<string, number>();
for (const call of sim.calls()) byMethod.set(call.method, (byMethod.get(call.method) ?? 0) + 1);
const slackCalls = [...byMethod.values()].reduce((a, b) => a + b, 0);
console.log(`Slack calls: ${[...byMethod].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} ${n}`).join(', ')}; ${round(slackCalls / Math.max(1, sends))} per send`);
const warnings = instances.flatMap((p) => p.logs.filter((l) => typeof l.level === 'number' && l.level >= 40));
console.log(`warnings logged: ${warnings.length}${warnings.length ? ` (first: ${String(warnings[0]?.msg)})` : ''}`);

const result = {
  alerts: N,
  instances: K,
  minutes: M,
  ticks: due,
  sends,
  sends_in_digests: inDigests,
  slack_calls_per_send: round(slackCalls / Math.max(1, sends)),
  ...(values.restart === true ? { restarted: true, chat_update: byMethod.get('chat.update') ?? 0, conversations_replies: byMethod.get('conversations.replies') ?? 0 } : {}),
  duplicates,
  lost,
  lateness_p99_s: round(pct(99)),
  peak_rss_mb: peakRss.map((b) => round(b / 1024 / 1024, 0)),
  ...cpuPerEvaluation(cpu, rows.filter((r) => r.state !== 'WORKING').length),
};
console.log(JSON.stringify(result));

await store.close();
await sim.stop();
const cleanup = new pg.Client({ connectionString: ADMIN_URL });
await cleanup.connect();
await cleanup.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
await cleanup.end();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
