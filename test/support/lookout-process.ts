// Lookout as its own process, src/main.ts run by Node with tsx's loader (what `npm start`
// runs, minus the tsx CLI, which would put a wrapper process between us and Lookout and so
// keep a SIGKILL from reaching it), the settings given as environment variables: for tests
// that kill an instance and for the load bench. Its log lines (pino JSON) are kept.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Node's flags of `npm start` (package.json), so the benches and tests run Lookout as it runs. */
const NODE_FLAGS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(' ')
  .filter((word) => word.startsWith('--max-'));

export interface LookoutProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Parsed log lines so far (non-JSON lines as { msg }). */
  readonly logs: Record<string, unknown>[];
  /** Resolves with the first log line matching, waiting up to timeoutMs. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or the signal) when the process ends. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts src/main.ts with exactly `env` (plus PATH and HOME) and waits for "lookout started". */
export async function startLookoutProcess(
  env: Record<string, string>,
  options: {
    startTimeoutMs?: number;
    /** Which log lines to keep once started (default all). */
    keep?: (line: Record<string, unknown>) => boolean;
    /** More flags for Node (a bench's --cpu-prof). */
    nodeFlags?: string[];
  } = {},
): Promise<LookoutProcess> {
  let started = false;
  const child = spawn(process.execPath, [...NODE_FLAGS, ...(options.nodeFlags ?? []), '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  const take = (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (line.trim() === '') continue;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        parsed = { msg: line };
      }
      if (!started || options.keep === undefined || options.keep(parsed)) logs.push(parsed);
    }
    for (const waiter of [...waiters]) waiter();
  };
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (data: string) => {
    buffered += data;
    const end = buffered.lastIndexOf('\n');
    if (end >= 0) {
      take(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (data: string) => take(data));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const waiter of [...waiters]) waiter();
      resolve({ code, signal });
    }),
  );

  const proc: LookoutProcess = {
    child,
    pid: child.pid ?? -1,
    logs,
    exited,
    kill: (signal) => void child.kill(signal),
    waitForLog(match, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logs.find(match);
          if (found) {
            cleanup();
            resolve(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            cleanup();
            reject(new Error(`Lookout exited before the log line came; last lines:\n${logs.slice(-5).map((l) => JSON.stringify(l)).join('\n')}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no such log line within ${timeoutMs} ms; last lines:\n${logs.slice(-5).map((l) => JSON.stringify(l)).join('\n')}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
  await proc.waitForLog((l) => l.msg === 'lookout started', options.startTimeoutMs ?? 60_000);
  started = true;
  return proc;
}
