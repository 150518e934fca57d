// views.* — modals (open, push, update with hash checks) and App Home (publish).
// https://docs.slack.dev/reference/methods/views.open
import { randomBytes } from 'node:crypto';
import type { Json, SlackView, StateValues, StoredView } from '../records.js';
import { type MethodContext, type MethodTable, optionalString, requireObject, requireString, SlackApiError } from './context.js';
import { checkView } from './validate.js';

/** Slack allows a stack of three modals: the root and two pushed on top. */
const MAX_STACK = 3;

/** Slack assigns a block_id to every block that lacks one; state.values is keyed by it. */
function withBlockIds(blocks: unknown[]): Json[] {
  return blocks.map((b) => {
    const block = structuredClone(b) as Json;
    if (typeof block.block_id !== 'string') block.block_id = randomBytes(3).toString('base64url');
    return block;
  });
}

/** Keeps what the user typed in blocks that survive an update, as Slack does. */
function carriedState(previous: StateValues | undefined, blocks: Json[]): StateValues {
  const values: StateValues = {};
  if (!previous) return values;
  for (const block of blocks) {
    const id = block.block_id as string;
    if (previous[id]) values[id] = previous[id];
  }
  return values;
}

/** The view object Slack stores and returns: the app's input plus ids, hash and state. */
export function buildView(ctx: Pick<MethodContext, 'workspace' | 'ids'>, input: Json, id: string, links: { root: string | null; previous: string | null; state?: StateValues }): SlackView {
  const blocks = withBlockIds(input.blocks as unknown[]);
  return {
    ...structuredClone(input),
    id,
    team_id: ctx.workspace.team.id,
    type: input.type as string,
    blocks,
    private_metadata: typeof input.private_metadata === 'string' ? input.private_metadata : '',
    callback_id: typeof input.callback_id === 'string' ? input.callback_id : '',
    external_id: typeof input.external_id === 'string' ? input.external_id : '',
    state: { values: carriedState(links.state, blocks) },
    hash: ctx.ids.hash(),
    clear_on_close: input.clear_on_close === true,
    notify_on_close: input.notify_on_close === true,
    root_view_id: links.root,
    previous_view_id: links.previous,
    app_id: ctx.workspace.appId,
    app_installed_team_id: ctx.workspace.team.id,
    bot_id: ctx.workspace.bot.bot_id,
  };
}

function checkExternalId(ctx: MethodContext, view: Json, self?: string): void {
  const externalId = view.external_id;
  if (typeof externalId !== 'string' || externalId === '') return;
  const holder = ctx.records.viewByExternalId(externalId);
  if (holder && holder.id !== self) throw new SlackApiError('duplicate_external_id');
}

function findView(ctx: MethodContext): StoredView {
  const viewId = optionalString(ctx.args, 'view_id');
  const externalId = optionalString(ctx.args, 'external_id');
  if (!viewId && !externalId) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] view_id or external_id is required'] } });
  const stored = viewId ? ctx.records.views.get(viewId) : ctx.records.viewByExternalId(externalId as string);
  if (!stored || !stored.open) throw new SlackApiError('not_found');
  return stored;
}

function checkHash(ctx: MethodContext, stored: StoredView): void {
  const hash = optionalString(ctx.args, 'hash');
  if (hash !== undefined && hash !== stored.current.hash) throw new SlackApiError('hash_conflict');
}

export const viewMethods: MethodTable = {
  'views.open': {
    handler(ctx) {
      const user = ctx.triggers.consume(requireString(ctx.args, 'trigger_id'));
      const input = requireObject(ctx.args, 'view');
      checkView(input, 'modal');
      checkExternalId(ctx, input);
      ctx.records.closeModals(user);
      const id = ctx.ids.id('V');
      const view = buildView(ctx, input, id, { root: id, previous: null });
      ctx.records.saveView(user, view);
      ctx.records.modalStack(user).push(id);
      return { view };
    },
  },

  'views.push': {
    handler(ctx) {
      const user = ctx.triggers.consume(requireString(ctx.args, 'trigger_id'));
      const input = requireObject(ctx.args, 'view');
      checkView(input, 'modal');
      checkExternalId(ctx, input);
      const stack = ctx.records.modalStack(user);
      const top = stack[stack.length - 1];
      if (top === undefined) throw new SlackApiError('not_found');
      if (stack.length >= MAX_STACK) throw new SlackApiError('push_limit_reached');
      const id = ctx.ids.id('V');
      const view = buildView(ctx, input, id, { root: stack[0] ?? id, previous: top });
      ctx.records.saveView(user, view);
      stack.push(id);
      return { view };
    },
  },

  'views.update': {
    handler(ctx) {
      const stored = findView(ctx);
      checkHash(ctx, stored);
      const input = requireObject(ctx.args, 'view');
      checkView(input, stored.type === 'home' ? 'home' : 'modal');
      checkExternalId(ctx, input, stored.id);
      const view = buildView(ctx, input, stored.id, {
        root: stored.current.root_view_id,
        previous: stored.current.previous_view_id,
        state: stored.current.state.values,
      });
      ctx.records.saveView(stored.user, view);
      return { view };
    },
  },

  'views.publish': {
    handler(ctx) {
      const user = requireString(ctx.args, 'user_id', 'user_not_found');
      if (!ctx.workspace.user(user)) throw new SlackApiError('user_not_found');
      const input = requireObject(ctx.args, 'view');
      checkView(input, 'home');
      // A user's Home keeps one view id; its hash guards against racing publishes.
      const existingId = ctx.records.homes.get(user);
      const existing = existingId ? ctx.records.views.get(existingId) : undefined;
      if (existing) checkHash(ctx, existing);
      const id = existing?.id ?? ctx.ids.id('V');
      const view = buildView(ctx, input, id, { root: null, previous: null, state: existing?.current.state.values });
      ctx.records.saveView(user, view);
      ctx.records.setHome(user, id);
      return { view };
    },
  },
};
