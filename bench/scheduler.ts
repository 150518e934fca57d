// Scheduler benchmark: N active every-minute alerts on a trivial SQLite query with a delivery
// that only counts (counting-delivery.ts), run by one Lookout instance over at least two minute
// boundaries. Prints a table, then one JSON line of the figures. Asserts nothing.
// --mix is a realistic mix instead: 10 % every minute, 30 % every 5 minutes, 60 % hourly, their
// minutes spread (by floor(i / 10) mod 5, or mod 60), 2 % firing, each on a 5 ms
// PostgreSQL query (pg_sleep on the machine's server, in the `postgres` database, so the CPU
// figure for PostgreSQL stays the store's).
//
//   npm run bench:scheduler -- --alerts 10000 --store postgres [--ticks 2]
//   npm run bench:scheduler -- --alerts 10000 --store postgres --mix [--ticks 3]
//   npm run bench:scheduler -- --alerts 1000 --store pglite
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DEFAULT_EVAL_CONCURRENCY, makeConfig, type Config, dataSourceConfig } from '../src/config.js';
import { nextRunAfter } from '../src/domain/schedule.js';
import type { Schedule } from '../src/domain/types.js';
import { silentLogger } from '../src/logger.js';
import { startLookout } from '../src/lookout.js';
import { createPostgresStore } from '../src/store/postgres/store.js';
import { benchAlert } from './bench-alert.js';
import { createCountingDelivery } from './counting-delivery.js';
import { cpuPerEvaluation, startCpuMeter } from './cpu-meter.js';
import { startEmbeddedPostgres } from '../src/store/pglite/embedded.js';

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '1000' },
    store: { type: 'string', default: 'postgres' },
    ticks: { type: 'string', default: '2' },
    shards: { type: 'string', default: '16' },
    concurrency: { type: 'string', default: String(DEFAULT_EVAL_CONCURRENCY) },
    'sqlite-pool': { type: 'string', default: '4' },
    mix: { type: 'boolean', default: false },
    'source-pool': { type: 'string', default: '10' },
  },
});
const MIX = values.mix === true;
const N = Number(values.alerts);
const TICKS = Math.max(2, Number(values.ticks));
const SHARDS = Number(values.shards);
const storeKind = values.store === 'pglite' ? 'pglite' : 'postgres';
const ADMIN_URL = process.env.BENCH_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-'));
const sqlitePath = join(dir, 'bench.sqlite');
new Database(sqlitePath).exec('CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1);');

let dbName: string | null = null;
let url: string;
let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;
const pgliteDir = join(dir, 'pglite');
if (storeKind === 'postgres') {
  dbName = `lookout_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${dbName}`;
  url = u.toString();
} else {
  // Seeded through its own server here, then reopened by Lookout as its embedded store.
  embedded = await startEmbeddedPostgres({ dataDir: pgliteDir });
  url = embedded.url;
}

const EVERY_MINUTE: Schedule = { cron: '* * * * *', timezone: 'UTC' };
/** Alert i's schedule: every minute, or in the mix every minute, 5 minutes or hour as above. */
function scheduleOf(i: number): Schedule {
  if (!MIX) return EVERY_MINUTE;
  const share = i % 10;
  if (share === 0) return EVERY_MINUTE;
  const spread = Math.floor(i / 10);
  if (share <= 3) return { cron: `${spread % 5}-59/5 * * * *`, timezone: 'UTC' };
  return { cron: `${spread % 60} * * * *`, timezone: 'UTC' };
}
/** Alert i's query: in the mix 5 ms on PostgreSQL, firing for 2 % (one alert in 50). */
const sqlOf = (i: number): string | undefined => (MIX ? `SELECT ${i % 50 === 0 ? 1 : 0} AS v FROM pg_sleep(0.005)` : undefined);
const schedules = Array.from({ length: N }, (_, i) => scheduleOf(i));

// Alerts go in through the store directly: the service's validation is not what is measured.
const seedStore = await createPostgresStore({ connectionString: url });
const seedStart = Date.now();
const now = new Date();
const alertIds: string[] = [];
// Ten at a time (the store's pool): seeding is not what is measured.
for (let i = 0; i < N; i += 10) {
  const created = await Promise.all(
    Array.from({ length: Math.min(10, N - i) }, (_, k) =>
      seedStore.createAlert(
        benchAlert(i + k, { owner: 'UBENCH', channel: 'C0BENCH', nextRunAt: nextRunAfter(schedules[i + k]!, now), shards: SHARDS, now, schedule: schedules[i + k]!, sql: sqlOf(i + k) }),
      ),
    ),
  );
  alertIds.push(...created.map((a) => a.id));
}
const seedS = (Date.now() - seedStart) / 1000;
// Seeding takes seconds: the first measured tick is the first boundary that leaves Lookout
// time to start, else it would be a catch-up run and the next tick a planned skip.
const firstTick = nextRunAfter(EVERY_MINUTE, new Date(Date.now() + 10_000)).getTime();
// Each alert's first run is its first tick from then on; what each measured tick must run.
const ticks = Array.from({ length: TICKS }, (_, i) => firstTick + i * 60_000);
const firstRuns = schedules.map((schedule) => nextRunAfter(schedule, new Date(firstTick - 1)));
const duePerTick = new Map(ticks.map((t) => [t, schedules.filter((schedule) => nextRunAfter(schedule, new Date(t - 1)).getTime() === t).length]));
{
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  await client.query('UPDATE alerts a SET next_run_at = f.at FROM unnest($1::text[], $2::timestamptz[]) AS f(id, at) WHERE a.id = f.id', [alertIds, firstRuns]);
  await client.end();
}
await seedStore.close();
if (embedded) await embedded.stop();

const lateness: number[] = [];
/** When each evaluation started (alertId@tick), and how long each took from there to its record. */
const startedAt = new Map<string, number>();
const evaluationMs: number[] = [];
const startsPerTick = new Map<number, { first: number; last: number; count: number }>();
const delivery = createCountingDelivery();
let peakRss = process.memoryUsage().rss;
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 250);

const config: Config = makeConfig({
  store: storeKind === 'postgres' ? { kind: 'postgres', url } : { kind: 'pglite', dataDir: pgliteDir },
  dataSources: [
    MIX
      ? // The bench's user is the server's superuser: allowed here, refused by default.
        dataSourceConfig({ name: 'bench', kind: 'postgres', url: ADMIN_URL, statementTimeoutS: 30, maxRows: 100, poolSize: Number(values['source-pool']), allowPrivilegedUser: true })
      : dataSourceConfig({ name: 'bench', kind: 'sqlite', path: sqlitePath, statementTimeoutS: 30, maxRows: 100, poolSize: Number(values['sqlite-pool']) }),
  ],
  admins: [],
  scheduler: { shards: SHARDS, concurrency: Number(values.concurrency), instance: 'bench-1' },
  slack: null,
  logLevel: 'silent',
});
const lookout = await startLookout(config, {
  logger: silentLogger(),
  delivery,
  observer: {
    evaluationStarted(alertId, scheduledAt, at) {
      lateness.push((at.getTime() - scheduledAt.getTime()) / 1000);
      startedAt.set(`${alertId}@${scheduledAt.getTime()}`, performance.now());
    },
    executionFinished(summary) {
      const key = summary.scheduledAt.getTime();
      const started = startedAt.get(`${summary.alertId}@${key}`);
      if (started !== undefined) evaluationMs.push(performance.now() - started);
      const entry = startsPerTick.get(key) ?? { first: Infinity, last: 0, count: 0 };
      const t = Date.now();
      entry.first = Math.min(entry.first, t);
      entry.last = Math.max(entry.last, t);
      entry.count += 1;
      startsPerTick.set(key, entry);
    },
  },
});

// CPU is measured from just before the first tick until every tick is done.
await new Promise((r) => setTimeout(r, Math.max(0, firstTick - Date.now() - 1_000)));
const meter = await startCpuMeter({ lookout: 'self', ...(dbName ? { postgres: { adminUrl: ADMIN_URL, database: dbName } } : {}) });

// Wait for TICKS minute boundaries to be fully evaluated (or a generous deadline).
const deadline = ticks[ticks.length - 1]! + 55_000;
while (Date.now() < deadline) {
  const done = ticks.every((t) => (startsPerTick.get(t)?.count ?? 0) >= duePerTick.get(t)!);
  if (done) break;
  await new Promise((r) => setTimeout(r, 500));
}
await new Promise((r) => setTimeout(r, 3000));
clearInterval(rssTimer);
const cpu = await meter.stop();

// Count from the store's point of view too: executions per (alert, tick).
const client = new pg.Client({ connectionString: lookout.databaseUrl });
client.on('error', () => undefined);
await client.connect();
const { rows } = await client.query<{ due: string; evaluated: string; duplicates: string }>(
  `SELECT count(*) AS evaluated,
          count(*) - count(DISTINCT (alert_id, scheduled_at)) AS duplicates,
          0 AS due
     FROM executions WHERE scheduled_at = ANY($1::timestamptz[]) AND state <> 'WORKING'`,
  [ticks.map((t) => new Date(t))],
);
await client.end();
await lookout.stop();

const due = [...duePerTick.values()].reduce((a, b) => a + b, 0);
const evaluated = Number(rows[0]?.evaluated ?? 0);
const sends = delivery.sent.filter((key) => ticks.includes(Number(key.slice(key.indexOf('@') + 1))));
const distinctSends = new Set(sends).size;
const duplicates = Number(rows[0]?.duplicates ?? 0) + (sends.length - distinctSends);
const missed = due - Math.min(evaluated, due);
lateness.sort((a, b) => a - b);
const pct = (p: number) => (lateness.length ? lateness[Math.min(lateness.length - 1, Math.floor((p / 100) * lateness.length))]! : NaN);
const spans = ticks.map((t) => startsPerTick.get(t)).filter((e) => e !== undefined);
const busyS = spans.reduce((sum, e) => sum + (e.last - e.first) / 1000, 0);
const evaluationsPerS = busyS > 0 ? spans.reduce((s, e) => s + e.count, 0) / busyS : NaN;

/** The p-th percentile of `xs` (sorts it). */
function quantile(xs: number[], p: number): number {
  xs.sort((a, b) => a - b);
  return xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN;
}
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const result = {
  alerts: N,
  ...(MIX ? { mix: true } : {}),
  store: storeKind,
  instances: 1,
  evaluations_per_s: round(evaluationsPerS, 0),
  lateness_p50_s: round(pct(50)),
  lateness_p99_s: round(pct(99)),
  duplicates,
  missed,
  peak_rss_mb: round(peakRss / 1024 / 1024, 0),
  evaluation_ms_p50: round(quantile(evaluationMs, 50), 1),
  evaluation_ms_p99: round(quantile(evaluationMs, 99), 1),
  ...cpuPerEvaluation(cpu, evaluated),
};

console.log('');
console.log(
  MIX
    ? `scheduler bench: ${N} alerts, the mix (10 % every minute, 30 % every 5 minutes, 60 % hourly; 2 % firing; 5 ms PostgreSQL query), ${storeKind}, ${SHARDS} shards, ${TICKS} ticks (seeded in ${round(seedS, 1)} s)`
    : `scheduler bench: ${N} every-minute alerts, ${storeKind}, ${SHARDS} shards, ${TICKS} ticks (seeded in ${round(seedS, 1)} s)`,
);
console.log('| tick (UTC) | due | evaluated | first done (s after tick) | last done (s after tick) |');
console.log('|---|---|---|---|---|');
for (const t of ticks) {
  const e = startsPerTick.get(t);
  console.log(
    `| ${new Date(t).toISOString().slice(11, 19)} | ${duePerTick.get(t)} | ${e?.count ?? 0} | ${e ? round((e.first - t) / 1000) : '-'} | ${e ? round((e.last - t) / 1000) : '-'} |`,
  );
}
console.log('');
console.log('| figure | value |');
console.log('|---|---|');
for (const [k, v] of Object.entries(result)) console.log(`| ${k} | ${v} |`);
console.log(
  `CPU over the ${round(cpu.windowS, 0)} s measured: Lookout ${round(cpu.lookoutMs / 1000, 1)} s, SQLite helpers ${round(cpu.helpersMs / 1000, 1)} s, PostgreSQL backends ${storeKind === 'postgres' ? `${round(cpu.postgresMs / 1000, 1)} s` : 'in Lookout (PGlite)'}; load average ${round(cpu.loadStart)} → ${round(cpu.loadEnd)} (2 cores)`,
);
console.log(JSON.stringify(result));

if (dbName) {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}
rmSync(dir, { recursive: true, force: true });
process.exit(0);
