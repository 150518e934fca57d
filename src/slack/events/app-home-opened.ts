// app_home_opened → publish the person's Home tab (their alerts, their timezone). Events need
// no ack; a failure is logged (there is nowhere else to show it).
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { HandlerDeps } from '../handler-deps.js';
import { summarizeSlackError } from '../../slack-api/slack-errors.js';
import { publishHome } from './publish-home.js';

export function appHomeOpened(deps: HandlerDeps) {
  return async ({ event, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> => {
    // The Messages tab opens this event too.
    if (event.tab !== undefined && event.tab !== 'home') return;
    try {
      await publishHome(client, deps, event.user);
    } catch (err) {
      deps.logger.warn({ ...summarizeSlackError(err), err, userId: event.user }, 'Home publish failed');
    }
  };
}
