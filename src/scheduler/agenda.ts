// Creates, starts and stops Agenda on the store's database (PostgreSQL, PGlite or MongoDB),
// with one every-minute dispatch job per shard, the run-now job and the daily pruning job.
// Agenda distributes these jobs over instances; exactly-once comes from the claims.
import { MongoBackend } from '@agendajs/mongo-backend';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda, type AgendaBackend } from 'agenda';
import type { Logger } from '../logger.js';
import type { DispatchShard } from './dispatch-job.js';
import type { EvaluationPool } from './evaluation-pool.js';
import { PRUNE_CRON, PRUNE_JOB } from './prune-executions-job.js';
import { RUN_NOW_JOB, type RunNowData } from './run-now-job.js';
import { shardJobName } from './shards.js';

/** Where Agenda keeps its jobs: the store's own database. */
export type SchedulerBackend =
  | { kind: 'postgres'; connectionString: string }
  /** Jobs go to `agendaJobs` in the database the URL names, beside the store's collections. */
  | { kind: 'mongo'; url: string };

export interface SchedulerOptions {
  backend: SchedulerBackend;
  shards: number;
  instance: string;
  logger: Logger;
  dispatch: DispatchShard;
  runNow: (data: RunNowData) => Promise<void>;
  prune: () => Promise<unknown>;
  pool: EvaluationPool;
  /** How often Agenda looks for jobs (ms). */
  processEveryMs?: number;
  /**
   * How long a dispatch job's lock holds before another instance may take the shard.
   * Short in tests: Agenda leaves a timer of half of it behind after stop().
   */
  lockLifetimeMs?: number;
}

export interface Scheduler {
  /** Queues a run-now job (any instance may run it). */
  runNow(data: RunNowData): Promise<void>;
  /** Stops taking jobs, then waits for running evaluations to finish. */
  stop(): Promise<void>;
}

export async function startScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const { logger } = options;
  const lockLifetime = options.lockLifetimeMs ?? 50_000;
  const agenda = new Agenda({
    backend: createBackend(options.backend),
    name: options.instance,
    processEvery: options.processEveryMs ?? 5_000,
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

  await startWithRetry(agenda, logger);
  for (let shard = 0; shard < options.shards; shard += 1) {
    await agenda.every('* * * * *', shardJobName(shard), undefined, { timezone: 'UTC', skipImmediate: true });
  }
  await agenda.every(PRUNE_CRON, PRUNE_JOB, undefined, { timezone: 'UTC', skipImmediate: true });

  return {
    async runNow(data) {
      await agenda.now(RUN_NOW_JOB, data);
    },
    async stop() {
      // drain (not stop): stop taking jobs, let running dispatches end, then disconnect.
      await agenda.drain({ timeout: lockLifetime });
      await options.pool.drain();
    },
  };
}

function createBackend(backend: SchedulerBackend): AgendaBackend {
  switch (backend.kind) {
    case 'postgres':
      return new PostgresBackend({ connectionString: backend.connectionString, poolConfig: { max: 6 } });
    case 'mongo':
      // Polling only (no change streams: they need a replica set), so a run-now job waits up
      // to processEvery on another instance. 5 s to find a server, as the store does.
      return new MongoBackend({ address: backend.url, options: { serverSelectionTimeoutMS: 5_000 } });
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
