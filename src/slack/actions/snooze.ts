// Snooze 1h, Snooze 1d and "Snooze until" (a datetimepicker, its time in epoch seconds).
import { LookoutError } from '../../errors.js';
import type { HandlerDeps } from '../handler-deps.js';
import { applyAlertChange } from '../commands/alert-changes.js';
import { buttonHandler } from './button-handler.js';

const HOUR_MS = 3600_000;

export const snoozeFor = (deps: HandlerDeps, ms: number) =>
  buttonHandler(deps, (ctx) =>
    applyAlertChange(deps, ctx.actor, ctx.alertId(), { kind: 'snooze', until: new Date(deps.clock().getTime() + ms) }, ctx.timezone),
  );

export const snooze1h = (deps: HandlerDeps) => snoozeFor(deps, HOUR_MS);
export const snooze1d = (deps: HandlerDeps) => snoozeFor(deps, 24 * HOUR_MS);

export const snoozeUntil = (deps: HandlerDeps) =>
  buttonHandler(deps, (ctx) => {
    const until = ctx.selectedDateTime();
    if (until === null) throw new LookoutError('validation', 'Pick a date and time to snooze until.');
    return applyAlertChange(deps, ctx.actor, ctx.alertId(), { kind: 'snooze', until }, ctx.timezone);
  });
