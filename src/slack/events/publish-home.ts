// One person's Home tab: their alerts, each in its own schedule timezone, and the admins' mute
// (views.publish). Used when they open it and when their alerts change.
import type { WebClient } from '@slack/web-api';
import type { HandlerDeps } from '../handler-deps.js';
import { buildHome } from '../blocks/home.js';

export async function publishHome(client: WebClient, deps: HandlerDeps, userId: string): Promise<void> {
  const [alerts, mute] = await Promise.all([deps.service.list({ userId }), deps.triage.activeMute()]);
  const view = buildHome({ alerts, userId, now: deps.clock(), isAdmin: deps.service.isAdmin(userId), mute });
  await client.views.publish({ user_id: userId, view });
}
