// Builds a running Lookout from a validated config: store, data sources, delivery, tick
// runner, scheduler and the alert service. main.ts, the demo, the benchmarks and the
// end-to-end tests all start Lookout through here, so there is one wiring.
import { DEFAULT_DISPATCH_LEAD_S, DEFAULT_RESULT_MEMORY_MB, screenshotCredentialUsers, type Config } from './config.js';
import { createDataSourceCatalog } from './datasources/catalog.js';
import { privilegedError, privilegedWarning } from './datasources/error-rules.js';
import type { DataSourceCatalog } from './datasources/port.js';
import type { Delivery } from './services/delivery-port.js';
import { ConfigError, StoreError } from './errors.js';
import { checkHealth, type Health } from './health.js';
import { startHttpServer, type HttpServer } from './http.js';
import { systemClock, type Clock } from './clock.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createOutbound } from './outbound.js';
import { startScheduler, type Scheduler, type SchedulerBackend } from './scheduler/agenda.js';
import { createDispatchJob } from './scheduler/dispatch-job.js';
import { createEvaluationPool } from './scheduler/evaluation-pool.js';
import { createPruneExecutionsJob } from './scheduler/prune-executions-job.js';
import { createReconcileDeliveriesJob } from './scheduler/reconcile-deliveries-job.js';
import { createRunNowJob } from './scheduler/run-now-job.js';
import { createAlertService, type AlertService } from './services/alert-service.js';
import { createAlertsAsCode } from './services/alerts-as-code.js';
import { startAlertsDir, type AlertsDir } from './scheduler/alerts-dir.js';
import { createDeliveryNotices } from './services/notify-owners.js';
import { createReconciler, type Reconciler, type ReconcileSettings } from './services/reconcile-deliveries.js';
import { createResultMemory } from './services/result-memory.js';
import { createTickRunner, type TickObserver, type TickRunner } from './services/tick-runner.js';
import { createTriageService, type TriageService } from './services/triage-service.js';
import { createSlackApp, type SlackApp } from './slack/app.js';
import { createSlackMembership } from './slack/channel-membership.js';
import { createMongoStore } from './store/mongo/store.js';
import { startEmbeddedPostgres } from './store/pglite/embedded.js';
import { createBatchedWrites } from './store/batched-writes.js';
import type { Store } from './store/port.js';
import { createPostgresStore } from './store/postgres/store.js';

export interface LookoutOptions {
  logger: Logger;
  /** Where messages go (overrides Slack and email); the log when nothing is configured. */
  delivery?: Delivery;
  clock?: Clock;
  observer?: TickObserver;
  /** Agenda tuning, shorter in tests. */
  processEveryMs?: number;
  lockLifetimeMs?: number;
  /** Instance heartbeats (shard spreading), shorter in tests. */
  heartbeatMs?: number;
  instanceTtlMs?: number;
  /** Start the scheduler (false: the service only, e.g. for a one-off command). */
  schedule?: boolean;
  /** The alerts directory's quiet time after a change and its poll, shorter in tests. */
  alertsDirDebounceMs?: number;
  alertsDirPollMs?: number;
  /** How long a Slack call waits for an answer (default 15 s), shorter in tests. */
  slackTimeoutMs?: number;
  /** Reconciliation of unknown sends: how often it sweeps (default every minute) and its times, shorter in tests. */
  reconcile?: Partial<ReconcileSettings> & { everyMs?: number };
}

export interface Lookout {
  config: Config;
  store: Store;
  dataSources: DataSourceCatalog;
  runner: TickRunner;
  service: AlertService;
  /** Acknowledgements and the admins' mute. */
  triage: TriageService;
  /** The Slack app, when Slack tokens are configured. */
  slack: SlackApp | null;
  /** Looks up Slack sends whose outcome was unknown (swept by the scheduler), when messages go to Slack. */
  reconciler: Reconciler | null;
  /** The database URL Agenda and the store use (the embedded one's, by default; MONGODB_URL on MongoDB). */
  databaseUrl: string;
  /** Counters and histograms of what this instance does (served on /metrics). */
  metrics: Metrics;
  /** The /healthz check: store, Slack socket, browser. */
  health(): Promise<Health>;
  /** The port /healthz and /metrics listen on, when HTTP_PORT is set. */
  httpPort: number | null;
  /** The alert files of alertsDir, applied at start and when they change; null without alertsDir. */
  alertsDir: AlertsDir | null;
  /** Graceful: stop taking jobs, let running executions finish, close everything. */
  stop(): Promise<void>;
}

export async function startLookout(config: Config, options: LookoutOptions): Promise<Lookout> {
  const logger = options.logger;
  const clock = options.clock ?? systemClock;
  // Stopped in this order (DESIGN.md, graceful shutdown): stop taking jobs and let running
  // executions finish; then the browser and SMTP, the Slack socket, the operations port, data
  // sources, the store. Each part is added as it starts, so a failed start closes what began.
  const closers = new Closers(logger);
  try {
    let databaseUrl: string;
    let store: Store;
    let backend: SchedulerBackend;
    switch (config.store.kind) {
      case 'pglite': {
        const embedded = await startEmbeddedPostgres({ dataDir: config.store.dataDir });
        closers.add(Step.Embedded, embedded.stop);
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
    closers.add(Step.Store, () => store.close());

    // A source whose database user can write or reach the server is refused (unless its config
    // allows it), and the admins hear of it once: in the log now, by DM once Slack is up.
    const adminNotices = createAdminNotices(config.admins, logger.child({ module: 'admin-notice' }));
    const dataSources = createDataSourceCatalog(config.dataSources, {
      clock,
      onPrivileged(source, findings, refused) {
        const text = refused ? privilegedError(source, findings).userMessage : privilegedWarning(source, findings);
        logger.warn({ dataSource: source, privileges: findings.map((f) => f.privilege), refused }, text);
        adminNotices.tell(`⚠️ ${text}`);
      },
    });
    closers.add(Step.DataSources, () => dataSources.closeAll());

    const outbound = createOutbound(config, { logger, clock, delivery: options.delivery, slackTimeoutMs: options.slackTimeoutMs });
    closers.add(Step.Outbound, () => outbound.close());
    const instance = config.scheduler.instance;
    // Home tabs follow the alerts: owners' Homes are refreshed after each execution (debounced,
    // and without reading the alert again: the summary names its owners).
    let slack: SlackApp | null = null;
    const metrics = createMetrics();
    const reconcileLogger = logger.child({ module: 'reconcile' });
    const reconciler = outbound.sent
      ? createReconciler({
          store,
          sent: outbound.sent,
          notices: createDeliveryNotices({ delivery: outbound.delivery, ownerEmail: outbound.ownerEmail, logger: reconcileLogger }),
          clock,
          logger: reconcileLogger,
          settings: options.reconcile,
        })
      : null;
    if (reconciler) closers.add(Step.Evaluations, () => reconciler.stop());
    const observer: TickObserver = {
      evaluationStarted(alertId, scheduledAt, at) {
        metrics.observer.evaluationStarted(alertId, scheduledAt, at);
        options.observer?.evaluationStarted?.(alertId, scheduledAt, at);
      },
      executionFinished(summary) {
        metrics.observer.executionFinished(summary);
        options.observer?.executionFinished?.(summary);
        slack?.homesChanged(summary.owners);
        reconciler?.onSends(summary.deliveries);
      },
    };
    // Ticks' finishes, send marks and mute reads go to the store in batches.
    const writes = createBatchedWrites(store);
    closers.add(Step.Writes, () => writes.flush());
    const resultMemory = createResultMemory((config.scheduler.resultMemoryMb ?? DEFAULT_RESULT_MEMORY_MB) * 1024 * 1024);
    const runner = createTickRunner({
      store,
      writes,
      dataSources,
      delivery: outbound.delivery,
      content: outbound.content,
      ownerEmail: outbound.ownerEmail,
      ...(outbound.slack ? { people: outbound.slack.users } : {}),
      admins: config.admins,
      maxSeries: config.alerts.maxSeries,
      clock,
      instance,
      logger: logger.child({ module: 'tick' }),
      observer,
      resultMemory,
    });
    const pool = createEvaluationPool(config.scheduler.concurrency, logger.child({ module: 'pool' }));
    const runNow = createRunNowJob({ runner, pool });
    closers.add(Step.Evaluations, () => pool.drain());

    let scheduler: Scheduler | null = null;
    const leadS = config.scheduler.leadS ?? DEFAULT_DISPATCH_LEAD_S;
    if (options.schedule !== false) {
      scheduler = await startScheduler({
        backend,
        instances: store,
        clock,
        shards: config.scheduler.shards,
        instance,
        logger: logger.child({ module: 'scheduler' }),
        leadS,
        dispatch: createDispatchJob({
          store,
          runner,
          pool,
          clock,
          leadMs: leadS * 1000,
          instance,
          logger: logger.child({ module: 'dispatch' }),
          onDispatched: metrics.dispatched,
        }),
        runNow,
        prune: createPruneExecutionsJob({ store, clock, logger: logger.child({ module: 'prune' }) }),
        ...(reconciler ? { reconcile: { run: createReconcileDeliveriesJob({ reconciler }), everyMs: options.reconcile?.everyMs } } : {}),
        pool,
        processEveryMs: options.processEveryMs,
        lockLifetimeMs: options.lockLifetimeMs,
        heartbeatMs: options.heartbeatMs,
        instanceTtlMs: options.instanceTtlMs,
      });
      const started = scheduler;
      closers.add(Step.Scheduler, () => started.stop());
    }
    const running = scheduler;
    metrics.setSources({
      evaluations: () => ({ running: pool.running, queued: pool.queued, resultBytes: resultMemory.reservedBytes }),
      scheduler: () => {
        const status = running?.status();
        return status ? { instances: status.instances.length, shardShare: status.shardShare } : null;
      },
    });

    const membership = outbound.slack ? createSlackMembership({ ...outbound.slack, clock, logger: logger.child({ module: 'membership' }) }) : null;
    const service = createAlertService({
      store,
      dataSources,
      clock,
      admins: config.admins,
      maxSeries: config.alerts.maxSeries,
      shards: config.scheduler.shards,
      allowedHosts: config.screenshots.allowedHosts,
      credentialUsers: screenshotCredentialUsers(config),
      // Without a scheduler (one-off use), run now runs here and now.
      runNow: scheduler ? scheduler.runNow : async (data) => void (await runNow(data)),
      verifyRecipients: membership?.verifyRecipients,
      channels: membership?.channels,
      logger: logger.child({ module: 'alerts' }),
    });
    const code = createAlertsAsCode({ service, store });
    const triage = createTriageService({ store, clock, admins: config.admins, channels: membership?.channels });

    if (config.slack && outbound.slack) {
      slack = createSlackApp({
        botToken: config.slack.botToken,
        appToken: config.slack.appToken,
        apiUrl: config.slack.apiUrl,
        service,
        triage,
        code,
        clock,
        logger: logger.child({ module: 'slack' }),
        doctor: outbound.doctor,
        users: outbound.slack.users,
      });
      await slack.start();
      const started = slack;
      closers.add(Step.Slack, () => started.stop());
      adminNotices.deliverBy((admin, text) => started.client.chat.postMessage({ channel: admin, text }).then(() => undefined));
    }
    // Every source's user is checked once at start (a source that is down: when it is back).
    void dataSources.checkAll();

    // Provisioned alerts: applied once now (Slack is up, so recipients are checked), then on change.
    let alertsDir: AlertsDir | null = null;
    if (config.code.alertsDir !== null && config.code.actor !== null) {
      alertsDir = await startAlertsDir({
        dir: config.code.alertsDir,
        actor: config.code.actor,
        code,
        logger: logger.child({ module: 'alerts-dir' }),
        tellAdmins: (text) => adminNotices.tell(text),
        debounceMs: options.alertsDirDebounceMs,
        pollMs: options.alertsDirPollMs,
      });
      const started = alertsDir;
      closers.add(Step.AlertsDir, () => started.stop());
    }

    const slackApp = slack;
    const health = () =>
      checkHealth({
        store,
        slack: slackApp,
        browser: config.screenshots.allowedHosts.length > 0 ? outbound.screenshotter : null,
      });
    let http: HttpServer | null = null;
    if (config.http) {
      http = await startHttpServer({ port: config.http.port, health, metrics, logger: logger.child({ module: 'http' }) });
      const started = http;
      closers.add(Step.Http, () => started.close());
    }

    let stopped = false;
    return {
      config,
      store,
      dataSources,
      runner,
      service,
      triage,
      slack,
      reconciler,
      databaseUrl,
      metrics,
      health,
      httpPort: http?.port ?? null,
      alertsDir,
      async stop() {
        if (stopped) return;
        stopped = true;
        await closers.closeAll();
      },
    };
  } catch (err) {
    await closers.closeAll();
    throw err;
  }
}

/** The order of a graceful stop: lower first. */
enum Step {
  AlertsDir,
  Scheduler,
  Evaluations,
  Writes,
  Outbound,
  Slack,
  Http,
  DataSources,
  Store,
  Embedded,
}

class Closers {
  private readonly steps: { step: Step; close: () => Promise<void> }[] = [];
  constructor(private readonly logger: Logger) {}

  add(step: Step, close: () => Promise<void>): void {
    this.steps.push({ step, close });
  }

  /** Closes every part in Step order; a failing part is logged and the rest still close. */
  async closeAll(): Promise<void> {
    const steps = this.steps.splice(0).sort((a, b) => a.step - b.step);
    for (const { step, close } of steps) {
      try {
        await close();
      } catch (err) {
        this.logger.warn({ err, step: Step[step] }, 'error while stopping');
      }
    }
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

/**
 * Notices for Lookout's admins (e.g. a data source refused for its privileged user): kept until
 * Slack is up, then sent by DM to each admin. Never throws; a failed DM is logged.
 */
function createAdminNotices(admins: readonly string[], logger: Logger) {
  const waiting: string[] = [];
  let send: ((admin: string, text: string) => Promise<void>) | null = null;
  const deliver = (text: string) => {
    for (const admin of admins) {
      send?.(admin, text).catch((err: unknown) => logger.warn({ err, admin }, 'could not tell an admin'));
    }
  };
  return {
    tell(text: string): void {
      if (send === null) waiting.push(text);
      else deliver(text);
    },
    deliverBy(sender: (admin: string, text: string) => Promise<void>): void {
      send = sender;
      for (const text of waiting.splice(0)) deliver(text);
    },
  };
}
