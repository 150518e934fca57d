// Re-renders an open alert modal from what the person has entered so far (views.update with
// the view's hash, so a stale render never overwrites a newer one: on hash_conflict the newer
// render stands and this one is dropped).
import type { ViewOutput } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { TestQueryResult } from '../../messages/test-query-result.js';
import type { Actor } from '../../services/alert-service.js';
import type { HandlerDeps } from '../handler-deps.js';
import { summarizeSlackError } from '../../slack-api/slack-errors.js';
import { parseModalMetadata, readModalValues, type ModalValues } from '../blocks/alert-modal.js';
import { renderAlertModal } from './render-alert-modal.js';

/** The modal's state as the person left it. */
export function modalValues(view: ViewOutput): ModalValues {
  return readModalValues(view.state.values);
}

export async function updateAlertModal(
  client: WebClient,
  deps: HandlerDeps,
  view: ViewOutput,
  actor: Actor,
  extra: { testResult?: TestQueryResult | null } = {},
): Promise<void> {
  const metadata = parseModalMetadata(view.private_metadata);
  const userTimezone = await deps.timezoneOf(actor.userId);
  const rendered = renderAlertModal(deps, { ...metadata, values: modalValues(view), actor, userTimezone, testResult: extra.testResult ?? null });
  try {
    await client.views.update({ view_id: view.id, hash: view.hash, view: rendered });
  } catch (err) {
    const slack = summarizeSlackError(err);
    if (slack.code === 'hash_conflict' || slack.code === 'not_found') return; // a newer render, or the modal was closed
    deps.logger.warn({ ...slack, err }, 'could not update the alert modal');
  }
}
