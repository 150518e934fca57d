// Creates, starts and stops Agenda on the store's database (PostgreSQL, PGlite or MongoDB),
// with one every-minute dispatch job per shard, the run-now job, the daily pruning job and the
// sweep over deliveries whose outcome was unknown.
// Agenda distributes these jobs over instances; exactly-once comes from the claims. Left to
// itself, Agenda lets the first instance that polls lock every shard job; here each instance
// holds at most its share of them (instance-heartbeats.ts), so the shards spread over the instances.
import { MongoBackend } from '@agendajs/mongo-backend';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda, type AgendaBackend } from 'agenda';
import type { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { InstanceStore } from '../store/port.js';
import type { DispatchShard } from './dispatch-job.js';
import type { EvaluationPool } from './evaluation-pool.js';
import { shardShare, startMembership, type Membership } from './instance-heartbeats.js';
import { PRUNE_CRON, PRUNE_JOB } from './prune-executions-job.js';
import { RECONCILE_EVERY_MS, RECONCILE_JOB } from './reconcile-deliveries-job.js';
import { RUN_NOW_JOB, type RunNowData } from './run-now-job.js';
import { shardJobName } from './shard-jobs.js';

/** Where Agenda keeps its jobs: the store's own database. */
export type SchedulerBackend =
  | { kind: 'postgres'; connectionString: string }
  /** Jobs go to `agendaJobs` in the database the URL names, beside the store's collections. */
  | { kind: 'mongo'; url: string };

export interface SchedulerOptions {
  backend: SchedulerBackend;
  /** Where instances record heartbeats (the store). */
  instances: InstanceStore;
  clock: Clock;
  shards: number;
  instance: string;
  logger: Logger;
  dispatch: DispatchShard;
  runNow: (data: RunNowData) => Promise<void>;
  prune: () => Promise<unknown>;
  /** Looks up deliveries whose outcome was unknown, every `everyMs` (default a minute); absent: never. */
  reconcile?: { run: () => Promise<unknown>; everyMs?: number };
  pool: EvaluationPool;
  /** How often Agenda looks for jobs (ms); default 2 s. */
  processEveryMs?: number;
  /**
   * Seconds before each minute a shard's dispatch runs to claim the ticks due at the minute
   * (the dispatch's own lead must be at least this); it runs at the minute too, for alerts made
   * or moved since. 0: at the minute only.
   */
  leadS?: number;
  /**
   * How long a job's lock holds before another instance may take it (a dispatch only claims,
   * so it is short); default 20 s. Short in tests: Agenda leaves a timer of half of it behind
   * after stop().
   */
  lockLifetimeMs?: number;
  /** Instance heartbeat interval and time to live (ms), shorter in tests. */
  heartbeatMs?: number;
  instanceTtlMs?: number;
}

export interface SchedulerStatus {
  /** Instances sharing the shards, this one included. */
  instances: readonly string[];
  /** Shard jobs this instance may hold at once. */
  shardShare: number;
}

export interface Scheduler {
  /** Queues a run-now job (any instance may run it). */
  runNow(data: RunNowData): Promise<void>;
  /** Stops taking jobs, then waits for running evaluations to finish, then leaves the instances. */
  stop(): Promise<void>;
  status(): SchedulerStatus;
}

export async function startScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const { logger } = options;
  const lockLifetime = options.lockLifetimeMs ?? 20_000;
  const { backend, close: closeBackend } = createBackend(options.backend, logger);
  const agenda = new Agenda({
    backend,
    name: options.instance,
    processEvery: options.processEveryMs ?? 2_000,
    defaultLockLifetime: lockLifetime,
    maxConcurrency: options.shards + 20,
  });
  agenda.on('error', (err: Error) => logger.error({ err }, 'agenda error'));

  for (let shard = 0; shard < options.shards; shard += 1) {
    agenda.define(
      shardJobName(shard),
      async () => {
        await options.dispatch(shard);
      },
      { concurrency: 1, lockLimit: 1, lockLifetime },
    );
  }
  agenda.define<RunNowData>(RUN_NOW_JOB, async (job) => options.runNow(job.attrs.data), { lockLifetime });
  agenda.define(PRUNE_JOB, async () => {
    await options.prune();
  });
  const reconcile = options.reconcile;
  if (reconcile) {
    agenda.define(RECONCILE_JOB, async () => {
      await reconcile.run();
    });
  }

  try {
    await startWithRetry(agenda, logger);
  } catch (err) {
    await closeBackend().catch(() => undefined);
    throw err;
  }
  for (let shard = 0; shard < options.shards; shard += 1) {
    await repeat(agenda, dispatchCron(options.leadS ?? 0), shardJobName(shard));
  }
  await repeat(agenda, PRUNE_CRON, PRUNE_JOB);
  if (reconcile) await repeat(agenda, reconcile.everyMs ?? RECONCILE_EVERY_MS, RECONCILE_JOB);

  const membership: Membership = await startMembership({
    store: options.instances,
    instance: options.instance,
    clock: options.clock,
    logger,
    intervalMs: options.heartbeatMs,
    ttlMs: options.instanceTtlMs,
    onChange(live) {
      setLockLimit(agenda, shardShare(options.shards, live.length), logger);
    },
  });

  // Ticks missed while no instance ran are due now: dispatch them at once rather than at the
  // next minute (one catch-up run per alert either way). Concurrent dispatches of one shard
  // are safe: each tick is claimed once.
  // stop() ends the loop between shards and waits for it, so a stop right after start does
  // not close the store under a dispatch.
  let stopping = false;
  const catchUp = dispatchAll(options, logger, () => stopping);

  return {
    async runNow(data) {
      await agenda.now(RUN_NOW_JOB, data);
    },
    async stop() {
      // drain (not stop): stop taking jobs, let running dispatches end, then disconnect.
      stopping = true;
      await catchUp;
      await agenda.drain({ timeout: lockLifetime });
      await options.pool.drain();
      await membership.stop();
      await closeBackend();
    },
    status: () => ({ instances: membership.live(), shardShare: shardShare(options.shards, membership.live().length) }),
  };
}

/** When a shard's dispatch runs: at each minute, and `leadS` seconds before it (cron with seconds). */
export function dispatchCron(leadS: number): string {
  return leadS > 0 ? `0,${60 - leadS} * * * * *` : '* * * * *';
}

/**
 * agenda.every(), once more if another instance saved the same job at the same moment: on
 * MongoDB the store's unique index refuses the second insert (11000), and the retry then
 * updates the job the other instance made.
 */
async function repeat(agenda: Agenda, interval: string | number, name: string): Promise<void> {
  // A cron in UTC, or a number of milliseconds.
  const every = () => agenda.every(interval, name, undefined, typeof interval === 'string' ? { timezone: 'UTC', skipImmediate: true } : { skipImmediate: true });
  try {
    await every();
  } catch (err) {
    if ((err as { code?: unknown }).code !== 11000) throw err;
    await every();
  }
}

async function dispatchAll(options: SchedulerOptions, logger: Logger, stopping: () => boolean): Promise<void> {
  for (let shard = 0; shard < options.shards && !stopping(); shard += 1) {
    try {
      await options.dispatch(shard);
    } catch (err) {
      logger.warn({ err, shard }, 'start-up dispatch failed; the shard job will run at the next minute');
    }
  }
}

/**
 * How many jobs this instance may hold locked at once. Agenda reads its total lock limit once,
 * at start (Agenda.lockLimit() changes only the option), so it is set on the running job
 * processor. Without it (another Agenda version) every tick still runs exactly once; only the
 * spread over instances is lost, and the log says so.
 */
function setLockLimit(agenda: Agenda, limit: number, logger: Logger): void {
  const processor = (agenda as unknown as { jobProcessor?: { totalLockLimit?: unknown } }).jobProcessor;
  if (processor === undefined || typeof processor.totalLockLimit !== 'number') {
    logger.warn("this Agenda version has no job processor lock limit: shards are not spread over instances");
    return;
  }
  processor.totalLockLimit = limit;
}

function createBackend(backend: SchedulerBackend, logger: Logger): { backend: AgendaBackend; close(): Promise<void> } {
  switch (backend.kind) {
    case 'postgres': {
      // Our own pool, so a connection the server drops (a restart) is an 'error' we handle; the
      // backend's own pool has no listener, and the unhandled event would end the process.
      const pool = new pg.Pool({ connectionString: backend.connectionString, max: 6 });
      pool.on('error', (err) => logger.warn({ err }, 'Agenda lost a database connection; it reconnects'));
      const postgres = new PostgresBackend({ pool });
      // Likewise its LISTEN connection: the channel reconnects by itself after emitting this.
      (postgres.notificationChannel as unknown as EventEmitter | undefined)?.on('error', (err: unknown) =>
        logger.warn({ err }, 'Agenda lost its notification connection; it reconnects'),
      );
      return { backend: postgres, close: () => pool.end() };
    }
    case 'mongo':
      // Polling only (no change streams: they need a replica set), so a run-now job waits up
      // to processEvery on another instance. 5 s to find a server, as the store does.
      return {
        backend: new MongoBackend({ address: backend.url, options: { serverSelectionTimeoutMS: 5_000 } }),
        close: async () => undefined,
      };
  }
}

/**
 * Two instances starting together on a fresh database race in Agenda's schema creation
 * (duplicate key on pg_type); the loser simply tries again once the winner is done.
 */
async function startWithRetry(agenda: Agenda, logger: Logger): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await agenda.start();
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 5 || (code !== '23505' && code !== '42P07')) throw err;
      logger.warn({ attempt }, 'agenda schema creation raced another instance; retrying');
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
