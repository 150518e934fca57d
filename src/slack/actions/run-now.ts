// Run now: one tick at once, whatever the schedule (owners and admins).
import type { HandlerDeps } from '../handler-deps.js';
import { applyAlertChange } from '../commands/alert-changes.js';
import { buttonHandler } from './button-handler.js';

export const runNow = (deps: HandlerDeps) =>
  buttonHandler(deps, (ctx) => applyAlertChange(deps, ctx.actor, ctx.alertId(), { kind: 'run' }, ctx.timezone));
