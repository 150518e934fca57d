// Pause: no runs until resumed (owners and admins).
import type { HandlerDeps } from '../handler-deps.js';
import { applyAlertChange } from '../commands/alert-changes.js';
import { buttonHandler } from './button-handler.js';

export const pause = (deps: HandlerDeps) =>
  buttonHandler(deps, (ctx) => applyAlertChange(deps, ctx.actor, ctx.alertId(), { kind: 'pause' }, ctx.timezone));
