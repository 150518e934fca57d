// CPU used over a measured window by the parts of one evaluation: Lookout's process(es), the
// SQLite helper processes below them, and the PostgreSQL backends serving the bench's database.
// Lateness depends on what else the machine runs; CPU per evaluation compares across load and
// machines. Processes come and go (the pool's idle connections close, a killed helper is
// replaced), so each is sampled every `intervalMs` and counted from when it was first seen (from
// zero when it started inside the window); a process's last interval before it exits is lost.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';

const TICKS_PER_S = 100; // getconf CLK_TCK on Linux

export interface CpuTotals {
  /** CPU milliseconds over the window, by part. */
  lookoutMs: number;
  helpersMs: number;
  postgresMs: number;
  windowS: number;
  /** The 1-minute load average at the start and at the end of the window. */
  loadStart: number;
  loadEnd: number;
}

export interface CpuMeter {
  stop(): Promise<CpuTotals>;
}

interface ProcStat {
  cpuS: number;
  /** Start time in seconds since boot. */
  startS: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { cpuS: (Number(f[11]) + Number(f[12])) / TICKS_PER_S, startS: Number(f[19]) / TICKS_PER_S };
  } catch {
    return null; // gone meanwhile
  }
}

/**
 * A process and every process below it, read down the `children` files of its threads: the
 * meters sample every second, so they read only these trees, not all of /proc.
 */
export function processTree(root: number): number[] {
  const out: number[] = [];
  for (const pending = [root]; pending.length > 0; ) {
    const pid = pending.pop()!;
    out.push(pid);
    try {
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ')) if (child.trim() !== '') pending.push(Number(child));
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

function uptimeS(): number {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
}

const readers = new Map<string, boolean>();
/** Whether the process is a SQLite reader (its command line loads better-sqlite3); asked once per process. */
function isReader(pid: number, s: ProcStat): boolean {
  const key = `${pid}:${s.startS}`;
  let known = readers.get(key);
  if (known === undefined) {
    try {
      known = readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('better-sqlite3');
    } catch {
      known = false;
    }
    readers.set(key, known);
  }
  return known;
}

/** CPU seconds per process, counted from first sight; keyed by pid and start time (pids are reused). */
class Tally {
  private readonly seen = new Map<string, { from: number; last: number }>();
  constructor(private readonly windowStartS: number) {}
  add(pid: number, s: ProcStat): void {
    const key = `${pid}:${s.startS}`;
    const entry = this.seen.get(key);
    if (entry) entry.last = s.cpuS;
    else this.seen.set(key, { from: s.startS >= this.windowStartS ? 0 : s.cpuS, last: s.cpuS });
  }
  totalMs(): number {
    let sum = 0;
    for (const e of this.seen.values()) sum += e.last - e.from;
    return sum * 1000;
  }
}

export async function startCpuMeter(options: {
  /** Lookout's processes; `self` means this process (the scheduler bench runs Lookout in-process). */
  lookout: 'self' | (() => number[]);
  /** The bench's database on the PostgreSQL server, if any. */
  postgres?: { adminUrl: string; database: string };
  intervalMs?: number;
}): Promise<CpuMeter> {
  const startS = uptimeS();
  const loadStart = loadavg()[0]!;
  const started = Date.now();
  const selfStart = process.cpuUsage();
  const lookout = new Tally(startS);
  const helpers = new Tally(startS);
  const postgres = new Tally(startS);
  let admin: pg.Client | null = null;
  if (options.postgres) {
    admin = new pg.Client({ connectionString: options.postgres.adminUrl });
    admin.on('error', () => undefined);
    await admin.connect();
  }
  const roots = () => (options.lookout === 'self' ? [process.pid] : options.lookout());

  /** The meter's own CPU in this process, taken off Lookout's when Lookout is this process. */
  let meterUs = 0;
  async function sample(): Promise<void> {
    const before = process.cpuUsage();
    for (const root of roots()) {
      const rootStat = readStat(root);
      if (rootStat && options.lookout !== 'self') lookout.add(root, rootStat);
      // A helper: a SQLite reader below a Lookout process (not tsx's esbuild, say).
      for (const pid of processTree(root).slice(1)) {
        const s = readStat(pid);
        if (s && isReader(pid, s)) helpers.add(pid, s);
      }
    }
    const scanned = process.cpuUsage(before);
    meterUs += scanned.user + scanned.system;
    if (admin && options.postgres) {
      const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [options.postgres.database]);
      for (const { pid } of rows) {
        const s = readStat(pid);
        if (s) postgres.add(pid, s);
      }
    }
  }

  await sample();
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(sample).catch(() => undefined);
  }, options.intervalMs ?? 1000);

  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      await sample();
      await admin?.end().catch(() => undefined);
      const self = process.cpuUsage(selfStart);
      return {
        lookoutMs: options.lookout === 'self' ? (self.user + self.system - meterUs) / 1000 : lookout.totalMs(),
        helpersMs: helpers.totalMs(),
        postgresMs: postgres.totalMs(),
        windowS: (Date.now() - started) / 1000,
        loadStart,
        loadEnd: loadavg()[0]!,
      };
    },
  };
}

/** The figures per evaluation, rounded, for the table and the last line. */
export function cpuPerEvaluation(totals: CpuTotals, evaluations: number): Record<string, number> {
  const per = (ms: number) => (evaluations > 0 ? Math.round((ms / evaluations) * 1000) / 1000 : NaN);
  return {
    cpu_ms_per_eval: per(totals.lookoutMs + totals.helpersMs + totals.postgresMs),
    cpu_ms_per_eval_lookout: per(totals.lookoutMs),
    cpu_ms_per_eval_helpers: per(totals.helpersMs),
    cpu_ms_per_eval_postgres: per(totals.postgresMs),
    load_1m_start: Math.round(totals.loadStart * 100) / 100,
    load_1m_end: Math.round(totals.loadEnd * 100) / 100,
  };
}
