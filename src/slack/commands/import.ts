// `/alert import`: the form to paste alerts as YAML (views/import-submit.ts reads it).
import { buildImportModal } from '../blocks/alerts-as-code.js';
import { openView } from '../views/open-alert-modal.js';
import type { CommandContext } from './command-context.js';

export async function importCommand(ctx: CommandContext): Promise<void> {
  await openView(ctx.client, ctx.triggerId, buildImportModal());
}
