// `/alert list all` and `/alert doctor`'s channel check with many alerts: what each reads, the
// way it did (every alert; the list packed into one message, the channels gathered from every
// alert's recipients) and the way it does (the list's first PACK_MAX_LINES and a count; the
// store's first 100 channels with three names each and a count). Seeds N alerts in a database of its own on the machine's PostgreSQL, then runs each
// read three times, alternating. Prints a table, then one JSON line of the figures. Asserts nothing.
//
//   npm run bench:list -- --alerts 10000
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import pg from 'pg';
import { PACK_MAX_LINES } from '../src/messages/slack/pack-lines.js';
import { buildAlertList } from '../src/slack/blocks/lists.js';
import { createPostgresStore } from '../src/store/postgres/store.js';
import { benchAlert } from './bench-alert.js';

const { values } = parseArgs({ options: { alerts: { type: 'string', default: '10000' } } });
const N = Number(values.alerts);
const ADMIN_URL = process.env.BENCH_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const loadStart = loadavg()[0]!;

const dbName = `lookout_list_${process.pid}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${dbName}`;
const store = await createPostgresStore({ connectionString: url.toString() });
const now = new Date();
// Ten at a time (the store's pool): seeding is not what is measured.
for (let i = 0; i < N; i += 10) {
  await Promise.all(Array.from({ length: Math.min(10, N - i) }, (_, k) => store.createAlert(benchAlert(i + k, { owner: 'UBENCH', channel: `C0BENCH${(i + k) % 500}`, nextRunAt: null, shards: 16, now }))));
}

type Read = 'every alert' | 'first and count' | 'doctor: every alert' | 'doctor: channels';
const runs: { read: Read; rows: number; wallMs: number; cpuMs: number; text: string }[] = [];
/** What the doctor's channel check did: every alert read, its channel recipients gathered. */
async function channelsFromEveryAlert(): Promise<{ rows: number; channels: number }> {
  const alerts = await store.listAlerts({});
  const users = new Map<string, string[]>();
  for (const alert of alerts) for (const r of alert.recipients) if (r.kind === 'slack_channel') users.set(r.id, [...(users.get(r.id) ?? []), alert.name]);
  return { rows: alerts.length, channels: users.size };
}
for (let round = 0; round < 3; round += 1) {
  for (const read of ['doctor: every alert', 'doctor: channels'] as const) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const found = read === 'doctor: every alert' ? await channelsFromEveryAlert() : await store.alertChannels(100).then((c) => ({ rows: c.channels.length, channels: c.total }));
    const used = process.cpuUsage(cpu);
    runs.push({ read, rows: found.rows, wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000, text: `${found.channels} channels` });
  }
  for (const read of ['every alert', 'first and count'] as const) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const { alerts, total } =
      read === 'every alert'
        ? await store.listAlerts({}).then((all) => ({ alerts: all, total: all.length }))
        : await Promise.all([store.listAlerts({ limit: PACK_MAX_LINES }), store.countAlerts({})]).then(([first, count]) => ({ alerts: first, total: count }));
    const message = buildAlertList(alerts, { now, total });
    const used = process.cpuUsage(cpu);
    runs.push({ read, rows: alerts.length, wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000, text: message.text });
  }
}
await store.close();
await admin.query(`DROP DATABASE ${dbName}`);
await admin.end();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const of = (read: Read) => runs.filter((r) => r.read === read);
console.log(`\n/alert list all and /alert doctor's channels, ${N} alerts over 500 channels, PostgreSQL store\n`);
console.log('| read | rows read | wall ms | Lookout CPU ms | found |');
console.log('|---|---|---|---|---|');
for (const r of runs) console.log(`| ${r.read} | ${r.rows} | ${r.wallMs.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${r.text} |`);
/** One read's figures before and now, under `prefix`: rows read, and the medians of wall and CPU ms. */
function compared(prefix: string, before: Read, now: Read): Record<string, number> {
  const p50 = (read: Read, key: 'wallMs' | 'cpuMs') => Math.round(median(of(read).map((r) => r[key])));
  return {
    [`${prefix}rows_before`]: of(before)[0]!.rows,
    [`${prefix}rows_now`]: of(now)[0]!.rows,
    [`${prefix}wall_ms_before_p50`]: p50(before, 'wallMs'),
    [`${prefix}wall_ms_now_p50`]: p50(now, 'wallMs'),
    [`${prefix}cpu_ms_before_p50`]: p50(before, 'cpuMs'),
    [`${prefix}cpu_ms_now_p50`]: p50(now, 'cpuMs'),
  };
}
console.log(
  JSON.stringify({
    alerts: N,
    ...compared('', 'every alert', 'first and count'),
    ...compared('doctor_', 'doctor: every alert', 'doctor: channels'),
    load_1m_start: loadStart,
    load_1m_end: loadavg()[0]!,
  }),
);
process.exit(0);
