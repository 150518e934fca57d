// One person's Home tab: their alerts, each in its own schedule timezone, the recipients of those
// alerts failing now, and the admins' mute (views.publish). Used when they open it and when their
// alerts change.
import type { WebClient } from '@slack/web-api';
import type { HandlerDeps } from '../handler-deps.js';
import { buildHome, HOME_ALERTS_MAX } from '../blocks/home.js';
import { FAILING_WINDOW_MS, type FailingReport } from '../../services/failing-recipients.js';

export async function publishHome(client: WebClient, deps: HandlerDeps, userId: string): Promise<void> {
  const [own, failing, mute] = await Promise.all([deps.service.first({ userId }, HOME_ALERTS_MAX), failingOf(deps, userId), deps.triage.activeMute()]);
  const view = buildHome({
    alerts: own.alerts,
    total: own.total,
    userId,
    now: deps.clock(),
    isAdmin: deps.service.isAdmin(userId),
    failing: failing === null ? null : { items: failing.items, partial: failing.partial, windowHours: FAILING_WINDOW_MS / 3_600_000 },
    mute,
  });
  await client.views.publish({ user_id: userId, view });
}

/** The failing recipients of the person's alerts; without them (logged) rather than no Home at all. */
async function failingOf(deps: HandlerDeps, userId: string): Promise<FailingReport | null> {
  try {
    return await deps.service.failingRecipients({ userId }, { mine: true });
  } catch (err) {
    deps.logger.warn({ err, userId }, 'could not read failing recipients for Home');
    return null;
  }
}
