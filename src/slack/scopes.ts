// The bot scopes Lookout uses, named once: manifest.yml lists the same, and `/alert doctor`
// compares the token's scopes (auth.test's X-OAuth-Scopes) with this list.
// https://docs.slack.dev/reference/scopes

export const REQUIRED_BOT_SCOPES = [
  /** `/alert` */
  'commands',
  /** chat.postMessage, chat.update, chat.postEphemeral */
  'chat:write',
  /** conversations.info / conversations.members on public channels */
  'channels:read',
  /** the same on private channels Lookout was invited to */
  'groups:read',
  /** conversations.open for DMs to people and owners */
  'im:write',
  /** users.info: timezones, checking people recipients */
  'users:read',
  /** files.getUploadURLExternal / files.completeUploadExternal: charts, screenshots, CSV */
  'files:write',
  /** users.info profile.email: email fallback and owner notices by email */
  'users:read.email',
  /**
   * conversations.history / conversations.replies in public channels, private channels and
   * DMs: after Slack answers a post with a 5xx, whether the message got there (by its metadata)
   * before posting it again
   */
  'channels:history',
  'groups:history',
  'im:history',
] as const;

export type BotScope = (typeof REQUIRED_BOT_SCOPES)[number];
