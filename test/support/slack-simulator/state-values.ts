// view.state.values as Slack builds them, from a test's simple map
// `{ block_id: { action_id: value } }`. The element type comes from the view's blocks, so
// a test writes `{ when: { schedule: 'hourly' } }` and gets a static_select's selected_option.
// Elements the test leaves out carry their initial value, or null/[] like untouched fields.
// https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload
import type { Json, StateValues } from './records.js';

/** A value as a test writes it: a string, a list, `{ value, text }` for an option, or a raw state object with `type`. */
export type SimpleValue = string | number | boolean | null | string[] | { value: string; text?: string } | Json;
export type SimpleValues = Record<string, Record<string, SimpleValue>>;

interface Found {
  block: Json;
  element: Json;
}

/** Every element in the blocks with the block holding it: input `element`, actions `elements`, section `accessory`. */
export function elementsOf(blocks: Json[]): Found[] {
  const found: Found[] = [];
  for (const block of blocks) {
    const candidates = [block.element, block.accessory, ...(Array.isArray(block.elements) ? block.elements : [])];
    for (const element of candidates) {
      if (element && typeof element === 'object' && typeof (element as Json).action_id === 'string') found.push({ block, element: element as Json });
    }
  }
  return found;
}

export function findElement(blocks: Json[], actionId: string, blockId?: string): Found | undefined {
  return elementsOf(blocks).find((f) => f.element.action_id === actionId && (blockId === undefined || f.block.block_id === blockId));
}

/** Buttons and overflow menus hold no state; everything else appears in state.values. */
const STATELESS = new Set(['button', 'overflow', 'workflow_button']);

function options(element: Json): Json[] {
  const flat = Array.isArray(element.options) ? (element.options as Json[]) : [];
  const grouped = Array.isArray(element.option_groups) ? (element.option_groups as Json[]).flatMap((g) => (Array.isArray(g.options) ? (g.options as Json[]) : [])) : [];
  return [...flat, ...grouped];
}

/** The element's own option for a value, or one made up (external_select has none listed). */
function option(element: Json, value: SimpleValue): Json {
  if (value && typeof value === 'object' && !Array.isArray(value) && 'text' in value && typeof value.text === 'object') return value as Json;
  const wanted = value && typeof value === 'object' && !Array.isArray(value) ? String(value.value) : String(value);
  const known = options(element).find((o) => o.value === wanted);
  if (known) return known;
  const label = value && typeof value === 'object' && !Array.isArray(value) && typeof value.text === 'string' ? value.text : wanted;
  return { text: { type: 'plain_text', text: label, emoji: true }, value: wanted };
}

const list = (value: SimpleValue): SimpleValue[] => (Array.isArray(value) ? value : value === null || value === undefined ? [] : [value]);
const orNull = (value: SimpleValue): string | null => (value === null || value === undefined ? null : String(value));

/** One element's state entry; `value` undefined means untouched (initial value or empty). */
export function elementState(element: Json, value?: SimpleValue): Json {
  const type = String(element.type);
  if (value && typeof value === 'object' && !Array.isArray(value) && typeof (value as Json).type === 'string') return value as Json;
  const touched = value !== undefined;
  switch (type) {
    case 'overflow': // only in block_actions payloads: an overflow menu holds no state
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return { type, selected_option: touched ? (value === null ? null : option(element, value)) : (element.initial_option ?? null) };
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type, selected_options: touched ? list(value).map((v) => option(element, v)) : (element.initial_options ?? []) };
    case 'users_select':
      return { type, selected_user: touched ? orNull(value) : (element.initial_user ?? null) };
    case 'multi_users_select':
      return { type, selected_users: touched ? list(value).map(String) : (element.initial_users ?? []) };
    case 'conversations_select':
      return { type, selected_conversation: touched ? orNull(value) : (element.initial_conversation ?? null) };
    case 'multi_conversations_select':
      return { type, selected_conversations: touched ? list(value).map(String) : (element.initial_conversations ?? []) };
    case 'channels_select':
      return { type, selected_channel: touched ? orNull(value) : (element.initial_channel ?? null) };
    case 'multi_channels_select':
      return { type, selected_channels: touched ? list(value).map(String) : (element.initial_channels ?? []) };
    case 'datepicker':
      return { type, selected_date: touched ? orNull(value) : (element.initial_date ?? null) };
    case 'timepicker':
      return { type, selected_time: touched ? orNull(value) : (element.initial_time ?? null), ...(element.timezone ? { timezone: element.timezone } : {}) };
    case 'datetimepicker':
      return { type, selected_date_time: touched ? (value === null ? null : Number(value)) : (element.initial_date_time ?? null) };
    case 'file_input':
      return { type, files: touched ? list(value) : [] };
    default:
      // plain_text_input, number_input, email_text_input, url_text_input and unknown types.
      return { type, value: touched ? orNull(value) : (element.initial_value ?? null) };
  }
}

/**
 * state.values for a view: every stateful element, the test's values where given.
 * Throws when a value names a block/action the view lacks: a typo should fail loudly.
 */
export function buildStateValues(view: { blocks: Json[] }, values: SimpleValues = {}, base: StateValues = {}): StateValues {
  const state: StateValues = {};
  for (const { block, element } of elementsOf(view.blocks)) {
    if (STATELESS.has(String(element.type))) continue;
    const blockId = String(block.block_id);
    const actionId = String(element.action_id);
    const given = values[blockId]?.[actionId];
    const entry = given !== undefined ? elementState(element, given) : (base[blockId]?.[actionId] ?? elementState(element));
    (state[blockId] ??= {})[actionId] = entry;
  }
  for (const [blockId, actions] of Object.entries(values)) {
    for (const actionId of Object.keys(actions)) {
      if (!state[blockId]?.[actionId]) {
        const known = elementsOf(view.blocks).map((f) => `${String(f.block.block_id)}/${String(f.element.action_id)}`);
        throw new Error(`slack-simulator: the view has no stateful element ${blockId}/${actionId} (it has: ${known.join(', ') || 'none'})`);
      }
    }
  }
  return state;
}
