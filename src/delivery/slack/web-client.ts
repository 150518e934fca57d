// The WebClient the Slack delivery expects. WebClient's defaults retry about 10 times over
// ~30 minutes and pause its whole request queue during a Retry-After (SLACK-NOTES.md), which
// would hold an execution far past its working timeout and stall every other send. Here it
// makes each call once, hands 429s back at once, and gives up on a silent Slack after
// `timeoutMs`; slack-delivery.ts does its own bounded retries inside the execution's signal.
import { LogLevel, WebClient, type FetchFunction, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from '../../logger.js';

export interface DeliveryWebClientOptions {
  /** The bot token (xoxb-…), SLACK_BOT_TOKEN. */
  token: string;
  /** Defaults to https://slack.com/api/; tests point it at the simulator. */
  slackApiUrl?: string;
  /** WebClient's own warnings and errors go here; its debug lines (message bodies) are dropped. */
  logger?: Logger;
  /** Per-request timeout; default 15 s. A timed-out post has an unknown outcome. */
  timeoutMs?: number;
  /** Enterprise Grid org tokens need the workspace's team id on every call. */
  teamId?: string;
  /** Another fetch (a proxy's, a test's); defaults to the global one. */
  fetch?: FetchFunction;
}

export const DELIVERY_REQUEST_TIMEOUT_MS = 15_000;

export function createDeliveryWebClient(options: DeliveryWebClientOptions): WebClient {
  return new WebClient(options.token, {
    ...(options.slackApiUrl !== undefined ? { slackApiUrl: options.slackApiUrl } : {}),
    ...(options.teamId !== undefined ? { teamId: options.teamId } : {}),
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
    ...(options.logger !== undefined ? { logger: slackLogger(options.logger) } : { logLevel: LogLevel.ERROR }),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? DELIVERY_REQUEST_TIMEOUT_MS,
  });
}

/** WebClient's logger interface over a pino child. */
function slackLogger(logger: Logger): SlackLogger {
  const child = logger.child({ module: 'slack-web-client' });
  const line = (msg: unknown[]): string => msg.map((m) => (typeof m === 'string' ? m : String(m))).join(' ');
  return {
    // Debug lines carry request bodies: message text and query results stay out of logs.
    debug: () => undefined,
    info: (...msg: unknown[]) => child.info(line(msg)),
    warn: (...msg: unknown[]) => child.warn(line(msg)),
    error: (...msg: unknown[]) => child.error(line(msg)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
