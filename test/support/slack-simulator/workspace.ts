// The workspace the test sets up: one team, one app with its bot user and scopes, users,
// channels with their members, and the DMs the bot has opened. Everything is in memory and
// may be changed while the app runs (the bot leaving a channel, a rename, a scope removed).
import type { Ids } from './ids.js';

export interface SimUser {
  id: string;
  name: string;
  real_name: string;
  /** IANA zone, e.g. 'Asia/Seoul'. */
  tz: string;
  email?: string;
  is_bot: boolean;
  deleted: boolean;
}

export interface SimChannel {
  id: string;
  name: string;
  is_private: boolean;
  /** A DM between the bot and `user`. */
  is_im: boolean;
  /** A group DM (conversations.open with several users). */
  is_mpim: boolean;
  /** The other party of a DM. */
  user?: string;
  /** User ids, the bot's included when it is a member. */
  members: Set<string>;
  created: number;
}

export interface UserInput {
  id?: string;
  name: string;
  realName?: string;
  tz?: string;
  email?: string;
  isBot?: boolean;
}

export interface ChannelInput {
  id?: string;
  name: string;
  isPrivate?: boolean;
  /** Human members (ids). */
  members?: string[];
  /** Defaults to true: most tests want a channel the bot can post to. */
  botIsMember?: boolean;
}

export interface WorkspaceOptions {
  teamId?: string;
  teamName?: string;
  teamDomain?: string;
  appId?: string;
  botUserId?: string;
  botId?: string;
  botName?: string;
  scopes?: string[];
  users?: UserInput[];
  channels?: ChannelInput[];
}

/** The bot scopes SLACK-NOTES.md expects Lookout to need. */
export const DEFAULT_SCOPES = [
  'commands',
  'chat:write',
  'files:write',
  'channels:read',
  'groups:read',
  'im:write',
  'users:read',
  'users:read.email',
  'channels:history',
  'groups:history',
  'im:history',
];

export class Workspace {
  readonly team: { id: string; name: string; domain: string };
  readonly appId: string;
  readonly bot: SimUser & { bot_id: string };
  /** The bot token's scopes; the X-OAuth-Scopes header and scope checks read it on each call. */
  scopes: string[];
  /** Whether Slack's own chart and table blocks are taken; false plays a workspace without them (invalid_blocks). */
  nativeBlocks = true;
  readonly users = new Map<string, SimUser>();
  readonly channels = new Map<string, SimChannel>();
  private readonly ids: Ids;

  constructor(ids: Ids, options: WorkspaceOptions = {}) {
    this.ids = ids;
    this.team = {
      id: options.teamId ?? 'T0LOOKOUT',
      name: options.teamName ?? 'Lookout Test',
      domain: options.teamDomain ?? 'lookout-test',
    };
    this.appId = options.appId ?? 'A0LOOKOUT';
    this.bot = {
      id: options.botUserId ?? 'U0BOT0001',
      bot_id: options.botId ?? 'B0BOT0001',
      name: options.botName ?? 'lookout',
      real_name: 'Lookout',
      tz: 'UTC',
      is_bot: true,
      deleted: false,
    };
    this.users.set(this.bot.id, this.bot);
    this.scopes = [...(options.scopes ?? DEFAULT_SCOPES)];
    for (const user of options.users ?? []) this.addUser(user);
    for (const channel of options.channels ?? []) this.addChannel(channel);
  }

  addUser(input: UserInput): SimUser {
    const user: SimUser = {
      id: input.id ?? this.ids.id('U'),
      name: input.name,
      real_name: input.realName ?? input.name,
      tz: input.tz ?? 'UTC',
      email: input.email,
      is_bot: input.isBot ?? false,
      deleted: false,
    };
    this.users.set(user.id, user);
    return user;
  }

  addChannel(input: ChannelInput): SimChannel {
    const channel: SimChannel = {
      id: input.id ?? this.ids.id('C'),
      name: input.name.replace(/^#/, ''),
      is_private: input.isPrivate ?? false,
      is_im: false,
      is_mpim: false,
      members: new Set(input.members ?? []),
      created: Math.floor(Date.now() / 1000),
    };
    if (input.botIsMember ?? true) channel.members.add(this.bot.id);
    this.channels.set(channel.id, channel);
    return channel;
  }

  user(id: string): SimUser | undefined {
    return this.users.get(id);
  }

  userByEmail(email: string): SimUser | undefined {
    const wanted = email.toLowerCase();
    return [...this.users.values()].find((u) => u.email?.toLowerCase() === wanted);
  }

  /** A channel by id, by name (with or without '#'), or a user id's DM with the bot when it exists. */
  channel(ref: string): SimChannel | undefined {
    const byId = this.channels.get(ref);
    if (byId) return byId;
    const name = ref.replace(/^#/, '');
    const byName = [...this.channels.values()].find((c) => !c.is_im && !c.is_mpim && c.name === name);
    if (byName) return byName;
    return [...this.channels.values()].find((c) => c.is_im && c.user === ref);
  }

  /** The bot's DM with a user, created on first use and stable afterwards (like Slack's). */
  dmWith(userId: string): SimChannel {
    const existing = [...this.channels.values()].find((c) => c.is_im && c.user === userId);
    if (existing) return existing;
    const dm: SimChannel = {
      id: this.ids.id('D'),
      name: userId,
      is_private: true,
      is_im: true,
      is_mpim: false,
      user: userId,
      members: new Set([userId, this.bot.id]),
      created: Math.floor(Date.now() / 1000),
    };
    this.channels.set(dm.id, dm);
    return dm;
  }

  /** A group DM of the bot and these users, stable per set of users. */
  mpimWith(userIds: string[]): SimChannel {
    const members = new Set([...userIds, this.bot.id]);
    const key = [...members].sort().join(',');
    const existing = [...this.channels.values()].find((c) => c.is_mpim && [...c.members].sort().join(',') === key);
    if (existing) return existing;
    const mpim: SimChannel = {
      id: this.ids.id('G'),
      name: `mpdm-${[...members].join('--')}-1`,
      is_private: true,
      is_im: false,
      is_mpim: true,
      members,
      created: Math.floor(Date.now() / 1000),
    };
    this.channels.set(mpim.id, mpim);
    return mpim;
  }

  addMember(channelId: string, userId: string): void {
    this.mustChannel(channelId).members.add(userId);
  }

  removeMember(channelId: string, userId: string): void {
    this.mustChannel(channelId).members.delete(userId);
  }

  /** The bot joins (as after `/invite @lookout`). */
  botJoin(channelId: string): void {
    this.addMember(channelId, this.bot.id);
  }

  /** The bot leaves or is removed: later posts answer `not_in_channel`. */
  botLeave(channelId: string): void {
    this.removeMember(channelId, this.bot.id);
  }

  renameChannel(channelId: string, name: string): void {
    this.mustChannel(channelId).name = name.replace(/^#/, '');
  }

  isBotMember(channel: SimChannel): boolean {
    return channel.members.has(this.bot.id);
  }

  hasScope(scope: string): boolean {
    return this.scopes.includes(scope);
  }

  private mustChannel(id: string): SimChannel {
    const channel = this.channels.get(id);
    if (!channel) throw new Error(`slack-simulator: no channel ${id}`);
    return channel;
  }
}

/** Seconds east of UTC for a zone right now, the `tz_offset` users.info returns. */
export function tzOffsetSeconds(tz: string, at: Date = new Date()): number {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(part ?? '');
  if (!match) return 0; // "GMT" alone: UTC
  const sign = match[1] === '-' ? -1 : 1;
  return sign * (Number(match[2]) * 3600 + Number(match[3]) * 60);
}
