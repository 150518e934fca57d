// A pool of helper processes for an engine that runs inside Lookout's machine (DuckDB): each
// helper holds one connection, runs one query at a time, and talks over IPC. A process, not a
// thread, because only a process can be bounded and killed: its data segment (RLIMIT_DATA, set
// by `ulimit -d` in the shell that execs it) makes a huge allocation fail inside the helper,
// its V8 heap is capped, and SIGKILL ends it whatever native call it is in. One helper is kept
// warm; idle helpers do not keep Lookout (or a test run) from exiting. sqlite.ts keeps its own
// pool (it predates this one) on the same pattern.
import { spawn, type ChildProcess } from 'node:child_process';

export interface HelperSpec {
  /** The helper's script (a CommonJS file) and its arguments. */
  script: string;
  args: readonly string[];
  /** Its whole data segment: what it may allocate, V8 and native together. */
  dataMiB: number;
  /** V8's heap limit, below the data segment so V8 collects garbage before memory runs out. */
  heapMiB: number;
  /** Its working directory (relative paths in its work resolve from here); Lookout's by default. */
  cwd?: string;
}

export interface HelperPool {
  /** An idle helper, a new one within `size`, or the next one given back; rejects with `canceled()` on abort. */
  acquire(signal: AbortSignal | undefined): Promise<ChildProcess>;
  /** The helper finished its query and may take the next. */
  release(child: ChildProcess): void;
  /** The helper is killed (it is busy with something that will not stop); a warm one replaces it. */
  discard(child: ChildProcess): void;
  /** Kills every helper; waiting callers get `closed()`. */
  close(): Promise<void>;
}

export interface HelperPoolOptions {
  spec: HelperSpec;
  /** Helpers at most (the source's poolSize). */
  size: number;
  /** The error a caller waiting for a helper gets when its signal aborts. */
  canceled(): Error;
  /** The error a caller gets once the pool is closed. */
  closed(): Error;
}

export function createHelperPool(options: HelperPoolOptions): HelperPool {
  const { spec, size } = options;
  const all = new Set<ChildProcess>();
  const idle: ChildProcess[] = [];
  const waiting: { resolve(child: ChildProcess): void; reject(err: Error): void }[] = [];
  let closed = false;

  const setBusy = (child: ChildProcess, busy: boolean) => {
    if (busy) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  };

  function spawnHelper(): ChildProcess {
    const node = [process.execPath, `--max-old-space-size=${spec.heapMiB}`, spec.script, ...spec.args];
    // The shell only sets the limit and becomes the helper (exec): one process, killable by pid.
    const limited = ['-c', 'ulimit -d "$1" 2>/dev/null; shift; exec "$@"', 'sh', String(spec.dataMiB * 1024)];
    const child = spawn('/bin/sh', [...limited, ...node], {
      cwd: spec.cwd,
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'advanced',
      env: {}, // a helper needs nothing from Lookout's environment (and gets no secrets)
    });
    all.add(child);
    const gone = () => {
      if (!all.delete(child)) return;
      const at = idle.indexOf(child);
      if (at >= 0) idle.splice(at, 1);
      refill();
    };
    child.on('exit', gone);
    child.on('error', gone); // failed to spawn
    setBusy(child, true);
    return child;
  }

  /** Keeps one helper warm and serves anyone waiting, within `size`. */
  function refill(): void {
    if (closed) return;
    while (waiting.length > 0 && all.size < size) waiting.shift()?.resolve(spawnHelper());
    if (waiting.length === 0 && idle.length === 0 && all.size < size) {
      const child = spawnHelper();
      setBusy(child, false);
      idle.push(child);
    }
  }

  return {
    acquire(signal) {
      if (closed) return Promise.reject(options.closed());
      const ready = idle.pop();
      if (ready) {
        setBusy(ready, true);
        return Promise.resolve(ready);
      }
      if (all.size < size) return Promise.resolve(spawnHelper());
      return new Promise((resolve, reject) => {
        const waiter = {
          resolve(child: ChildProcess) {
            signal?.removeEventListener('abort', onAbort);
            setBusy(child, true);
            resolve(child);
          },
          reject,
        };
        const onAbort = () => {
          waiting.splice(waiting.indexOf(waiter), 1);
          reject(options.canceled());
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(waiter);
      });
    },

    release(child) {
      if (!all.has(child)) return;
      const waiter = waiting.shift();
      if (waiter) return waiter.resolve(child);
      setBusy(child, false);
      idle.push(child);
    },

    discard(child) {
      if (!all.delete(child)) return;
      const at = idle.indexOf(child);
      if (at >= 0) idle.splice(at, 1);
      child.kill('SIGKILL');
      refill();
    },

    async close() {
      closed = true;
      for (const waiter of waiting.splice(0)) waiter.reject(options.closed());
      const children = [...all];
      all.clear();
      idle.length = 0;
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.ref(); // an idle helper is unref'd: keep the process up until it is gone
              child.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}
