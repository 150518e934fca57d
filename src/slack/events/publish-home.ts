// One person's Home tab: their alerts, each in its own schedule timezone (views.publish). Used
// when they open it and when their alerts change.
import type { WebClient } from '@slack/web-api';
import type { HandlerDeps } from '../handler-deps.js';
import { buildHome } from '../blocks/home.js';

export async function publishHome(client: WebClient, deps: HandlerDeps, userId: string): Promise<void> {
  const alerts = await deps.service.list({ userId });
  const view = buildHome({ alerts, userId, now: deps.clock(), isAdmin: deps.service.isAdmin(userId) });
  await client.views.publish({ user_id: userId, view });
}
