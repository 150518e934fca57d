// Runs one query on one data source in a process of its own, then `SELECT 1` on the same
// source, and prints one JSON line: what each returned, and how far this process's memory
// (and, for SQLite, its reader processes') rose meanwhile. A query that ends the process
// leaves no line: the caller sees the exit. Used by test/security/result-bytes.test.ts and
// bench/hostile.ts, so both survive a build where a result can still end the process.
//   node --import tsx test/security/support/hostile-query.ts '<json Spec>'
import { readdirSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dataSourceConfig, type DataSourceInput } from '../../../src/config.js';
import { openDataSource } from '../../../src/datasources/open-data-source.js';
import type { Cell } from '../../../src/datasources/port.js';

export interface Spec {
  source: DataSourceInput;
  sql: string;
  maxRows?: number;
  timeoutMs?: number;
}

export interface Outcome {
  ok: boolean;
  rows?: number;
  truncated?: boolean;
  first?: Cell[];
  reason?: string;
  message?: string;
}

export interface Report {
  query: Outcome;
  next: Outcome;
  /** Peak RSS of this process above its RSS before the query, in bytes. */
  rssGrowth: number;
  /** Peak RSS of this process's children (SQLite readers) together, in bytes. */
  childrenRss: number;
}

export interface Run {
  /** Null when the process ended before reporting (exit code / signal say how). */
  report: Report | null;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

const SELF = fileURLToPath(import.meta.url);

/** Runs `spec` in a child process and waits for it to end. */
export function runHostile(spec: Spec, cwd: string = process.cwd()): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, JSON.stringify(spec)], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const line = stdout.trim().split('\n').at(-1);
      let report: Report | null = null;
      try {
        report = line ? (JSON.parse(line) as Report) : null;
      } catch {
        report = null;
      }
      resolve({ report, code, signal, stderr });
    });
  });
}

const rssOf = (pid: number): number => {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
};

/** Summed RSS of the processes whose parent is this one. */
function childrenRss(): number {
  let total = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) total += rssOf(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

async function outcome(run: () => Promise<{ rows: Cell[][]; truncated: boolean }>): Promise<Outcome> {
  try {
    const result = await run();
    return { ok: true, rows: result.rows.length, truncated: result.truncated, first: result.rows[0]?.map((c) => (typeof c === 'string' && c.length > 40 ? `${c.slice(0, 40)}...` : c)) };
  } catch (err) {
    const e = err as { reason?: string; userMessage?: string; message?: string };
    return { ok: false, reason: e.reason ?? 'thrown', message: e.userMessage ?? e.message ?? String(err) };
  }
}

async function main(spec: Spec): Promise<void> {
  const source = openDataSource(dataSourceConfig(spec.source as never));
  const options = { timeoutMs: spec.timeoutMs ?? 120_000, maxRows: spec.maxRows ?? 1000 };
  // Warm up (connection, SQLite reader) so the growth measured is the query's.
  await source.query('SELECT 1 AS one', options).catch(() => undefined);
  const before = process.memoryUsage().rss;
  let peak = before;
  let peakChildren = childrenRss();
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
    peakChildren = Math.max(peakChildren, childrenRss());
  };
  const sampler = setInterval(sample, 25);
  const query = await outcome(() => source.query(spec.sql, options));
  sample();
  clearInterval(sampler);
  const next = await outcome(() => source.query('SELECT 1 AS one', options));
  const report: Report = { query, next, rssGrowth: peak - before, childrenRss: peakChildren };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  await source.close();
}

if (process.argv[1] === SELF) {
  main(JSON.parse(process.argv[2] ?? '{}') as Spec).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(2);
    },
  );
}
