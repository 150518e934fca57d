// `/alert export <ref>`: the alert as YAML, ephemeral, for an alert file or `/alert import`.
import { buildExport } from '../blocks/alerts-as-code.js';
import type { CommandContext } from './command-context.js';

export async function exportCommand(ctx: CommandContext, ref: string): Promise<void> {
  const { alert, text } = await ctx.deps.service.exportAlert(ctx.actor, ref);
  await ctx.reply(buildExport(alert, text));
}
