// What a user does in Slack, delivered to the app over Socket Mode: slash commands, clicks,
// modal submissions and closes, events. Each helper resolves with the app's ack payload and
// then applies it as Slack would (an ack's text shows as an ephemeral; a submission's
// response_action closes, updates, pushes, or keeps the modal with field errors).
import type { SimulatorCore } from './core.js';
import { messageJson } from './methods/chat.js';
import { SlackApiError } from './methods/context.js';
import { checkView } from './methods/validate.js';
import { buildView } from './methods/views.js';
import { eventPayload, eventTs, interactivePayload, slashCommandPayload, viewPayload } from './payloads.js';
import type { Json, SlackView, StoredView } from './records.js';
import { buildStateValues, elementState, findElement, type SimpleValue, type SimpleValues } from './state-values.js';

export interface SlashCommandInput {
  /** Default '/alert'. */
  command?: string;
  text?: string;
  user_id: string;
  /** Default: the user's DM with the bot (where `/alert` typed in the app's Messages tab lands). */
  channel_id?: string;
}

export interface BlockActionInput {
  user: string;
  action_id: string;
  /** Needed only when several blocks hold the same action_id. */
  block_id?: string;
  /** A button's value (default: the button's own), or the new value of a select/picker/checkboxes. */
  value?: SimpleValue;
  /** The modal or Home view the element is in (id or view object). */
  view?: string | SlackView;
  /** The message the element is in: a posted message or an ephemeral (message_ts). */
  message?: { channel: string; ts: string };
  /** A channel when there is no recorded message. */
  channel?: string;
  /** Default: a fresh trigger_id the simulator registers. */
  trigger_id?: string;
}

export interface ViewSubmissionInput {
  /** Default: the user the view was opened for. */
  user?: string;
  /** The open modal (id or view object). */
  view: string | SlackView;
  /** `{ block_id: { action_id: value } }`; see state-values.ts. */
  values?: SimpleValues;
}

export interface ViewClosedInput {
  user?: string;
  view: string | SlackView;
  /** The user closed the whole stack. */
  is_cleared?: boolean;
}

export type EventInput = Json & { type: string };

export interface Interactions {
  slashCommand(input: SlashCommandInput): Promise<Json>;
  blockAction(input: BlockActionInput): Promise<Json>;
  viewSubmission(input: ViewSubmissionInput): Promise<Json>;
  /** Closes the modal; sends view_closed only when the view has notify_on_close (else resolves null). */
  viewClosed(input: ViewClosedInput): Promise<Json | null>;
  event(input: EventInput): Promise<Json>;
}

export function createInteractions(core: SimulatorCore): Interactions {
  const { workspace, records, socket, triggers, responseUrls } = core;

  const mustUser = (id: string): string => {
    if (!workspace.user(id)) throw new Error(`slack-simulator: no user ${id} in the workspace`);
    return id;
  };

  const storedView = (ref: string | SlackView): StoredView => {
    const id = typeof ref === 'string' ? ref : ref.id;
    const stored = records.views.get(id);
    if (!stored) throw new Error(`slack-simulator: no view ${id} (views are created by views.open/push/publish)`);
    return stored;
  };

  /** A view the app sent in an ack, built as views.update/push would. */
  const viewFromAck = (ack: Json, id: string, links: { root: string | null; previous: string | null }, state?: SlackView['state']['values']): SlackView => {
    const input = ack.view as Json | undefined;
    try {
      if (!input || typeof input !== 'object') throw new SlackApiError('invalid_arguments');
      checkView(input, 'modal');
    } catch (error) {
      const detail = error instanceof SlackApiError ? `${error.error} ${JSON.stringify(error.extra)}` : String(error);
      throw new Error(`slack-simulator: the app acked response_action '${String(ack.response_action)}' with an invalid view: ${detail}`);
    }
    return buildView(core, input, id, { ...links, state });
  };

  const applySubmissionAck = (user: string, stored: StoredView, ack: Json): void => {
    const stack = records.modalStack(user);
    switch (ack.response_action) {
      case 'errors':
        stored.lastErrors = (ack.errors ?? {}) as Record<string, string>;
        core.log.changed();
        return;
      case 'update':
        records.saveView(user, viewFromAck(ack, stored.id, { root: stored.current.root_view_id, previous: stored.current.previous_view_id }));
        return;
      case 'push': {
        if (stack.length >= 3) throw new Error('slack-simulator: response_action push over a stack of 3 modals (push_limit_reached)');
        const id = core.ids.id('V');
        records.saveView(user, viewFromAck(ack, id, { root: stack[0] ?? id, previous: stored.id }));
        stack.push(id);
        return;
      }
      case 'clear':
        records.closeModals(user);
        return;
      default:
        stored.lastErrors = undefined;
        records.closeModals(user, stored.id);
    }
  };

  return {
    async slashCommand(input) {
      const user = mustUser(input.user_id);
      const channel = input.channel_id === undefined ? workspace.dmWith(user) : workspace.channel(input.channel_id);
      if (!channel) throw new Error(`slack-simulator: no channel ${input.channel_id}`);
      const payload = slashCommandPayload(workspace, {
        command: input.command ?? '/alert',
        text: input.text ?? '',
        user_id: user,
        channel_id: channel.id,
        channel_name: channel.is_im ? 'directmessage' : channel.is_mpim ? 'privategroup' : channel.name,
        trigger_id: triggers.issue(user),
        response_url: responseUrls.issue({ source: 'slash_command', user, channel: channel.id }),
      });
      const ack = await socket.send('slash_commands', payload, true);
      // An ack with a body is the command's immediate answer, shown to the user.
      const text = typeof ack.text === 'string' ? ack.text : undefined;
      const blocks = Array.isArray(ack.blocks) ? ack.blocks : undefined;
      if (text !== undefined || blocks !== undefined) {
        const at = new Date();
        if (ack.response_type === 'in_channel') {
          records.addMessage({ channel: channel.id, ts: core.ids.ts(), text, blocks, user: workspace.bot.id, bot_id: workspace.bot.bot_id, via: 'ack', postedAt: at, history: [], deleted: false, args: ack });
        } else {
          records.addEphemeral({ channel: channel.id, user, text, blocks, message_ts: core.ids.ts(), via: 'ack', at });
        }
      }
      return ack;
    },

    async blockAction(input) {
      const user = mustUser(input.user);
      const trigger_id = input.trigger_id ?? triggers.issue(user);
      const rest: Json = { trigger_id };
      let blocks: Json[] | undefined;
      let stored: StoredView | undefined;
      if (input.view !== undefined) {
        stored = storedView(input.view);
        blocks = stored.current.blocks;
        rest.container = { type: 'view', view_id: stored.id };
      } else if (input.message !== undefined) {
        const { channel, ts } = input.message;
        const message = records.findMessage(channel, ts);
        const ephemeral = message ? undefined : records.ephemerals.find((e) => e.channel === channel && e.message_ts === ts);
        if (!message && !ephemeral) throw new Error(`slack-simulator: no message ${channel}/${ts}`);
        blocks = (message?.blocks ?? ephemeral?.blocks ?? []) as Json[];
        const name = workspace.channel(channel)?.name ?? channel;
        rest.container = { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: !message };
        rest.channel = { id: channel, name };
        if (message) rest.message = messageJson(message, workspace);
        rest.response_url = responseUrls.issue({ source: 'block_actions', user, channel, message_ts: message ? ts : undefined });
      } else if (input.channel !== undefined) {
        rest.channel = { id: input.channel, name: workspace.channel(input.channel)?.name ?? input.channel };
        rest.response_url = responseUrls.issue({ source: 'block_actions', user, channel: input.channel });
      }
      const found = blocks ? findElement(blocks, input.action_id, input.block_id) : undefined;
      if (blocks && !found) throw new Error(`slack-simulator: no element with action_id ${input.action_id} in that ${input.view ? 'view' : 'message'}`);
      const element: Json = found?.element ?? { type: 'button', action_id: input.action_id };
      const blockId = String(found?.block.block_id ?? input.block_id ?? '');
      const action: Json = { action_id: input.action_id, block_id: blockId, action_ts: eventTs() };
      if (element.type === 'button') {
        Object.assign(action, { type: 'button', text: element.text, value: input.value ?? element.value, ...(element.style ? { style: element.style } : {}) });
      } else {
        const state = elementState(element, input.value);
        Object.assign(action, state);
        if (stored && element.type !== 'overflow') {
          // The modal's state now holds the new value, as the user's client would have it.
          (stored.current.state.values[blockId] ??= {})[input.action_id] = state;
        }
      }
      if (stored) {
        const view = viewPayload(stored.current);
        view.state = { values: buildStateValues(view, {}, stored.current.state.values) };
        rest.view = view;
      }
      return socket.send('interactive', interactivePayload(workspace, 'block_actions', user, { ...rest, actions: [action] }), false);
    },

    async viewSubmission(input) {
      const stored = storedView(input.view);
      const user = mustUser(input.user ?? stored.user);
      if (!stored.open || stored.type !== 'modal') throw new Error(`slack-simulator: view ${stored.id} is not an open modal; it cannot be submitted`);
      stored.current.state = { values: buildStateValues(stored.current, input.values, stored.current.state.values) };
      const payload = interactivePayload(workspace, 'view_submission', user, {
        trigger_id: triggers.issue(user),
        view: viewPayload(stored.current),
        response_urls: [],
      });
      const ack = await socket.send('interactive', payload, true);
      applySubmissionAck(user, stored, ack);
      return ack;
    },

    async viewClosed(input) {
      const stored = storedView(input.view);
      const user = mustUser(input.user ?? stored.user);
      const view = viewPayload(stored.current);
      records.closeModals(user, input.is_cleared ? undefined : stored.id);
      if (view.notify_on_close !== true) return null;
      const payload = interactivePayload(workspace, 'view_closed', user, { view, is_cleared: input.is_cleared ?? false });
      return socket.send('interactive', payload, false);
    },

    async event(input) {
      const event: Json = { ...input, event_ts: input.event_ts ?? eventTs() };
      if (input.type === 'app_home_opened' && typeof input.user === 'string') {
        event.channel ??= workspace.dmWith(input.user).id;
        event.tab ??= 'home';
        const home = records.homes.get(input.user);
        const view = home ? records.views.get(home)?.current : undefined;
        if (view && event.view === undefined) event.view = viewPayload(view);
      }
      return socket.send('events_api', eventPayload(workspace, core.ids.event(), event), false);
    },
  };
}
