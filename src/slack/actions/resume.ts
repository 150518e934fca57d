// Resume: runs again from the next tick, and any snooze ends (owners and admins).
import type { HandlerDeps } from '../handler-deps.js';
import { applyAlertChange } from '../commands/alert-changes.js';
import { buttonHandler } from './button-handler.js';

export const resume = (deps: HandlerDeps) =>
  buttonHandler(deps, (ctx) => applyAlertChange(deps, ctx.actor, ctx.alertId(), { kind: 'resume' }, ctx.timezone));
