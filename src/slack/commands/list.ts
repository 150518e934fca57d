// `/alert list [all]`: the person's alerts, or everyone's for admins (the service refuses
// `all` to others with its own sentence), and the admins' mute while it lasts.
import { PACK_MAX_LINES } from '../../messages/slack/pack-lines.js';
import { buildAlertList } from '../blocks/lists.js';
import type { CommandContext } from './command-context.js';

export async function listCommand(ctx: CommandContext, all: boolean): Promise<void> {
  // Only as many as one message can show, and how many there are: not every alert of a workspace.
  const [{ alerts, total }, mute] = await Promise.all([ctx.deps.service.first(ctx.actor, PACK_MAX_LINES, { all }), ctx.deps.triage.activeMute()]);
  await ctx.reply(buildAlertList(alerts, { now: ctx.deps.clock(), mute, zone: mute ? await ctx.timezone() : 'UTC', total }));
}
