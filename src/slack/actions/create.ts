// Home's "New alert or report": the modal in create mode.
import type { HandlerDeps } from '../handler-deps.js';
import { openCreateModal } from '../views/open-alert-modal.js';
import { buttonHandler } from './button-handler.js';

export const create = (deps: HandlerDeps) =>
  buttonHandler(deps, (ctx) => openCreateModal(ctx.client, deps, ctx.triggerId, ctx.actor, null));
