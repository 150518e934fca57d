// `/alert history <ref>`: the alert's recent runs in the reader's timezone, each recipient's outcome under its run.
import { historyDoc } from '../../messages/history.js';
import { renderSlack } from '../../messages/slack/render-slack.js';
import type { CommandContext } from './command-context.js';

export async function historyCommand(ctx: CommandContext, ref: string): Promise<void> {
  const [{ alert, executions }, timezone] = await Promise.all([ctx.deps.service.history(ctx.actor, ref), ctx.timezone()]);
  await ctx.reply(renderSlack(historyDoc(alert, executions, timezone, { teamDomain: ctx.teamDomain }), { surface: 'message' }).message);
}
