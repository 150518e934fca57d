// Who may do what with an alert (DESIGN.md, "Access"). Pure: channel membership comes in as
// answers, so the rules are one table of cases (test/unit/domain/access.test.ts).
//
// - Change (edit, pause, resume, snooze, delete, run now): its owners and Lookout admins.
// - See its output (history, values, recipients, test results): those who may change it, and
//   anyone who is a member of *every* channel it posts to — they see its messages there anyway —
//   while those channels are sent every level it fires at between them. An alert that posts to
//   no channel (only DMs or email), or whose channels are told only of some levels (warnings in
//   a channel, critical to people directly), is seen by owners and admins alone.
//   A refusal to see reads exactly like "no such alert", so it does not reveal that one exists.
// - Use a data source: everyone when its allowedUsers is empty, else those listed and admins.
//   An alert runs on a source only while the person acting and every owner may use it. The same
//   for the credentials of a screenshots.auth origin with allowedUsers: saved only by people who
//   may use them, and sent on a capture only while every owner may.
// - Acknowledge a firing message (or take the acknowledgement back): in a channel the alert posts
//   to (or its incident has a message in), its members; in a direct message, the person the
//   alert messages. Not owners or admins as such: an
//   acknowledgement tells the people reading that message that someone there is on it.
import { routedTo } from './routing.js';
import { recipientKey, type Alert, type Level } from './types.js';

export interface AccessPolicy {
  /** Lookout admins (config `admins`, ADMIN_USER_IDS). */
  admins: readonly string[];
}

export function isAdmin(userId: string, policy: AccessPolicy): boolean {
  return policy.admins.includes(userId);
}

export function mayChange(userId: string, alert: Pick<Alert, 'owners'>, policy: AccessPolicy): boolean {
  return alert.owners.includes(userId) || isAdmin(userId, policy);
}

/** The levels an alert fires at: critical, and warning when it has a warning threshold. */
export function alertLevels(alert: Pick<Alert, 'warning'>): Level[] {
  return alert.warning === null ? ['critical'] : ['warning', 'critical'];
}

/**
 * The channels whose members may see an alert's output: every one it posts to — none when the
 * channels between them are not sent every level it fires at (their members would not see the
 * other level's runs in Slack). The recipients as they are now: a channel widened to every level
 * later shows the runs from before too.
 */
export function audienceChannels(alert: Pick<Alert, 'recipients' | 'warning'>): string[] {
  const channels = alert.recipients.filter((r) => r.kind === 'slack_channel');
  // Told of a level: a firing message at it reaches one of the channels (routing's own rule).
  const told = (level: Level) => routedTo(channels, 'firing', level, {}).length > 0;
  return alertLevels(alert).every(told) ? channels.map((r) => r.id) : [];
}

/**
 * Whether `userId` may see the alert's output. `memberOf` answers for each of
 * audienceChannels(); it is asked only when the person may not change the alert.
 */
export function mayView(
  userId: string,
  alert: Pick<Alert, 'owners' | 'recipients' | 'warning'>,
  policy: AccessPolicy,
  memberOf: ReadonlyMap<string, boolean>,
): boolean {
  if (mayChange(userId, alert, policy)) return true;
  const channels = audienceChannels(alert);
  return channels.length > 0 && channels.every((channel) => memberOf.get(channel) === true);
}

export function mayUseSource(userId: string, allowedUsers: readonly string[], policy: AccessPolicy): boolean {
  return allowedUsers.length === 0 || allowedUsers.includes(userId) || isAdmin(userId, policy);
}

/** Of `people`, those who may not use a source with these allowedUsers (in order, once each). */
export function barredFromSource(people: readonly string[], allowedUsers: readonly string[], policy: AccessPolicy): string[] {
  return [...new Set(people)].filter((userId) => !mayUseSource(userId, allowedUsers, policy));
}

/**
 * Whether a screenshot for `people` (an alert's owners) may use credentials limited to
 * `allowedUsers` (screenshots.auth): every one of them listed or an admin; a capture for nobody
 * gets only unlimited ones.
 */
export function mayUseCredentials(people: readonly string[], allowedUsers: readonly string[], policy: AccessPolicy): boolean {
  if (allowedUsers.length === 0) return true;
  return people.length > 0 && barredFromSource(people, allowedUsers, policy).length === 0;
}

/** Where an Acknowledge button was pressed: a channel (is the person in it?) or a direct message. */
export type AckPlace = { kind: 'channel'; id: string; member: boolean } | { kind: 'dm' };

/**
 * Whether `userId` may acknowledge the alert's incident where they pressed (or take it back). In a
 * channel: a member, and the alert posts there or its incident has a message there (it may have
 * been moved since); any other channel's press names an alert that is not this channel's business.
 * A direct message has one reader, but the alert must still message that person: one whose DMs
 * were removed from the alert no longer answers for it.
 */
export function mayAcknowledge(userId: string, alert: Pick<Alert, 'recipients' | 'threads'>, place: AckPlace): boolean {
  if (place.kind === 'channel') return place.member && alertSpeaksIn(alert, place.id);
  return alert.recipients.some((r) => r.kind === 'slack_user' && r.id === userId);
}

/** Whether the alert posts to `channelId`, or its incident has a message there. */
export function alertSpeaksIn(alert: Pick<Alert, 'recipients' | 'threads'>, channelId: string): boolean {
  const key = recipientKey({ kind: 'slack_channel', id: channelId });
  return alert.recipients.some((r) => r.kind === 'slack_channel' && r.id === channelId) || Object.hasOwn(alert.threads, key);
}
