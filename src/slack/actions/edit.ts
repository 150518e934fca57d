// Edit: the modal prefilled from the alert (owners and admins; others are told why not).
import type { HandlerDeps } from '../handler-deps.js';
import { openEditModal } from '../views/open-alert-modal.js';
import { buttonHandler } from './button-handler.js';

export const edit = (deps: HandlerDeps) =>
  buttonHandler(deps, (ctx) => openEditModal(ctx.client, deps, ctx.triggerId, ctx.actor, ctx.alertId()));
