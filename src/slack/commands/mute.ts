// `/alert mute all <duration>` and `/alert unmute all`: the admins' maintenance switch (the service
// checks who asks and the 7-day limit). The asker's Home shows the mute at once; others see it the
// next time theirs is drawn.
import { mutedLine, unmutedLine } from '../../messages/mute-status.js';
import { inlines } from '../../messages/slack/render-slack.js';
import type { CommandContext } from './command-context.js';

export async function muteCommand(ctx: CommandContext, durationMs: number): Promise<void> {
  const mute = await ctx.deps.triage.muteAll(ctx.actor, durationMs);
  ctx.deps.refreshHomes([ctx.actor.userId]);
  await ctx.reply(inlines(mutedLine(mute, await ctx.timezone())));
}

export async function unmuteCommand(ctx: CommandContext): Promise<void> {
  const lifted = await ctx.deps.triage.unmuteAll(ctx.actor);
  ctx.deps.refreshHomes([ctx.actor.userId]);
  await ctx.reply(inlines(unmutedLine(lifted)));
}
