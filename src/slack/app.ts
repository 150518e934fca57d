// Builds Lookout's Bolt app in Socket Mode and calls each listener folder's register() (STYLE.md
// §2.1). Handlers stay thin: they get the service and a few helpers through HandlerDeps
// (handler-deps.ts) and never see the store. One app.error logs what Slack said (platform, rate limit, HTTP); a
// person never sees a stack (§2.9).
import { App, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { summarizeSlackError } from '../slack-api/slack-errors.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { interactiveClientOptions } from '../slack-api/client.js';
import { slackLogger } from '../slack-api/slack-logger.js';
import type { SlackUsers } from '../slack-api/users.js';
import type { HandlerDeps } from './handler-deps.js';
import type { AlertService } from '../services/alert-service.js';
import type { AlertsAsCode } from '../services/alerts-as-code.js';
import type { TriageService } from '../services/triage-service.js';
import { register as registerActions } from './actions/index.js';
import { register as registerCommands } from './commands/index.js';
import type { DoctorChecks } from './diagnose.js';
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
  triage: TriageService;
  /** Alert files (`/alert import`). */
  code: AlertsAsCode;
  clock: Clock;
  logger: Logger;
  doctor?: DoctorChecks;
  /** The people of the workspace (timezones), shared with deliveries. */
  users: SlackUsers;
}

/** A person's timezone is asked for at most this long before UTC is used (a trigger_id lasts 3 s). */
const TZ_TIMEOUT_MS = 1500;

export interface SlackApp {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Re-publishes these people's Home tabs soon (debounced; never throws): an alert's owners after its execution. */
  homesChanged(userIds: readonly string[]): void;
  /** Whether the Socket Mode connection is up. */
  connected(): boolean;
  client: WebClient;
}

export function createSlackApp(deps: SlackAppDeps): SlackApp {
  const logger = deps.logger;
  const boltLogger = slackLogger(logger, LogLevel.ERROR);
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
    clientOptions: interactiveClientOptions({ slackApiUrl: deps.apiUrl }),
    logLevel: LogLevel.ERROR,
    logger: boltLogger,
  });

  const handlerDeps: HandlerDeps = {
    service: deps.service,
    triage: deps.triage,
    code: deps.code,
    clock: deps.clock,
    logger,
    doctor: deps.doctor ?? {},
    timezoneOf: (userId, timeoutMs = TZ_TIMEOUT_MS) => deps.users.timezoneOf(userId, AbortSignal.timeout(timeoutMs)),
    refreshHomes: (userIds) => homes.refresh(userIds),
  };
  const homes = createHomeRefresher({
    publish: (userId) => publishHome(app.client, handlerDeps, userId),
    logger,
  });

  registerCommands(app, handlerDeps);
  registerActions(app, handlerDeps);
  registerViews(app, handlerDeps);
  registerEvents(app, handlerDeps);
  app.error(async (error) => {
    logger.error({ ...summarizeSlackError(error), err: error }, 'Slack listener failed');
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
