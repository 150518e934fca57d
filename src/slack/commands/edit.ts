// `/alert edit <ref>`: the modal prefilled from the alert, for its owners and admins.
import { openEditModal } from '../views/open-alert-modal.js';
import type { CommandContext } from './command-context.js';

export async function editCommand(ctx: CommandContext, ref: string): Promise<void> {
  await openEditModal(ctx.client, ctx.deps, ctx.triggerId, ctx.actor, ref);
}
