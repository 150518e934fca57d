// `/alert list [all]`: the person's alerts, or everyone's for admins (the service refuses
// `all` to others with its own sentence), and the admins' mute while it lasts.
import { buildAlertList } from '../blocks/lists.js';
import type { CommandContext } from './command-context.js';

export async function listCommand(ctx: CommandContext, all: boolean): Promise<void> {
  const [alerts, mute] = await Promise.all([ctx.deps.service.list(ctx.actor, { all }), ctx.deps.triage.activeMute()]);
  await ctx.reply(buildAlertList(alerts, { now: ctx.deps.clock(), mute, zone: mute ? await ctx.timezone() : 'UTC' }));
}
