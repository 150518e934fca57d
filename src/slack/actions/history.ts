// History: the alert's recent runs, shown only to the person who asked.
import type { HandlerDeps } from '../app.js';
import { buildHistory } from '../blocks/lists.js';
import { buttonHandler } from './button-handler.js';

export const history = (deps: HandlerDeps) =>
  buttonHandler(deps, async (ctx) => {
    const [{ alert, executions }, timezone] = await Promise.all([deps.service.history(ctx.actor, ctx.alertId()), ctx.timezone()]);
    return buildHistory(alert, executions, timezone);
  });
