// Everything that leaves Lookout for people, assembled from the config: the warm browser and
// chart renderer behind the content renderer, Slack and email deliveries, the email
// fallback, owners' addresses for notices, and the doctor's browser and SMTP checks.
import { createBrowser } from './capture/browser.js';
import { createChartRenderer } from './capture/chart.js';
import type { Screenshotter } from './capture/port.js';
import { createScreenshotter } from './capture/screenshot.js';
import type { Config } from './config.js';
import type { ContentRenderer } from './content/port.js';
import { createContentRenderer } from './content/render-content.js';
import { createEmailDelivery } from './delivery/email/email-delivery.js';
import { createFallbackDelivery } from './delivery/fallback-delivery.js';
import { createLogDelivery } from './delivery/log-delivery.js';
import type { Delivery, Directory, SentMessages } from './services/delivery-port.js';
import { createRoutingDelivery } from './delivery/routing-delivery.js';
import { createSlackDelivery } from './delivery/slack/slack-delivery.js';
import { createSlackSentMessages } from './delivery/slack/slack-sent-messages.js';
import { createSlackClient } from './slack-api/client.js';
import { createSlackUsers, type SlackUsers } from './slack-api/users.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { WebClient } from '@slack/web-api';
import type { DoctorChecks } from './slack/diagnose.js';

export interface Outbound {
  /** Lookout's Slack client and the people it knows, when Slack is configured. */
  slack: { client: WebClient; users: SlackUsers } | null;
  content: ContentRenderer;
  delivery: Delivery;
  /** Looks Slack sends up afterwards (reconciliation), when messages go to Slack. */
  sent: SentMessages | null;
  screenshotter: Screenshotter;
  /** An owner's email for notices, when email is set up. */
  ownerEmail: ((userId: string, signal: AbortSignal) => Promise<string | null>) | undefined;
  doctor: DoctorChecks;
  /** Closes the browser and the SMTP connections. */
  close(): Promise<void>;
}

export interface OutboundOptions {
  logger: Logger;
  clock: Clock;
  /** Where messages go instead of Slack and email (tests, the demo). */
  delivery?: Delivery;
  /** How long a Slack call waits for an answer (default 15 s); past it a post's outcome is unknown. */
  slackTimeoutMs?: number;
}

export function createOutbound(config: Config, options: OutboundOptions): Outbound {
  const { logger, clock } = options;
  const browser = createBrowser({
    chromiumPath: config.screenshots.chromiumPath,
    concurrency: config.screenshots.concurrency,
    logger: logger.child({ module: 'browser' }),
  });
  const screenshotter = createScreenshotter({
    browser,
    policy: { allowedHosts: config.screenshots.allowedHosts, allowLoopback: config.screenshots.allowLoopback },
    auth: config.screenshots.auth,
    admins: config.admins,
    logger: logger.child({ module: 'screenshot' }),
  });
  const content = createContentRenderer({
    screenshotter,
    charts: createChartRenderer(),
    csvMaxRows: config.content.csvMaxRows,
    logger: logger.child({ module: 'content' }),
  });

  const email = config.email
    ? createEmailDelivery({ smtpUrl: config.email.smtpUrl, from: config.email.from, logger: logger.child({ module: 'email' }) })
    : null;
  // One client and one users cache for everything Lookout asks Slack outside a person's click.
  const slackClient = config.slack ? createSlackClient({ token: config.slack.botToken, slackApiUrl: config.slack.apiUrl, logger, timeoutMs: options.slackTimeoutMs }) : null;
  const users = slackClient ? createSlackUsers({ client: slackClient, clock, logger }) : null;
  const directory: Directory | null = users;

  let delivery: Delivery;
  if (options.delivery) delivery = options.delivery;
  else if (slackClient === null && email === null) delivery = createLogDelivery(logger.child({ module: 'delivery' }));
  else {
    const slack =
      slackClient && config.slack
        ? createSlackDelivery({ client: slackClient, token: config.slack.botToken, logger: logger.child({ module: 'slack-delivery' }), clock, posts: config.slackPosts })
        : null;
    const routed = createRoutingDelivery({ slack, email });
    delivery =
      email && directory ? createFallbackDelivery({ primary: routed, email, directory, clock, logger: logger.child({ module: 'fallback' }) }) : routed;
  }

  const problem = async (check: () => Promise<{ ok: boolean; detail: string }>): Promise<string | null> => {
    const result = await check();
    return result.ok ? null : result.detail;
  };
  return {
    slack: slackClient && users ? { client: slackClient, users } : null,
    content,
    delivery,
    sent: slackClient && !options.delivery ? createSlackSentMessages({ client: slackClient, clock, logger }) : null,
    screenshotter,
    ownerEmail: email && directory ? (userId, signal) => directory.emailOf(userId, signal) : undefined,
    doctor: {
      browser: () => problem(() => screenshotter.check()),
      ...(email ? { smtp: () => problem(() => email.check()) } : {}),
    },
    async close() {
      email?.close();
      await screenshotter.close();
    },
  };
}
