// The alert modal's submission: read the form, let the service create or update, and answer
// in the ack — field errors keyed by block (nothing saved) or a plain ack that closes the
// modal, then a DM with the next runs. Slack drops an ack later than 3 s and the service may
// be checking channel memberships, so after SUBMIT_BUDGET_MS the modal is answered with a
// "still saving" error and the outcome follows by DM.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Alert } from '../../domain/types.js';
import { asLookoutError, ConflictError, ValidationError } from '../../errors.js';
import type { Actor, SavedAlert } from '../../services/alert-service.js';
import type { HandlerDeps } from '../handler-deps.js';
import { summarizeSlackError } from '../../slack-api/slack-errors.js';
import { modalValuesToAlertInput, parseModalMetadata, readModalValues, type ModalValues } from '../blocks/alert-modal.js';
import { escapeMrkdwn } from '../../messages/slack/mrkdwn.js';
import { formatInZone } from '../../messages/time.js';
import { BLOCK } from '../../messages/slack/ids.js';
import { fieldErrorsToBlockErrors } from '../field-errors.js';
import { quoted } from '../commands/alert-changes.js';
import { problemText } from '../commands/problem-text.js';
import { within } from './within.js';

/** Leaves time for the ack's own trip inside Slack's 3 s. */
const SUBMIT_BUDGET_MS = 2300;

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export function alertModalSubmit(deps: HandlerDeps) {
  return async ({ ack, body, view, client }: Args): Promise<void> => {
    const actor: Actor = { userId: body.user.id };
    const values = readModalValues(view.state.values);
    const metadata = parseModalMetadata(view.private_metadata);
    const input = modalValuesToAlertInput(values);
    // Promise.resolve().then: even a synchronous throw ends in an answer on the modal.
    const saving = Promise.resolve().then(() =>
      metadata.mode === 'edit' && metadata.alertId !== null
        ? deps.service.update(actor, metadata.alertId, input)
        : deps.service.create(actor, input),
    );
    const outcome = await within(saving, SUBMIT_BUDGET_MS);

    if (outcome.kind === 'late') {
      await ack({
        response_action: 'errors',
        errors: { [BLOCK.name]: 'Still checking and saving: Lookout will send you a message when it is done. Close this form or wait for that message before saving again.' },
      });
      saving.then(
        (alert) => afterSave(client, deps, actor, alert, metadata.mode),
        (err: unknown) => dm(client, deps, actor.userId, `⚠️ Your ${values.type} ${quoted(values)} was not saved: ${problemText(err, deps.logger).replace(/^⚠️ /, '')}`),
      );
      return;
    }
    if (outcome.kind === 'failed') {
      await ack({ response_action: 'errors', errors: blockErrors(outcome.error, values, deps) });
      return;
    }
    await ack();
    await afterSave(client, deps, actor, outcome.value, metadata.mode);
  };
}

/** A ValidationError's fields on their blocks; anything else on the most relevant block. */
function blockErrors(err: unknown, values: ModalValues, deps: HandlerDeps): Record<string, string> {
  if (err instanceof ValidationError) return fieldErrorsToBlockErrors(err.fieldErrors, values);
  if (err instanceof ConflictError) return fieldErrorsToBlockErrors({ [err.field]: err.userMessage }, values);
  const error = asLookoutError(err);
  const text = problemText(error, deps.logger);
  return { [error.code === 'forbidden' ? BLOCK.owners : BLOCK.name]: text };
}

async function afterSave(client: WebClient, deps: HandlerDeps, actor: Actor, alert: SavedAlert, mode: 'create' | 'edit'): Promise<void> {
  deps.refreshHomes([actor.userId, ...alert.owners]);
  const verb = mode === 'create' ? 'Created' : 'Saved';
  const warnings = alert.warnings.map((w) => `\n⚠️ ${escapeMrkdwn(w)}`).join('');
  await dm(client, deps, actor.userId, `✅ ${verb} ${alert.type} ${quoted(alert)}. ${nextRunsText(deps, alert)}${warnings}`);
}

function nextRunsText(deps: HandlerDeps, alert: Alert): string {
  if (!alert.active) return 'It is paused: it runs again once resumed.';
  const preview = deps.service.previewSchedule(alert.schedule, 3);
  if (!preview.ok || preview.runs.length === 0) return 'It has no upcoming runs.';
  return `Next runs: ${preview.runs.map((d) => formatInZone(d, alert.schedule.timezone)).join(' · ')}`;
}

/** A direct message (a view submission has no channel to answer in). */
async function dm(client: WebClient, deps: HandlerDeps, userId: string, text: string): Promise<void> {
  try {
    await client.chat.postMessage({ channel: userId, text });
  } catch (err) {
    deps.logger.warn({ ...summarizeSlackError(err), userId }, 'could not send the save confirmation');
  }
}
