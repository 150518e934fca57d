// `/alert list [all]`: the person's alerts, or everyone's for admins (the service refuses
// `all` to others with its own sentence).
import { buildAlertList } from '../blocks/lists.js';
import type { CommandContext } from './command-context.js';

export async function listCommand(ctx: CommandContext, all: boolean): Promise<void> {
  const alerts = await ctx.deps.service.list(ctx.actor, { all });
  await ctx.reply(buildAlertList(alerts, { now: ctx.deps.clock() }));
}
