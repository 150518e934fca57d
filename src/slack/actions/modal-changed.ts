// Inside the alert modal: a switch of type, what an alert checks, its operator, schedule preset or
// content kind, or any schedule field, re-renders the modal (the fields that choice needs, the
// threshold required or not, the next-runs preview).
import type { HandlerDeps } from '../handler-deps.js';
import { updateAlertModal } from '../views/update-alert-modal.js';
import type { ActionArgs } from './button-handler.js';

export const modalChanged = (deps: HandlerDeps) =>
  async ({ ack, body, client }: ActionArgs): Promise<void> => {
    await ack();
    if (body.view === undefined) return;
    await updateAlertModal(client, deps, body.view, { userId: body.user.id });
  };
