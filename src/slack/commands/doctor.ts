// `/alert doctor` (admins): one message saying what is wrong with the set-up.
import { diagnose, doctorText } from '../diagnose.js';
import type { CommandContext } from './command-context.js';

export async function doctorCommand(ctx: CommandContext): Promise<void> {
  if (!ctx.deps.service.isAdmin(ctx.actor.userId)) {
    await ctx.reply('🚫 Not allowed: only Lookout admins can run `/alert doctor`.');
    return;
  }
  const report = await diagnose({ client: ctx.client, service: ctx.deps.service, actor: ctx.actor, checks: ctx.deps.doctor });
  await ctx.reply(doctorText(report));
}
