// The SQLite helper processes (sqlite.ts) and the queries waiting for them, sent in batches.
// Each query used to cost a message each way, and on a busy machine a message (a write system
// call, a wake-up of the other process) cost more than a quick query's work; a helper now takes
// the queries waiting when it frees up, in one message, and answers them in as few; and the
// queries asked for in one turn of the event loop leave together, also to an idle helper.
// What stays as it was: a helper runs one query at a time; a query's timeout or abort kills the
// helper it is in (SIGKILL, whatever native call SQLite is in) and a warm one takes its place;
// a helper that dies takes nothing with it but itself.
// Who shares a batch: only queries whose last run took under QUICK_MS (the helper reports each
// query's time); a query not yet seen, or slow last time, goes alone. In a batch the earliest
// deadline runs first, so when a timer fires, every query before it in its batch has answered
// or was itself past its deadline. Queries of a batch that were killed with another are reads,
// never started or already done: they go back to the front of the queue and run again.
// A helper that dies under several queries cannot say which one killed it: each of them is run
// again alone (at most once more), so only the query that kills a helper fails with it.
import type { ChildProcess } from 'node:child_process';
import type { Cell } from '../domain/types.js';

/** A query in a batch, as sent to a helper. */
export interface HelperTask {
  id: number;
  sql: string;
  /** Rows to read at most. */
  limit: number;
}

/** A helper's answer to one query; `ms` is the time the query took in the helper. */
export type HelperReply =
  | { id: number; ms: number; columns: string[]; rows: Cell[][]; error?: undefined }
  | { id: number; ms: number; error: { code: string; message: string; column?: string } };

export interface SqliteHelpersOptions {
  /** Starts one helper (it answers { tasks } with { replies }). */
  spawn(): ChildProcess;
  /** Helpers at most (the source's poolSize). */
  poolSize: number;
  /** The error of a query whose helper died under it; the signal tells a helper out of memory. */
  died(signal: NodeJS.Signals | null): Error;
  timedOut(): Error;
  canceled(): Error;
  closed(): Error;
}

export interface SqliteHelpers {
  /** Runs one query in a helper; rejects with timedOut() or canceled() after killing its helper. */
  run(sql: string, options: { timeoutMs: number; limit: number; signal?: AbortSignal }): Promise<HelperReply>;
  close(): Promise<void>;
}

/** A query that took less than this last time may share a batch. */
const QUICK_MS = 2;
/** Queries per batch at most. */
const MAX_BATCH = 16;
/** Query texts whose last time is remembered. */
const REMEMBERED = 1000;
/** Helpers a query may die in: a second time, it is taken to be what kills them. */
const MAX_DEATHS = 2;

interface Task extends HelperTask {
  deadline: number;
  /** Helpers that died under it, with others in their batch. */
  deaths: number;
  /** Runs alone: its helper died with it in a batch. */
  solo: boolean;
  helper: Helper | null;
  settled: boolean;
  resolve(reply: HelperReply): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout | null;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
}

interface Helper {
  child: ChildProcess;
  /** Queries sent and not answered yet. */
  tasks: Map<number, Task>;
}

export function createSqliteHelpers(options: SqliteHelpersOptions): SqliteHelpers {
  const { poolSize } = options;
  const helpers = new Set<Helper>();
  const idle: Helper[] = [];
  let queue: Task[] = [];
  const lastMs = new Map<string, number>();
  let nextId = 1;
  let closed = false;

  const setBusy = (helper: Helper, busy: boolean) => {
    // Idle helpers must not keep Lookout (or a test run) from exiting.
    if (busy) {
      helper.child.ref();
      helper.child.channel?.ref();
    } else {
      helper.child.unref();
      helper.child.channel?.unref();
    }
  };

  function spawnHelper(): Helper {
    const helper: Helper = { child: options.spawn(), tasks: new Map() };
    helpers.add(helper);
    helper.child.on('message', (message: { replies: HelperReply[] }) => answered(helper, message.replies));
    helper.child.on('exit', (_code, signal: NodeJS.Signals | null) => gone(helper, signal));
    helper.child.on('error', () => gone(helper, null)); // failed to start
    return helper;
  }

  function forget(helper: Helper): boolean {
    if (!helpers.delete(helper)) return false;
    const at = idle.indexOf(helper);
    if (at >= 0) idle.splice(at, 1);
    return true;
  }

  function settle(task: Task): boolean {
    if (task.settled) return false;
    task.settled = true;
    if (task.timer !== null) clearTimeout(task.timer);
    if (task.onAbort !== null) task.signal?.removeEventListener('abort', task.onAbort);
    return true;
  }

  function fail(task: Task, err: Error): void {
    if (settle(task)) task.reject(err);
  }

  function answered(helper: Helper, replies: HelperReply[]): void {
    for (const reply of replies) {
      const task = helper.tasks.get(reply.id);
      if (task === undefined) continue;
      helper.tasks.delete(reply.id);
      lastMs.delete(task.sql);
      lastMs.set(task.sql, reply.ms);
      if (lastMs.size > REMEMBERED) lastMs.delete(lastMs.keys().next().value!);
      if (settle(task)) task.resolve(reply);
    }
    if (helper.tasks.size === 0 && helpers.has(helper)) {
      setBusy(helper, false);
      idle.push(helper);
      pump();
    }
  }

  /** Queries taken from a helper, back to the front of the queue, in their order. */
  function requeue(tasks: Task[]): void {
    for (const task of tasks) task.helper = null;
    queue = [...tasks, ...queue];
  }

  /** A helper exited: killed by us (already forgotten), or died under its queries. */
  function gone(helper: Helper, signal: NodeJS.Signals | null): void {
    if (!forget(helper)) return;
    const left = [...helper.tasks.values()];
    helper.tasks.clear();
    const again: Task[] = [];
    for (const task of left) {
      task.deaths += 1;
      task.solo = true;
      if (left.length === 1 || task.deaths >= MAX_DEATHS) fail(task, options.died(signal));
      else again.push(task);
    }
    requeue(again);
    pump();
  }

  /** The query's time is up (or it was cancelled): kill its helper, if it was sent to one. */
  function expire(task: Task, err: Error): void {
    if (task.settled) return;
    const helper = task.helper;
    if (helper === null) {
      queue = queue.filter((t) => t !== task);
      fail(task, err);
      return;
    }
    helper.tasks.delete(task.id);
    fail(task, err);
    const others = [...helper.tasks.values()];
    helper.tasks.clear();
    forget(helper);
    helper.child.kill('SIGKILL');
    requeue(others);
    pump();
  }

  const quick = (task: Task) => !task.solo && (lastMs.get(task.sql) ?? Infinity) < QUICK_MS;

  /** The next batch: the first query waiting, and quick ones after it for this helper's share. */
  function takeBatch(available: number): Task[] {
    const first = queue.shift()!;
    if (!quick(first)) return [first];
    const want = Math.min(MAX_BATCH, Math.ceil((queue.length + 1) / available));
    const batch = [first];
    const rest: Task[] = [];
    for (const task of queue) {
      if (batch.length < want && quick(task)) batch.push(task);
      else rest.push(task);
    }
    queue = rest;
    return batch.sort((a, b) => a.deadline - b.deadline);
  }

  /**
   * Sends what waits (`dispatch`). It runs in event handlers and after the turn, outside any
   * query's promise: a helper that cannot even be started (spawn throws: E2BIG, ENOMEM) fails the
   * queries waiting, not the process.
   */
  function pump(): void {
    try {
      dispatch();
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      for (const task of queue.splice(0)) fail(task, error);
    }
  }

  /** Sends waiting queries to idle helpers, starting helpers within poolSize; keeps one warm. */
  function dispatch(): void {
    if (closed) return;
    while (queue.length > 0) {
      const helper = idle.pop() ?? (helpers.size < poolSize ? spawnHelper() : undefined);
      if (helper === undefined) break;
      const batch = takeBatch(1 + idle.length + (poolSize - helpers.size));
      setBusy(helper, true);
      for (const task of batch) {
        task.helper = helper;
        helper.tasks.set(task.id, task);
      }
      helper.child.send({ tasks: batch.map(({ id, sql, limit }) => ({ id, sql, limit })) }, (err) => {
        // The channel is gone: the helper died, and its exit puts the queries back.
        if (err) helper.child.kill('SIGKILL');
      });
    }
    if (queue.length === 0 && idle.length === 0 && helpers.size < poolSize) {
      const warm = spawnHelper();
      setBusy(warm, false);
      idle.push(warm);
    }
  }

  let pumpQueued = false;
  /**
   * A new query waits for the end of this turn of the event loop, so the queries asked for in
   * one turn (evaluations woken by the same timers or store answers) leave in one message
   * instead of one each while a helper is idle.
   */
  function pumpSoon(): void {
    if (pumpQueued) return;
    pumpQueued = true;
    setImmediate(() => {
      pumpQueued = false;
      pump();
    });
  }

  return {
    run(sql, { timeoutMs, limit, signal }) {
      if (closed) return Promise.reject(options.closed());
      if (signal?.aborted) return Promise.reject(options.canceled());
      return new Promise<HelperReply>((resolve, reject) => {
        const task: Task = {
          id: nextId++,
          sql,
          limit,
          // On the monotonic timer, as the timeout's own timer is.
          deadline: performance.now() + timeoutMs,
          deaths: 0,
          solo: false,
          helper: null,
          settled: false,
          resolve,
          reject,
          timer: null,
          signal,
          onAbort: null,
        };
        task.timer = setTimeout(() => expire(task, options.timedOut()), timeoutMs);
        if (signal) {
          task.onAbort = () => expire(task, options.canceled());
          signal.addEventListener('abort', task.onAbort, { once: true });
        }
        queue.push(task);
        pumpSoon();
      });
    },

    async close() {
      closed = true;
      for (const task of queue.splice(0)) fail(task, options.closed());
      const all = [...helpers];
      helpers.clear();
      idle.length = 0;
      await Promise.all(
        all.map(
          (helper) =>
            new Promise<void>((resolve) => {
              for (const task of helper.tasks.values()) fail(task, options.closed());
              helper.tasks.clear();
              const { child } = helper;
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
