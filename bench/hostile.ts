// Hostile results against one Lookout data-source layer per case: 60 rows of 20 MB, a value of
// 540 MB, a billion rows, on PostgreSQL, MariaDB, SQLite and DuckDB, each with the default caps
// (maxCellBytes 1 MiB, maxResultBytes 16 MiB, maxRows 10,000). Each case runs in a process of
// its own (test/security/support/hostile-query.ts), which opens the source, runs the query and
// then SELECT 1, and samples its RSS (and its SQLite or DuckDB readers') every 25 ms: a build where a
// result ends the process reports that as the outcome instead of ending the bench.
//   npm run bench:hostile -- [--engines postgres,mysql,sqlite,duckdb]
// Needs the local servers and the lookout_reader users (scripts/setup.sh). Prints a table,
// then one JSON line of the figures. Asserts nothing.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DataSourceInput } from '../src/config.js';
import { runHostile, type Run } from '../test/security/support/hostile-query.js';

const { values } = parseArgs({ options: { engines: { type: 'string', default: 'postgres,mysql,sqlite,duckdb' } } });
const engines = new Set(values.engines.split(','));

const PG_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://lookout_reader@127.0.0.1:5432/test';
const MARIA_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://lookout_reader@127.0.0.1:3306/test';
const dir = mkdtempSync(join(tmpdir(), 'lookout-hostile-bench-'));
const file = join(dir, 'empty.db');
new Database(file).close();
const MAX_ROWS = 10_000;
const SIXTY = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)';

interface Case {
  engine: 'postgres' | 'mysql' | 'sqlite' | 'duckdb';
  name: string;
  sql: string;
}

const sources: Record<Case['engine'], DataSourceInput> = {
  postgres: { name: 'pg', kind: 'postgres', url: PG_URL, poolSize: 1, maxRows: MAX_ROWS },
  mysql: { name: 'maria', kind: 'mysql', url: MARIA_URL, poolSize: 1, maxRows: MAX_ROWS },
  sqlite: { name: 'lite', kind: 'sqlite', path: file, poolSize: 1, maxRows: MAX_ROWS },
  duckdb: { name: 'duck', kind: 'duckdb', allowedDirs: [dir], poolSize: 1, maxRows: MAX_ROWS },
};

const cases: Case[] = [
  { engine: 'postgres', name: '60 x 20 MB rows', sql: "SELECT repeat('x', 20000000) FROM generate_series(1, 60)" },
  { engine: 'postgres', name: '540 MB value', sql: "SELECT repeat('x', 540000000)" },
  { engine: 'postgres', name: '540 MB in an error', sql: "SELECT repeat('x', 540000000)::int" },
  // A set-returning function in the select list streams; in FROM it would be materialized first.
  { engine: 'postgres', name: '1e9 rows', sql: 'SELECT generate_series(1, 1000000000)' },
  // MariaDB sends no value past max_allowed_packet (16 MB here): 15 MB rows, a 16 MB value.
  { engine: 'mysql', name: '60 x 15 MB rows', sql: "SELECT REPEAT('x', 15000000) FROM seq_1_to_60" },
  { engine: 'mysql', name: '16 MB value (largest sent)', sql: "SELECT REPEAT('x', 16000000)" },
  { engine: 'mysql', name: '1e9 rows', sql: 'SELECT seq FROM seq_1_to_1000000000 LIMIT 1000000000' },
  { engine: 'sqlite', name: '60 x 20 MB rows', sql: `${SIXTY} SELECT randomblob(20000000) FROM n` },
  { engine: 'sqlite', name: '540 MB value', sql: "SELECT printf('%.*c', 540000000, 'x')" },
  { engine: 'sqlite', name: '150 MB value', sql: 'SELECT randomblob(150000000)' },
  { engine: 'sqlite', name: '1e9 rows', sql: 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT i FROM n' },
  { engine: 'duckdb', name: '60 x 20 MB rows', sql: "SELECT repeat('x', 20000000) FROM range(60)" },
  { engine: 'duckdb', name: '540 MB value', sql: "SELECT repeat('x', 540000000)" },
  { engine: 'duckdb', name: '100 MB value', sql: "SELECT repeat('x', 100000000)" },
  { engine: 'duckdb', name: '1e9 rows', sql: 'SELECT range FROM range(1000000000)' },
];

const MB = 1e6;
const mb = (bytes: number) => Math.round(bytes / MB);

function outcomeOf(run: Run): string {
  if (run.report === null) return `process ended (${run.signal ?? `exit ${run.code}`})`;
  const { query } = run.report;
  return query.ok ? `ok, ${query.rows} rows${query.truncated ? ' (truncated)' : ''}` : `failed: ${query.reason}`;
}

interface Figure {
  engine: string;
  case: string;
  outcome: string;
  message: string | null;
  nextQueryOk: boolean | null;
  rssGrowthMB: number | null;
  readerRssMB: number | null;
  seconds: number;
}

const figures: Figure[] = [];
for (const c of cases.filter((k) => engines.has(k.engine))) {
  const started = Date.now();
  const run = await runHostile({ source: sources[c.engine], sql: c.sql, maxRows: MAX_ROWS, timeoutMs: 120_000 });
  const figure: Figure = {
    engine: c.engine,
    case: c.name,
    outcome: outcomeOf(run),
    message: run.report?.query.message?.slice(0, 120) ?? (run.report ? null : run.stderr.split('\n').find((l) => /Error/.test(l))?.trim() ?? null),
    nextQueryOk: run.report ? run.report.next.ok : null,
    rssGrowthMB: run.report ? mb(run.report.rssGrowth) : null,
    readerRssMB: run.report && (c.engine === 'sqlite' || c.engine === 'duckdb') ? mb(run.report.childrenRss) : null,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  figures.push(figure);
  console.error(`${c.engine} ${c.name}: ${figure.outcome}`);
}
rmSync(dir, { recursive: true, force: true });

const header = ['engine', 'case', 'outcome', 'next query', 'RSS growth MB', 'reader RSS MB', 's'];
const rows = figures.map((f) => [
  f.engine,
  f.case,
  f.outcome,
  f.nextQueryOk === null ? '-' : f.nextQueryOk ? 'ok' : 'failed',
  f.rssGrowthMB === null ? '-' : String(f.rssGrowthMB),
  f.readerRssMB === null ? '-' : String(f.readerRssMB),
  String(f.seconds),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
console.log(JSON.stringify({ bench: 'hostile', maxRows: MAX_ROWS, maxCellBytes: 1_048_576, maxResultBytes: 16_777_216, figures }));
