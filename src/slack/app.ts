// Builds Lookout's Bolt app in Socket Mode and calls each listener folder's register() (STYLE.md
// §2.1). Handlers stay thin: they get the service and a few helpers through HandlerDeps and
// never see the store. One app.error logs what Slack said (platform, rate limit, HTTP); a
// person never sees a stack (§2.9).
import { App, LogLevel, SocketModeReceiver, type Logger as BoltLogger } from '@slack/bolt';
import { ErrorCode, type WebClient } from '@slack/web-api';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { AlertService } from '../services/alert-service.js';
import { register as registerActions } from './actions/index.js';
import { register as registerCommands } from './commands/index.js';
import type { DoctorChecks } from './doctor.js';
import { register as registerEvents } from './events/index.js';
import { createHomeRefresher } from './events/home-refresher.js';
import { publishHome } from './events/publish-home.js';
import { register as registerViews } from './views/index.js';

export interface SlackAppDeps {
  botToken: string;
  appToken: string;
  /** Slack's Web API base (ends with `/api/`); the simulator's in tests. */
  apiUrl?: string;
  service: AlertService;
  clock: Clock;
  logger: Logger;
  doctor?: DoctorChecks;
}

export interface SlackApp {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Re-publishes these people's Home tabs soon (debounced; never throws): an alert's owners after its execution. */
  homesChanged(userIds: readonly string[]): void;
  /** Whether the Socket Mode connection is up. */
  connected(): boolean;
  client: WebClient;
}

/** What every listener gets. */
export interface HandlerDeps {
  service: AlertService;
  clock: Clock;
  logger: Logger;
  doctor: DoctorChecks;
  /** The person's IANA zone (users.info, cached); UTC when Slack does not answer within `timeoutMs`. */
  timezoneOf(client: WebClient, userId: string, timeoutMs?: number): Promise<string>;
  /** Re-publishes these people's Home tabs soon, at most once per person per few seconds. */
  refreshHomes(userIds: readonly string[]): void;
}

/** Handlers' Web API calls: a few quick retries, not WebClient's default half hour. */
const HANDLER_RETRIES = { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 1000 };
const HANDLER_CALL_TIMEOUT_MS = 10_000;

export function createSlackApp(deps: SlackAppDeps): SlackApp {
  const logger = deps.logger;
  const boltLogger = toBoltLogger(logger);
  // Our own receiver, so connected() can ask its Socket Mode client. Its WebClient (the one
  // calling apps.connections.open) gets the API URL here: Bolt does not pass the App's on.
  const receiver = new SocketModeReceiver({
    appToken: deps.appToken,
    logger: boltLogger,
    logLevel: LogLevel.ERROR,
    installerOptions: { clientOptions: { slackApiUrl: deps.apiUrl } },
  });
  const app = new App({
    token: deps.botToken,
    receiver,
    clientOptions: { slackApiUrl: deps.apiUrl, retryConfig: HANDLER_RETRIES, timeout: HANDLER_CALL_TIMEOUT_MS },
    logLevel: LogLevel.ERROR,
    logger: boltLogger,
  });

  const handlerDeps: HandlerDeps = {
    service: deps.service,
    clock: deps.clock,
    logger,
    doctor: deps.doctor ?? {},
    timezoneOf: createTimezoneLookup(logger, deps.clock),
    refreshHomes: (userIds) => homes.refresh(userIds),
  };
  const homes = createHomeRefresher({
    publish: (userId) => publishHome(app.client, handlerDeps, userId),
    logger,
    clock: deps.clock,
  });

  registerCommands(app, handlerDeps);
  registerActions(app, handlerDeps);
  registerViews(app, handlerDeps);
  registerEvents(app, handlerDeps);
  app.error(async (error) => {
    logger.error({ ...describeSlackError(error), err: error }, 'Slack listener failed');
  });

  return {
    client: app.client,
    async start() {
      await app.start();
    },
    async stop() {
      homes.stop();
      await app.stop();
    },
    homesChanged(userIds) {
      homes.refresh(userIds);
    },
    connected: () => receiver.client.websocket?.isActive() ?? false,
  };
}

export interface SlackErrorSummary {
  kind: 'platform' | 'rate_limited' | 'http' | 'request' | 'other';
  /** Slack's error code (platform), the HTTP status, or the error's own code. */
  code: string;
  retryAfterS?: number;
}

/** Platform error, rate limit, HTTP or network failure, or something else (e.g. our own bug). */
export function describeSlackError(error: unknown): SlackErrorSummary {
  const e = error as { code?: unknown; data?: { error?: unknown }; retryAfter?: unknown; statusCode?: unknown; original?: unknown };
  switch (e?.code) {
    case ErrorCode.PlatformError:
      return { kind: 'platform', code: String(e.data?.error ?? 'unknown') };
    case ErrorCode.RateLimitedError:
      return { kind: 'rate_limited', code: 'ratelimited', retryAfterS: Number(e.retryAfter) };
    case ErrorCode.HTTPError:
      return { kind: 'http', code: String(e.statusCode) };
    case ErrorCode.RequestError:
      return { kind: 'request', code: String((e.original as { code?: unknown } | undefined)?.code ?? 'request_failed') };
    default:
      return { kind: 'other', code: typeof e?.code === 'string' ? e.code : 'unknown' };
  }
}

/** Slack's error code when `error` is a platform error (e.g. `expired_trigger_id`), else null. */
export function slackErrorCode(error: unknown): string | null {
  const summary = describeSlackError(error);
  return summary.kind === 'platform' ? summary.code : null;
}

const TZ_CACHE_MS = 10 * 60_000;
const TZ_TIMEOUT_MS = 1500;

function createTimezoneLookup(logger: Logger, clock: Clock): HandlerDeps['timezoneOf'] {
  const cache = new Map<string, { tz: string; at: number }>();
  return (client, userId, timeoutMs = TZ_TIMEOUT_MS) => {
    const hit = cache.get(userId);
    if (hit && clock().getTime() - hit.at < TZ_CACHE_MS) return Promise.resolve(hit.tz);
    const lookup = client.users
      .info({ user: userId })
      .then((res) => {
        const tz = res.user?.tz ?? 'UTC';
        cache.set(userId, { tz, at: clock().getTime() });
        return tz;
      })
      .catch((err: unknown) => {
        logger.warn({ ...describeSlackError(err), userId }, 'users.info failed; using UTC');
        return 'UTC';
      });
    // A trigger_id lasts 3 s: a slow users.info must not cost the modal.
    let timer: NodeJS.Timeout | undefined;
    const fallback = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('UTC'), timeoutMs);
      timer.unref();
    });
    return Promise.race([lookup, fallback]).finally(() => clearTimeout(timer));
  };
}

const LEVELS: Record<LogLevel, number> = { [LogLevel.DEBUG]: 0, [LogLevel.INFO]: 1, [LogLevel.WARN]: 2, [LogLevel.ERROR]: 3 };

/** Bolt's and the Socket Mode client's logs into our pino logger, errors as `err`. */
function toBoltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.ERROR;
  const write = (at: LogLevel, pinoLevel: 'debug' | 'info' | 'warn' | 'error') => (...msg: unknown[]) => {
    if (LEVELS[at] < LEVELS[level]) return;
    const err = msg.find((m) => m instanceof Error);
    const text = msg.filter((m) => !(m instanceof Error)).map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
    logger[pinoLevel](err === undefined ? {} : { err }, text || (err instanceof Error ? err.message : ''));
  };
  return {
    debug: write(LogLevel.DEBUG, 'debug'),
    info: write(LogLevel.INFO, 'info'),
    warn: write(LogLevel.WARN, 'warn'),
    error: write(LogLevel.ERROR, 'error'),
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}
