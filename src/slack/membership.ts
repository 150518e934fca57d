// Slack membership for the service: verifyRecipients — before an alert is saved, every channel
// must be one Lookout is in (else its posts fail with not_in_channel) and one the person saving
// is in (Lookout only posts where its owners can read), and every person must exist and be
// active — and the ChannelDirectory the access rules ask who may see an alert's output.
// Errors are keyed like the service's input (`recipients.<index>.id`), so the modal shows
// each on the right block. Calls are quick and not retried: the modal's ack waits for them.
import { LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import { systemClock, type Clock } from '../clock.js';
import type { Recipient } from '../domain/types.js';
import type { Actor } from '../services/alert-service.js';
import type { ChannelDirectory } from '../services/channel-directory.js';
import { describeSlackError } from './app.js';

export interface RecipientVerifierOptions {
  token: string;
  slackApiUrl?: string;
  /** Per call; the modal has 3 s in all. */
  timeoutMs?: number;
  /** Ages the cached member lists; defaults to the system clock. */
  clock?: Clock;
}

export type RecipientVerifier = (actor: Actor, recipients: Recipient[]) => Promise<Record<string, string>>;

const PAGE_SIZE = 1000;
/** How long a channel's member list answers "may see this alert" questions. */
const MEMBERS_TTL_MS = 60_000;
/** Channels whose member lists are kept at most (oldest dropped first). */
const MEMBERS_CACHED = 200;

export interface SlackMembership {
  verifyRecipients: RecipientVerifier;
  channels: ChannelDirectory;
}

export function createSlackMembership(options: RecipientVerifierOptions): SlackMembership {
  const client = quickClient(options);
  return { verifyRecipients: recipientVerifier(client), channels: channelDirectory(client, options.clock ?? systemClock) };
}

function quickClient(options: RecipientVerifierOptions): WebClient {
  return new WebClient(options.token, {
    slackApiUrl: options.slackApiUrl,
    timeout: options.timeoutMs ?? 2000,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // Failures become field errors the person reads; nothing to print.
    logger: quietLogger(),
    logLevel: LogLevel.ERROR,
  });
}

/**
 * Member lists per channel, kept a minute: the history of an alert in a busy channel must not
 * page through its members on every click. Someone who left a channel may see its alerts' output
 * for up to that minute; a failed look-up answers "not a member".
 */
function channelDirectory(client: WebClient, clock: Clock): ChannelDirectory {
  const cache = new Map<string, { members: Promise<Set<string> | null>; at: number }>();
  return {
    async isMember(userId, channelId) {
      const hit = cache.get(channelId);
      if (hit === undefined || clock().getTime() - hit.at > MEMBERS_TTL_MS) {
        cache.delete(channelId);
        if (cache.size >= MEMBERS_CACHED) cache.delete(cache.keys().next().value as string);
        const entry = { members: allMembers(client, channelId).catch(() => null), at: clock().getTime() };
        cache.set(channelId, entry);
        // A failure is not kept: the next question asks Slack again.
        void entry.members.then((set) => set === null && cache.get(channelId) === entry && cache.delete(channelId));
      }
      const members = await cache.get(channelId)?.members;
      return members?.has(userId) ?? false;
    },
  };
}

async function allMembers(client: WebClient, channelId: string): Promise<Set<string>> {
  const members = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await client.conversations.members({ channel: channelId, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    for (const id of page.members ?? []) members.add(id);
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor !== undefined);
  return members;
}

function recipientVerifier(client: WebClient): RecipientVerifier {
  return async (actor, recipients) => {
    const checks = recipients.map(async (r, index): Promise<[string, string] | null> => {
      const problem =
        r.kind === 'slack_channel' ? await checkChannel(client, r.id, actor.userId) : r.kind === 'slack_user' ? await checkUser(client, r.id) : null;
      return problem === null ? null : [`recipients.${index}.id`, problem];
    });
    return Object.fromEntries((await Promise.all(checks)).filter((e): e is [string, string] => e !== null));
  };
}

async function checkChannel(client: WebClient, channelId: string, userId: string): Promise<string | null> {
  let name = channelId;
  try {
    const info = await client.conversations.info({ channel: channelId });
    name = info.channel?.name ?? channelId;
    if (info.channel?.is_archived === true) return `#${name} is archived: choose another channel`;
    if (!(await isMember(client, channelId, userId))) {
      return `you are not a member of #${name}: Lookout only posts to channels you can read`;
    }
    if (info.channel?.is_member !== true) return `Lookout is not in #${name}: type /invite @Lookout in that channel, then save again`;
    return null;
  } catch (err) {
    const slack = describeSlackError(err);
    if (slack.code === 'channel_not_found') {
      return `Lookout cannot see channel ${channelId}: it was deleted, or it is private and Lookout is not in it (type /invite @Lookout there), then save again`;
    }
    return `could not check #${name} with Slack (${slack.code}); try saving again in a moment`;
  }
}

/** conversations.members, page by page, until the person is found. */
async function isMember(client: WebClient, channelId: string, userId: string): Promise<boolean> {
  let cursor: string | undefined;
  do {
    const page = await client.conversations.members({ channel: channelId, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    if (page.members?.includes(userId)) return true;
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor !== undefined);
  return false;
}

async function checkUser(client: WebClient, userId: string): Promise<string | null> {
  try {
    const { user } = await client.users.info({ user: userId });
    if (user?.deleted === true) return `${user.real_name || user.name || userId} has been deactivated: choose someone else`;
    if (user?.is_bot === true) return `${user.real_name || user.name || userId} is a bot: Lookout can only message people`;
    return null;
  } catch (err) {
    const slack = describeSlackError(err);
    if (slack.code === 'user_not_found') return `${userId} is not a person in this Slack workspace`;
    return `could not check ${userId} with Slack (${slack.code}); try saving again in a moment`;
  }
}

function quietLogger(): SlackLogger {
  let level = LogLevel.ERROR;
  const nothing = (): void => undefined;
  return {
    debug: nothing,
    info: nothing,
    warn: nothing,
    error: nothing,
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: nothing,
  };
}
