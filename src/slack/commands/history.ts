// `/alert history <ref>`: the alert's recent runs in the reader's timezone.
import { buildHistory } from '../blocks/lists.js';
import type { CommandContext } from './command-context.js';

export async function historyCommand(ctx: CommandContext, ref: string): Promise<void> {
  const [{ alert, executions }, timezone] = await Promise.all([ctx.deps.service.history(ctx.actor, ref), ctx.timezone()]);
  await ctx.reply(buildHistory(alert, executions, timezone));
}
