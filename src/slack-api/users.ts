// The people of the workspace as Slack knows them, through one cache of users.info: their
// timezone (times in their Home and answers), their email (the email fallback and owner
// notices; `user.profile.email` comes only with the users:read.email scope) and whether they
// can be sent to (deactivated, a bot). Answers are kept a while (default an hour) so an outage
// that fails many recipients does not ask Slack once per recipient per tick; Slack's lasting
// refusals (user_not_found, missing_scope) are kept too, outages are asked again. A missing
// address is logged once per person.
import type { WebClient } from '@slack/web-api';
import { systemClock, type Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { callSlack } from './call.js';
import { SLACK_ERRORS } from './slack-errors.js';

export interface SlackPerson {
  id: string;
  /** The name people see (real name, else the handle). */
  name: string;
  /** IANA zone, when the profile has one. */
  tz: string | null;
  email: string | null;
  deleted: boolean;
  isBot: boolean;
}

/** What Slack said of a person: them, "no such user", or nothing it could tell now (`error`). */
export type PersonLookup = { found: SlackPerson } | { notFound: true } | { error: string; code: string | null };

export interface SlackUsers {
  lookup(userId: string, signal: AbortSignal): Promise<PersonLookup>;
  /** The person's email, or null when unknown or unavailable; never throws. */
  emailOf(userId: string, signal: AbortSignal): Promise<string | null>;
  /** The person's IANA zone; UTC when Slack does not say within the signal. Never throws. */
  timezoneOf(userId: string, signal: AbortSignal): Promise<string>;
  /**
   * The Slack user with this email (users.lookupByEmail, issue 4/6 mentions), kept like
   * users.info answers; `unknown` when Slack knows no such person. Never throws.
   */
  userIdByEmail(email: string, signal: AbortSignal): Promise<EmailLookup>;
}

/** Who an address belongs to in Slack: a user id, nobody, or nothing Slack could tell now. */
export type EmailLookup = { id: string } | { unknown: true } | { error: string };

/** Addresses remembered at most: a column of ever-new addresses must not grow the cache without end. */
export const EMAIL_CACHE_MAX = 10_000;

export interface SlackUsersOptions {
  client: WebClient;
  logger: Logger;
  clock?: Clock;
  /** How long an answer is kept; default one hour. */
  ttlMs?: number;
}

export const USERS_TTL_MS = 60 * 60 * 1000;

export function createSlackUsers(options: SlackUsersOptions): SlackUsers {
  const { client } = options;
  const clock = options.clock ?? systemClock;
  const ttlMs = options.ttlMs ?? USERS_TTL_MS;
  const logger = options.logger.child({ module: 'slack-users' });
  const cache = new Map<string, { answer: PersonLookup; until: number }>();
  const warned = new Set<string>();

  const warnOnce = (userId: string, reason: string, code: string | null = null): void => {
    if (warned.has(userId)) return;
    warned.add(userId);
    logger.warn({ userId, code }, `no email address for the Slack user: ${reason}`);
  };

  async function lookup(userId: string, signal: AbortSignal): Promise<PersonLookup> {
    const now = clock().getTime();
    const cached = cache.get(userId);
    if (cached !== undefined && cached.until > now) return cached.answer;
    const result = await callSlack('users.info', () => client.users.info({ user: userId }), signal, { sideEffect: false }, logger);
    let answer: PersonLookup;
    if (result.ok) {
      const u = result.value.user;
      const email = u?.profile?.email;
      answer = {
        found: {
          id: userId,
          name: u?.real_name || u?.name || userId,
          tz: typeof u?.tz === 'string' && u.tz !== '' ? u.tz : null,
          email: typeof email === 'string' && email !== '' ? email : null,
          deleted: u?.deleted === true,
          isBot: u?.is_bot === true,
        },
      };
    } else if (result.failure.code === 'user_not_found') {
      answer = { notFound: true };
    } else {
      answer = { error: result.failure.error, code: result.failure.code };
      // Slack's own refusals (missing_scope, …) stand; outages are asked again next time.
      const lasting = result.failure.code !== null && SLACK_ERRORS[result.failure.code]?.retryable !== true;
      if (!lasting) return answer;
    }
    cache.set(userId, { answer, until: now + ttlMs });
    return answer;
  }

  const byEmail = new Map<string, { answer: EmailLookup; until: number }>();

  async function userIdByEmail(email: string, signal: AbortSignal): Promise<EmailLookup> {
    const key = email.trim().toLowerCase();
    const now = clock().getTime();
    const cached = byEmail.get(key);
    if (cached !== undefined && cached.until > now) return cached.answer;
    const result = await callSlack('users.lookupByEmail', () => client.users.lookupByEmail({ email: key }), signal, { sideEffect: false }, logger).catch(
      (err: unknown) => ({ ok: false as const, failure: { error: err instanceof Error ? err.message : String(err), code: null } }),
    );
    let answer: EmailLookup;
    if (result.ok && typeof result.value.user?.id === 'string') answer = { id: result.value.user.id };
    else if (!result.ok && result.failure.code === 'users_not_found') answer = { unknown: true };
    else return { error: result.ok ? 'Slack answered without a user' : result.failure.error };
    // Oldest first out: a Map keeps insertion order.
    byEmail.delete(key);
    if (byEmail.size >= EMAIL_CACHE_MAX) byEmail.delete(byEmail.keys().next().value as string);
    byEmail.set(key, { answer, until: now + ttlMs });
    return answer;
  }

  return {
    lookup,
    userIdByEmail,
    async emailOf(userId, signal) {
      const answer = await lookup(userId, signal);
      if ('found' in answer) {
        if (answer.found.email === null) warnOnce(userId, 'the profile has none, or the app lacks the users:read.email scope');
        return answer.found.email;
      }
      warnOnce(userId, 'error' in answer ? answer.error : 'user_not_found', 'error' in answer ? answer.code : 'user_not_found');
      return null;
    },
    async timezoneOf(userId, signal) {
      const answer = await lookup(userId, signal).catch(() => null);
      return answer !== null && 'found' in answer && answer.found.tz !== null ? answer.found.tz : 'UTC';
    },
  };
}
