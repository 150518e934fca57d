// `/alert doctor`: for admins, what is wrong with the set-up; for everyone, the recipients
// failing now of the alerts they may see (admins: all).
import { failingRecipientsDoc } from '../../messages/failing-recipients.js';
import { FAILING_WINDOW_MS } from '../../services/failing-recipients.js';
import { diagnose, doctorReply } from '../diagnose.js';
import type { CommandContext } from './command-context.js';

/** Failing recipients the doctor lists; the rest are counted. */
const FAILING_SHOWN = 20;

export async function doctorCommand(ctx: CommandContext): Promise<void> {
  const { service } = ctx.deps;
  const admin = service.isAdmin(ctx.actor.userId);
  const [report, failing, timezone] = await Promise.all([
    admin ? diagnose({ client: ctx.client, service, actor: ctx.actor, checks: ctx.deps.doctor }) : Promise.resolve(null),
    service.failingRecipients(ctx.actor),
    ctx.timezone(),
  ]);
  const doc = failingRecipientsDoc(failing.items, { timezone, shown: FAILING_SHOWN, windowHours: FAILING_WINDOW_MS / 3_600_000, partial: failing.partial });
  await ctx.reply(doctorReply(report, doc));
}
