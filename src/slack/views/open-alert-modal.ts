// Opening the alert modal from `/alert create|edit` and the Create / Edit buttons. The
// trigger_id dies 3 s after the click, so the timezone lookup is cut short (UTC fallback)
// and an expired trigger becomes a sentence asking to try again.
import type { WebClient } from '@slack/web-api';
import { LookoutError } from '../../errors.js';
import type { Actor } from '../../services/alert-service.js';
import type { HandlerDeps } from '../handler-deps.js';
import { summarizeSlackError } from '../../slack-api/slack-errors.js';
import { alertToModalValues, defaultModalValues } from '../blocks/alert-modal.js';
import { renderAlertModal, type AlertModalState } from './render-alert-modal.js';
import { buildManagedView } from '../blocks/alerts-as-code.js';
import type { ModalView } from '@slack/types';

const TZ_TIMEOUT_MS = 1000;

export async function openCreateModal(client: WebClient, deps: HandlerDeps, triggerId: string, actor: Actor, name: string | null): Promise<void> {
  const userTimezone = await deps.timezoneOf(actor.userId, TZ_TIMEOUT_MS);
  const values = { ...defaultModalValues(actor.userId, userTimezone, deps.service.usableDataSources(actor)), name: name ?? '' };
  await open(client, deps, triggerId, { mode: 'create', alertId: null, values, actor, userTimezone });
}

/**
 * Owners and admins only: others get the service's "not found" or "not allowed" sentence. An alert
 * managed in a file opens read-only, saying which file.
 */
export async function openEditModal(client: WebClient, deps: HandlerDeps, triggerId: string, actor: Actor, ref: string): Promise<void> {
  const alert = await deps.service.getForChange(actor, ref, 'edit');
  if (alert.managedBy !== null) {
    const { text } = await deps.service.exportAlert(actor, alert.id);
    await openView(client, triggerId, buildManagedView(alert, text));
    return;
  }
  const userTimezone = await deps.timezoneOf(actor.userId, TZ_TIMEOUT_MS);
  await open(client, deps, triggerId, { mode: 'edit', alertId: alert.id, values: alertToModalValues(alert), actor, userTimezone });
}

async function open(client: WebClient, deps: HandlerDeps, triggerId: string, state: AlertModalState): Promise<void> {
  await openView(client, triggerId, renderAlertModal(deps, state));
}

/** Opens a modal; an expired trigger or a refusal becomes a sentence saying to try again. */
export async function openView(client: WebClient, triggerId: string, view: ModalView): Promise<void> {
  try {
    await client.views.open({ trigger_id: triggerId, view });
  } catch (err) {
    const slack = summarizeSlackError(err);
    if (slack.code === 'expired_trigger_id') {
      throw new LookoutError('timeout', 'Slack took too long to open the form. Please try again.', { cause: err });
    }
    throw new LookoutError('internal', `Slack would not open the form (${slack.code}). Please try again; if it keeps failing, an admin can run \`/alert doctor\`.`, { cause: err });
  }
}
