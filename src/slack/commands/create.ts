// `/alert create [name]`: the modal in create mode, opened right after the ack while the
// trigger_id is fresh.
import { openCreateModal } from '../views/open-alert-modal.js';
import type { CommandContext } from './command-context.js';

export async function createCommand(ctx: CommandContext, name: string | null): Promise<void> {
  await openCreateModal(ctx.client, ctx.deps, ctx.triggerId, ctx.actor, name);
}
