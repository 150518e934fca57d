// Restore, on `/alert versions`: the alert made as it was at that version, as a new version
// (owners and admins; not an alert managed in a file), then the Home tabs concerned refreshed.
import { LookoutError } from '../../errors.js';
import { parseVersionButtonValue } from '../../messages/slack/ids.js';
import { escapeMrkdwn } from '../../messages/slack/mrkdwn.js';
import type { HandlerDeps } from '../handler-deps.js';
import { quoted } from '../commands/alert-changes.js';
import { buttonHandler } from './button-handler.js';

export const restoreVersion = (deps: HandlerDeps) =>
  buttonHandler(deps, async (ctx) => {
    const target = parseVersionButtonValue(ctx.value);
    if (target === null) throw new LookoutError('not_found', 'This button names no version; run `/alert versions` again.');
    const restored = await deps.service.restore(ctx.actor, target.alertId, target.version);
    deps.refreshHomes([ctx.actor.userId, ...restored.owners]);
    if (!restored.restored) return `${quoted(restored)} is already as it was at version ${target.version}: nothing to restore.`;
    const warnings = restored.warnings.map((w) => `\n⚠️ ${escapeMrkdwn(w)}`).join('');
    return `↩️ Restored ${quoted(restored)} to version ${target.version}: it is saved as a new version. See \`/alert versions ${restored.key}\`.${warnings}`;
  });
