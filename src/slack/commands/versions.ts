// `/alert versions <ref>`: who changed the alert, when, through what and which fields, with a
// Restore button on earlier versions for those who may change it.
import { buildVersionList } from '../blocks/alerts-as-code.js';
import type { CommandContext } from './command-context.js';

export async function versionsCommand(ctx: CommandContext, ref: string): Promise<void> {
  const [{ alert, versions }, zone] = await Promise.all([ctx.deps.service.versions(ctx.actor, ref), ctx.timezone()]);
  await ctx.reply(buildVersionList(alert, versions, { canRestore: ctx.deps.service.mayChange(ctx.actor, alert), zone }));
}
