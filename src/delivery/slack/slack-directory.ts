// People's email addresses from their Slack profiles, for the email fallback and owner
// notices: users.info answers `user.profile.email` only with the users:read.email scope.
// Answers are cached per user (an hour by default) so an outage that fails many recipients
// does not ask Slack once per recipient per tick; a missing address is logged once per user.
import type { WebClient } from '@slack/web-api';
import { systemClock, type Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { Directory } from '../port.js';
import { callSlack } from './slack-call.js';
import { SLACK_ERRORS } from './slack-errors.js';

export interface SlackDirectoryOptions {
  client: WebClient;
  logger: Logger;
  /** How long an answer (an address, or none) is kept; default one hour. */
  ttlMs?: number;
  /** Ages the answers; defaults to the system clock. */
  clock?: Clock;
}

export const DIRECTORY_TTL_MS = 60 * 60 * 1000;

export function createSlackDirectory(options: SlackDirectoryOptions): Directory {
  const { client } = options;
  const ttlMs = options.ttlMs ?? DIRECTORY_TTL_MS;
  const clock = options.clock ?? systemClock;
  const logger = options.logger.child({ module: 'slack-directory' });
  const cache = new Map<string, { email: string | null; until: number }>();
  const warned = new Set<string>();

  const warnOnce = (userId: string, reason: string, code: string | null = null): void => {
    if (warned.has(userId)) return;
    warned.add(userId);
    logger.warn({ userId, code }, `no email address for the Slack user: ${reason}`);
  };

  return {
    async emailOf(userId: string, signal: AbortSignal): Promise<string | null> {
      const cached = cache.get(userId);
      if (cached !== undefined && cached.until > clock().getTime()) return cached.email;

      const result = await callSlack('users.info', () => client.users.info({ user: userId }), signal, { sideEffect: false }, logger);
      if (!result.ok) {
        const { code, error } = result.failure;
        warnOnce(userId, error, code);
        // Slack's own refusals (missing_scope, user_not_found) stand; outages are asked again.
        const lasting = code !== null && SLACK_ERRORS[code]?.retryable !== true;
        if (lasting) cache.set(userId, { email: null, until: clock().getTime() + ttlMs });
        return null;
      }
      const email = result.value.user?.profile?.email;
      const found = typeof email === 'string' && email !== '' ? email : null;
      if (found === null) warnOnce(userId, 'the profile has none, or the app lacks the users:read.email scope');
      cache.set(userId, { email: found, until: clock().getTime() + ttlMs });
      return found;
    },
  };
}
