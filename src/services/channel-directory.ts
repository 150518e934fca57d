// What the access rules need to know from the chat platform: whether a person is in a channel.
// Slack's adapter (src/slack/channel-membership.ts) implements it; without Slack nobody is in any
// channel, so only owners and admins see an alert's output.
export interface ChannelDirectory {
  /** Whether `userId` is a member of `channelId`; false when it cannot be told. Never throws. */
  isMember(userId: string, channelId: string): Promise<boolean>;
}
