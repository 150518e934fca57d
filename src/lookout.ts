// Builds a running Lookout from a validated config: store, data sources, delivery, tick
// runner, scheduler and the alert service. main.ts, the demo, the benchmarks and the
// end-to-end tests all start Lookout through here, so there is one wiring.
import type { Config } from './config.js';
import { createDataSourceCatalog } from './datasources/catalog.js';
import type { DataSourceCatalog } from './datasources/port.js';
import type { Delivery } from './delivery/port.js';
import { ConfigError, StoreError } from './errors.js';
import type { Logger } from './logger.js';
import { createOutbound } from './outbound.js';
import { startScheduler, type Scheduler, type SchedulerBackend } from './scheduler/agenda.js';
import { createDispatchJob } from './scheduler/dispatch-job.js';
import { createEvaluationPool } from './scheduler/evaluation-pool.js';
import { createPruneExecutionsJob } from './scheduler/prune-executions-job.js';
import { createRunNowJob } from './scheduler/run-now-job.js';
import { createAlertService, type AlertService } from './services/alert-service.js';
import { createTickRunner, type TickObserver, type TickRunner } from './services/tick-runner.js';
import { createSlackApp, type SlackApp } from './slack/app.js';
import { createRecipientVerifier } from './slack/membership.js';
import { createMongoStore } from './store/mongo/store.js';
import { startEmbeddedPostgres } from './store/pglite/embedded.js';
import type { Store } from './store/port.js';
import { createPostgresStore } from './store/postgres/store.js';

export interface LookoutOptions {
  logger: Logger;
  /** Where messages go (overrides Slack and email); the log when nothing is configured. */
  delivery?: Delivery;
  clock?: () => Date;
  observer?: TickObserver;
  /** Agenda tuning, shorter in tests. */
  processEveryMs?: number;
  lockLifetimeMs?: number;
  /** Instance heartbeats (shard spreading), shorter in tests. */
  heartbeatMs?: number;
  instanceTtlMs?: number;
  /** Start the scheduler (false: the service only, e.g. for a one-off command). */
  schedule?: boolean;
}

export interface Lookout {
  config: Config;
  store: Store;
  dataSources: DataSourceCatalog;
  runner: TickRunner;
  service: AlertService;
  /** The Slack app, when Slack tokens are configured. */
  slack: SlackApp | null;
  /** The database URL Agenda and the store use (the embedded one's, by default; MONGODB_URL on MongoDB). */
  databaseUrl: string;
  /** Graceful: stop taking jobs, let running executions finish, close everything. */
  stop(): Promise<void>;
}

export async function startLookout(config: Config, options: LookoutOptions): Promise<Lookout> {
  const logger = options.logger;
  const clock = options.clock ?? (() => new Date());
  const closers: (() => Promise<void>)[] = [];
  try {
    let databaseUrl: string;
    let store: Store;
    let backend: SchedulerBackend;
    switch (config.store.kind) {
      case 'pglite': {
        const embedded = await startEmbeddedPostgres({ dataDir: config.store.dataDir });
        closers.unshift(embedded.stop);
        databaseUrl = embedded.url;
        // PGlite serves at most 30 connections, shared with Agenda, and one session (so no
        // named statements).
        store = await openPostgres(databaseUrl, 'DATA_DIR', 10, false);
        backend = { kind: 'postgres', connectionString: databaseUrl };
        break;
      }
      case 'postgres':
        // A real server takes more connections and prepared statements.
        databaseUrl = config.store.url;
        store = await openPostgres(databaseUrl, 'DATABASE_URL', 20, true);
        backend = { kind: 'postgres', connectionString: databaseUrl };
        break;
      case 'mongo':
        databaseUrl = config.store.url;
        store = await openMongo(databaseUrl);
        backend = { kind: 'mongo', url: databaseUrl };
        break;
    }
    closers.unshift(() => store.close());

    const dataSources = createDataSourceCatalog(config.dataSources);
    closers.unshift(() => dataSources.closeAll());

    const outbound = createOutbound(config, { logger, clock, delivery: options.delivery });
    closers.unshift(() => outbound.close());
    const instance = config.scheduler.instance;
    // Home tabs follow the alerts: owners' Homes are refreshed after each execution.
    let slack: SlackApp | null = null;
    const observer: TickObserver = {
      evaluationStarted: options.observer?.evaluationStarted,
      executionFinished(summary) {
        options.observer?.executionFinished?.(summary);
        slack?.alertChanged(summary.alertId);
      },
    };
    const runner = createTickRunner({
      store,
      dataSources,
      delivery: outbound.delivery,
      content: outbound.content,
      ownerEmail: outbound.ownerEmail,
      clock,
      instance,
      logger: logger.child({ module: 'tick' }),
      observer,
    });
    const pool = createEvaluationPool(config.scheduler.concurrency, logger.child({ module: 'pool' }));
    const runNow = createRunNowJob({ runner, pool });

    let scheduler: Scheduler | null = null;
    if (options.schedule !== false) {
      scheduler = await startScheduler({
        backend,
        instances: store,
        clock,
        shards: config.scheduler.shards,
        instance,
        logger: logger.child({ module: 'scheduler' }),
        dispatch: createDispatchJob({ store, runner, pool, clock, instance, logger: logger.child({ module: 'dispatch' }) }),
        runNow,
        prune: createPruneExecutionsJob({ store, clock, logger: logger.child({ module: 'prune' }) }),
        pool,
        processEveryMs: options.processEveryMs,
        lockLifetimeMs: options.lockLifetimeMs,
        heartbeatMs: options.heartbeatMs,
        instanceTtlMs: options.instanceTtlMs,
      });
      const started = scheduler;
      closers.unshift(() => started.stop());
    }

    const service = createAlertService({
      store,
      dataSources,
      clock,
      admins: config.admins,
      shards: config.scheduler.shards,
      allowedHosts: config.screenshots.allowedHosts,
      // Without a scheduler (one-off use), run now runs here and now.
      runNow: scheduler ? scheduler.runNow : async (data) => void (await runNow(data)),
      verifyRecipients: config.slack
        ? createRecipientVerifier({ token: config.slack.botToken, slackApiUrl: config.slack.apiUrl })
        : undefined,
    });

    if (config.slack) {
      slack = createSlackApp({
        botToken: config.slack.botToken,
        appToken: config.slack.appToken,
        apiUrl: config.slack.apiUrl,
        service,
        clock,
        logger: logger.child({ module: 'slack' }),
        doctor: outbound.doctor,
      });
      await slack.start();
      const started = slack;
      closers.unshift(() => started.stop());
    }

    let stopped = false;
    return {
      config,
      store,
      dataSources,
      runner,
      service,
      slack,
      databaseUrl,
      async stop() {
        if (stopped) return;
        stopped = true;
        await closeAll(closers, logger);
      },
    };
  } catch (err) {
    await closeAll(closers, logger);
    throw err;
  }
}

async function openPostgres(url: string, setting: string, max: number, prepare: boolean): Promise<Store> {
  try {
    return await createPostgresStore({ connectionString: url, max, prepare });
  } catch (err) {
    throw new ConfigError(setting, `cannot open the store: ${rootCause(err)}`, { cause: err });
  }
}

/** An unreachable server fails after the store's 5 s server selection, naming MONGODB_URL. */
async function openMongo(url: string): Promise<Store> {
  try {
    return await createMongoStore({ url });
  } catch (err) {
    throw new ConfigError('MONGODB_URL', `cannot open the store: ${rootCause(err)}`, { cause: err });
  }
}

/** The driver's own words (e.g. "connect ECONNREFUSED 127.0.0.1:5432"), with any URL hidden. */
function rootCause(err: unknown): string {
  let current: unknown = err;
  while (current instanceof StoreError && current.cause !== undefined) current = current.cause;
  const message = current instanceof Error ? current.message : String(current);
  return message.split('\n')[0]!.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>');
}

async function closeAll(closers: (() => Promise<void>)[], logger: Logger): Promise<void> {
  for (const close of closers) {
    try {
      await close();
    } catch (err) {
      logger.warn({ err }, 'error while stopping');
    }
  }
}
