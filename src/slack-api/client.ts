// The one place WebClients are configured. WebClient's defaults retry about 10 times over ~30
// minutes and pause its whole request queue during a Retry-After (SLACK-NOTES.md), which would
// hold an execution far past its working timeout and stall every other call. So Lookout's own
// client makes each call once, hands 429s back at once and gives up on a silent Slack after
// `timeoutMs`; callers retry within their own signal (call.ts). The Bolt app's client (which
// Bolt builds itself) gets `interactiveClientOptions`: a few quick retries, since a person waits.
import { LogLevel, WebClient, type FetchFunction, type WebClientOptions } from '@slack/web-api';
import type { Logger } from '../logger.js';
import { createSlackFetch } from './slack-fetch.js';
import { slackLogger } from './slack-logger.js';

export interface SlackClientOptions {
  /** The bot token (xoxb-…), SLACK_BOT_TOKEN. */
  token: string;
  /** Defaults to https://slack.com/api/; tests point it at the simulator. */
  slackApiUrl?: string;
  /** WebClient's own warnings and errors go here. */
  logger?: Logger;
  /** Per-request timeout; default 15 s. A timed-out post has an unknown outcome. */
  timeoutMs?: number;
  /** Enterprise Grid org tokens need the workspace's team id on every call. */
  teamId?: string;
  /** Another fetch (a proxy's, a test's); defaults to createSlackFetch's. */
  fetch?: FetchFunction;
}

export const SLACK_REQUEST_TIMEOUT_MS = 15_000;

/** Lookout's client for deliveries and look-ups: one try per call, 429s returned, a timeout. */
export function createSlackClient(options: SlackClientOptions): WebClient {
  return new WebClient(options.token, {
    ...common(options),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? SLACK_REQUEST_TIMEOUT_MS,
    fetch: options.fetch ?? createSlackFetch(),
  });
}

/** Handlers' calls (the Bolt app's own client): a few quick retries, not WebClient's half hour. */
export function interactiveClientOptions(options: Omit<SlackClientOptions, 'token' | 'fetch'>): WebClientOptions {
  return {
    ...common(options),
    retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 1000 },
    timeout: options.timeoutMs ?? 10_000,
    fetch: createSlackFetch(),
  };
}

function common(options: Pick<SlackClientOptions, 'slackApiUrl' | 'teamId' | 'logger'>): WebClientOptions {
  return {
    ...(options.slackApiUrl !== undefined ? { slackApiUrl: options.slackApiUrl } : {}),
    ...(options.teamId !== undefined ? { teamId: options.teamId } : {}),
    ...(options.logger !== undefined ? { logger: slackLogger(options.logger.child({ module: 'slack-web-client' })) } : { logLevel: LogLevel.ERROR }),
  };
}
