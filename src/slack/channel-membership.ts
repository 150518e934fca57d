// Slack membership for the service: verifyRecipients — before an alert is saved, every channel
// must be one Lookout is in (else its posts fail with not_in_channel) and one the person saving
// is in (Lookout only posts where its owners can read), and every person must exist and be
// active — and the ChannelDirectory the access rules ask who may see an alert's output.
// Errors are keyed like the service's input (`recipients.<index>.id`), so the modal shows
// each on the right block. Each call gets 2 s: the modal's ack waits for them.
import type { WebClient } from '@slack/web-api';
import type { Recipient } from '../domain/types.js';
import type { Actor } from '../services/alert-service.js';
import type { ChannelDirectory } from '../services/channel-directory.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { callSlack } from '../slack-api/call.js';
import type { SlackUsers } from '../slack-api/users.js';

export type RecipientVerifier = (actor: Actor, recipients: Recipient[]) => Promise<Record<string, string>>;

export interface SlackMembership {
  verifyRecipients: RecipientVerifier;
  channels: ChannelDirectory;
}

export interface SlackMembershipOptions {
  client: WebClient;
  users: SlackUsers;
  logger: Logger;
  clock: Clock;
  /** Per call; the modal has 3 s in all. */
  timeoutMs?: number;
}

const PAGE_SIZE = 1000;
/** How long a channel's member list answers "may see this alert" questions. */
const MEMBERS_TTL_MS = 60_000;
/** Channels whose member lists are kept at most (oldest dropped first). */
const MEMBERS_CACHED = 200;

export function createSlackMembership(options: SlackMembershipOptions): SlackMembership {
  const timeoutMs = options.timeoutMs ?? 2000;
  const call = <T>(method: string, fn: () => Promise<T>) => callSlack(method, fn, AbortSignal.timeout(timeoutMs), { sideEffect: false }, options.logger);

  /** Every member of a channel, page by page; null when Slack could not say. */
  async function allMembers(channelId: string): Promise<Set<string> | null> {
    const members = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await call('conversations.members', () =>
        options.client.conversations.members({ channel: channelId, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
      );
      if (!page.ok) return null;
      for (const id of page.value.members ?? []) members.add(id);
      cursor = page.value.response_metadata?.next_cursor || undefined;
    } while (cursor !== undefined);
    return members;
  }

  /** `userId` null: only Lookout's own membership counts (an alert file's admin need not read every channel). */
  async function checkChannel(channelId: string, userId: string | null): Promise<string | null> {
    const info = await call('conversations.info', () => options.client.conversations.info({ channel: channelId }));
    if (!info.ok) {
      if (info.failure.code === 'channel_not_found') {
        return `Lookout cannot see channel ${channelId}: it was deleted, or it is private and Lookout is not in it (type /invite @Lookout there), then save again`;
      }
      return `could not check channel ${channelId} with Slack (${info.failure.code ?? 'no answer'}); try saving again in a moment`;
    }
    const name = info.value.channel?.name ?? channelId;
    if (info.value.channel?.is_archived === true) return `#${name} is archived: choose another channel`;
    const members = await allMembers(channelId);
    if (members === null) return `could not check #${name} with Slack; try saving again in a moment`;
    if (userId !== null && !members.has(userId)) return `you are not a member of #${name}: Lookout only posts to channels you can read`;
    if (info.value.channel?.is_member !== true) return `Lookout is not in #${name}: type /invite @Lookout in that channel, then save again`;
    return null;
  }

  async function checkUser(userId: string): Promise<string | null> {
    const answer = await options.users.lookup(userId, AbortSignal.timeout(timeoutMs));
    if ('notFound' in answer) return `${userId} is not a person in this Slack workspace`;
    if ('error' in answer) return `could not check ${userId} with Slack (${answer.code ?? 'no answer'}); try saving again in a moment`;
    if (answer.found.deleted) return `${answer.found.name} has been deactivated: choose someone else`;
    if (answer.found.isBot) return `${answer.found.name} is a bot: Lookout can only message people`;
    return null;
  }

  const verifyRecipients: RecipientVerifier = async (actor, recipients) => {
    const checks = recipients.map(async (r, index): Promise<[string, string] | null> => {
      // A person in Slack posts only where they can read; alert files and the CLI act as an admin.
      const reader = (actor.via ?? 'slack') === 'slack' ? actor.userId : null;
      const problem = r.kind === 'slack_channel' ? await checkChannel(r.id, reader) : r.kind === 'slack_user' ? await checkUser(r.id) : null;
      return problem === null ? null : [`recipients.${index}.id`, problem];
    });
    return Object.fromEntries((await Promise.all(checks)).filter((e): e is [string, string] => e !== null));
  };

  // Member lists are kept a minute: the history of an alert in a busy channel must not page
  // through its members on every click. Someone who left a channel may see its alerts' output for
  // up to that minute; a failed look-up answers "not a member" and is not kept.
  const cache = new Map<string, { members: Promise<Set<string> | null>; at: number }>();
  const channels: ChannelDirectory = {
    async isMember(userId, channelId) {
      const now = options.clock().getTime();
      const hit = cache.get(channelId);
      if (hit === undefined || now - hit.at > MEMBERS_TTL_MS) {
        cache.delete(channelId);
        if (cache.size >= MEMBERS_CACHED) cache.delete(cache.keys().next().value as string);
        const entry = { members: allMembers(channelId), at: now };
        cache.set(channelId, entry);
        void entry.members.then((set) => set === null && cache.get(channelId) === entry && cache.delete(channelId));
      }
      const members = await cache.get(channelId)?.members;
      return members?.has(userId) ?? false;
    },
  };

  return { verifyRecipients, channels };
}
