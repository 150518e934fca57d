// The changes a person makes by command or by button (pause, resume, snooze, delete, run now):
// one service call each, the Home tabs of everyone concerned refreshed, and the sentence that
// confirms it. Shared by `/alert` and the message and Home buttons so both say the same.
import type { Alert } from '../../domain/types.js';
import type { Actor } from '../../services/alert-service.js';
import type { HandlerDeps } from '../handler-deps.js';
import { when } from '../../messages/alert-status.js';
import { code, escapeMrkdwn } from '../../messages/slack/mrkdwn.js';
import { formatInZone } from '../../messages/time.js';
import { commandRef } from '../../messages/sentences.js';

export type AlertChange =
  | { kind: 'pause' | 'resume' | 'unsnooze' | 'delete' | 'run' }
  | { kind: 'snooze'; until: Date };

/** Applies the change (the service checks permission) and returns the confirmation. */
export async function applyAlertChange(
  deps: HandlerDeps,
  actor: Actor,
  ref: string,
  change: AlertChange,
  timezone: () => Promise<string>,
): Promise<string> {
  const { service } = deps;
  let alert: Alert;
  let text: string;
  switch (change.kind) {
    case 'pause':
      alert = await service.pause(actor, ref);
      text = `⏸️ Paused ${quoted(alert)}. Resume it with ${code(`/alert resume ${commandRef(alert)}`)}.`;
      break;
    case 'resume':
      alert = await service.resume(actor, ref);
      text = `▶️ Resumed ${quoted(alert)}. Next run: ${when(alert.nextRunAt, await timezone(), 'not scheduled')}.`;
      break;
    case 'snooze':
      alert = await service.snooze(actor, ref, change.until);
      text = `😴 Snoozed ${quoted(alert)} until ${formatInZone(change.until, await timezone())}.`;
      break;
    case 'unsnooze':
      alert = await service.unsnooze(actor, ref);
      text = `🔔 ${quoted(alert)} is no longer snoozed. Next run: ${when(alert.nextRunAt, await timezone(), 'not scheduled')}.`;
      break;
    case 'delete':
      alert = await service.remove(actor, ref);
      text = `🗑️ Deleted ${quoted(alert)} and its history.`;
      break;
    case 'run':
      alert = await service.runNow(actor, ref);
      // Its Home refresh comes with the execution (Lookout refreshes the owners' Homes after each).
      return `🏃 Running ${quoted(alert)} now; the result goes to its recipients.`;
  }
  deps.refreshHomes([actor.userId, ...alert.owners]);
  return text;
}

export function quoted(alert: Pick<Alert, 'name'>): string {
  return `“${escapeMrkdwn(alert.name)}”`;
}
