// History: the alert's recent runs, shown only to the person who asked.
import type { HandlerDeps } from '../handler-deps.js';
import { historyDoc } from '../../messages/history.js';
import { renderSlack } from '../../messages/slack/render-slack.js';
import { buttonHandler } from './button-handler.js';

export const history = (deps: HandlerDeps) =>
  buttonHandler(deps, async (ctx) => {
    const [{ alert, executions }, timezone] = await Promise.all([deps.service.history(ctx.actor, ctx.alertId()), ctx.timezone()]);
    return renderSlack(historyDoc(alert, executions, timezone, { teamDomain: ctx.teamDomain }), { surface: 'message' }).message;
  });
