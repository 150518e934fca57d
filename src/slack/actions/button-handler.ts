// The shape every button and picker on a message or the Home tab shares: ack at once, find
// the alert (a button's value, or the picker's block_id), run, and answer only the person who
// clicked — through response_url on a message, chat.postEphemeral in a channel, or a DM from
// Home, which has neither. Failures are answered the same way (STYLE.md §2.9).
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { LookoutError } from '../../errors.js';
import type { Actor } from '../../services/alert-service.js';
import type { HandlerDeps } from '../handler-deps.js';
import { summarizeSlackError } from '../../slack-api/slack-errors.js';
import type { SlackMessage } from '../../messages/slack/limits.js';
import { problemText } from '../commands/problem-text.js';
import { alertIdFromBlockId } from '../../messages/slack/ids.js';

export type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

export interface ButtonContext {
  deps: HandlerDeps;
  client: WebClient;
  actor: Actor;
  triggerId: string;
  /** The alert the element belongs to; throws a readable error when it names none. */
  alertId(): string;
  /** A datetimepicker's choice, or null. */
  selectedDateTime(): Date | null;
  timezone(): Promise<string>;
  /** The workspace's domain ("acme" of acme.slack.com) as the click says it; null when it does not. */
  teamDomain: string | null;
}

export function buttonHandler(deps: HandlerDeps, handle: (ctx: ButtonContext) => Promise<string | SlackMessage | void>) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    const { body, action, client } = args;
    const reply = replier(args, deps);
    const element = action as { value?: string; block_id?: string; selected_date_time?: number | null };
    const ctx: ButtonContext = {
      deps,
      client,
      actor: { userId: body.user.id },
      triggerId: body.trigger_id,
      alertId() {
        const id = element.value ?? alertIdFromBlockId(element.block_id ?? '');
        if (id === null || id === '') throw new LookoutError('not_found', 'This button names no alert; open the Home tab for a fresh list.');
        return id;
      },
      selectedDateTime: () => (typeof element.selected_date_time === 'number' ? new Date(element.selected_date_time * 1000) : null),
      timezone: () => deps.timezoneOf(body.user.id),
      teamDomain: body.team?.domain ?? null,
    };
    try {
      const answer = await handle(ctx);
      if (answer !== undefined) await reply(answer);
    } catch (err) {
      await reply(problemText(err, deps.logger));
    }
  };
}

function replier({ body, client, respond }: ActionArgs, deps: HandlerDeps) {
  return async (message: string | SlackMessage): Promise<void> => {
    const content = typeof message === 'string' ? { text: message } : message;
    try {
      if (body.response_url) {
        await respond({ response_type: 'ephemeral', replace_original: false, ...content });
      } else if (body.channel?.id) {
        await client.chat.postEphemeral({ channel: body.channel.id, user: body.user.id, ...content });
      } else {
        await client.chat.postMessage({ channel: body.user.id, ...content });
      }
    } catch (err) {
      deps.logger.warn({ ...summarizeSlackError(err), userId: body.user.id }, 'could not answer a button');
    }
  };
}
