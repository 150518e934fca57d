// `/alert`, registered once (STYLE.md §2.2): ack at once, parse the text, then run the
// subcommand and answer ephemerally through response_url. Any failure ends in a message.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { HandlerDeps } from '../handler-deps.js';
import type { SlackMessage } from '../../messages/slack/limits.js';
import { buildHelp, buildUsageError } from '../blocks/lists.js';
import { applyAlertChange, type AlertChange } from './alert-changes.js';
import type { CommandContext } from './command-context.js';
import { createCommand } from './create.js';
import { doctorCommand } from './doctor.js';
import { editCommand } from './edit.js';
import { historyCommand } from './history.js';
import { listCommand } from './list.js';
import { parseAlertCommand, type AlertCommand } from './parse-alert-command.js';
import { problemText } from './problem-text.js';

export function alertCommand(deps: HandlerDeps) {
  return async ({ ack, command, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const ctx: CommandContext = {
      deps,
      client,
      actor: { userId: command.user_id },
      triggerId: command.trigger_id,
      async reply(message) {
        const body: SlackMessage | { text: string } = typeof message === 'string' ? { text: message } : message;
        try {
          await respond({ response_type: 'ephemeral', ...body });
        } catch (err) {
          deps.logger.warn({ err, userId: command.user_id }, 'could not answer /alert');
        }
      },
      timezone: () => deps.timezoneOf(command.user_id),
      teamDomain: typeof command.team_domain === 'string' && command.team_domain !== '' ? command.team_domain : null,
    };
    try {
      await run(ctx, parseAlertCommand(command.text));
    } catch (err) {
      await ctx.reply(problemText(err, deps.logger));
    }
  };
}

async function run(ctx: CommandContext, command: AlertCommand): Promise<void> {
  const change = (c: AlertChange, ref: string) =>
    applyAlertChange(ctx.deps, ctx.actor, ref, c, ctx.timezone).then((text) => ctx.reply(text));
  switch (command.kind) {
    case 'create':
      return createCommand(ctx, command.name);
    case 'edit':
      return editCommand(ctx, command.ref);
    case 'list':
      return listCommand(ctx, command.all);
    case 'history':
      return historyCommand(ctx, command.ref);
    case 'pause':
    case 'resume':
    case 'delete':
    case 'run':
      return change({ kind: command.kind }, command.ref);
    case 'snooze':
      return change({ kind: 'snooze', until: new Date(ctx.deps.clock().getTime() + command.durationMs) }, command.ref);
    case 'unsnooze':
      return change({ kind: 'unsnooze' }, command.ref);
    case 'doctor':
      return doctorCommand(ctx);
    case 'help':
      return ctx.reply(buildHelp());
    case 'usage':
      return ctx.reply(buildUsageError(command.message));
  }
}
