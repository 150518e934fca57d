// Acknowledge and Unacknowledge on a firing message: the service decides (members of the channel
// the message is in; the incident the button names must still be the alert's), then the
// incident's messages are redrawn in place. Refusals are answered to the presser only.
import { LookoutError } from '../../errors.js';
import { ackRefusalLine } from '../../messages/acknowledgement.js';
import { parseIncidentButtonValue } from '../../messages/slack/ids.js';
import { inlines } from '../../messages/slack/render-slack.js';
import type { PressedIn } from '../../services/triage-service.js';
import type { HandlerDeps } from '../handler-deps.js';
import { buttonHandler, type ButtonContext } from './button-handler.js';
import { redrawIncident } from './redraw-incident.js';

export const acknowledge = (deps: HandlerDeps) => buttonHandler(deps, (ctx) => press(deps, ctx, 'acknowledge'));
export const unacknowledge = (deps: HandlerDeps) => buttonHandler(deps, (ctx) => press(deps, ctx, 'unacknowledge'));

async function press(deps: HandlerDeps, ctx: ButtonContext, verb: 'acknowledge' | 'unacknowledge'): Promise<string | undefined> {
  const pressed = parseIncidentButtonValue(ctx.value ?? '');
  if (pressed === null || ctx.message === null) {
    throw new LookoutError('validation', 'This button names no incident; use the Acknowledge button on the alert\'s latest message.');
  }
  const request = { alertId: pressed.alertId, incidentSince: pressed.since, where: pressedIn(ctx.message.channel) };
  const outcome = verb === 'acknowledge' ? await deps.triage.acknowledge(ctx.actor, request) : await deps.triage.unacknowledge(ctx.actor, request);
  const failed = outcome.alert !== null && outcome.status !== null
    ? await redrawIncident(ctx.client, deps.logger, outcome.alert, outcome.status, ctx.message, deps.clock())
    : [];
  if (!outcome.ok) {
    const refused = outcome.refusal.kind === 'not_member' || outcome.refusal.kind === 'not_recipient';
    return `${refused ? '🚫' : 'ℹ️'} ${inlines(ackRefusalLine(outcome.refusal, outcome.alert, verb))}`;
  }
  if (failed.length > 0) {
    const done = verb === 'acknowledge' ? 'Acknowledged' : 'Acknowledgement taken back';
    return `⚠️ ${done}, but Slack did not let Lookout update ${failed.length === 1 ? 'one of its messages' : `${failed.length} of its messages`} (${[...new Set(failed)].join(', ')}).`;
  }
  return undefined; // the message itself shows it
}

/** A DM's id starts with D (Lookout never posts to group DMs); anything else is a channel. */
function pressedIn(channel: string): PressedIn {
  return channel.startsWith('D') ? { kind: 'dm', id: channel } : { kind: 'channel', id: channel };
}
