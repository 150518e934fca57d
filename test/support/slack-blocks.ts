// Looking into Block Kit in tests: every id and text of a message or view, and what Slack would
// send back as view.state.values for a view we built (input elements at their initial values).
import type { AnyBlock, InputBlockElement, KnownBlock, View } from '@slack/types';
import type { ViewStateValues } from '../../src/slack/blocks/read-modal-values.js';

type StateValue = ViewStateValues[string][string];

/** view.state.values as Slack sends it when nobody changed the inputs. */
export function viewStateFor(view: View): ViewStateValues {
  const state: ViewStateValues = {};
  for (const block of view.blocks as KnownBlock[]) {
    if (block.type !== 'input' || block.block_id === undefined) continue;
    const element = block.element;
    const actionId = 'action_id' in element && element.action_id !== undefined ? element.action_id : 'value';
    state[block.block_id] = { [actionId]: stateOf(element) };
  }
  return state;
}

function stateOf(element: InputBlockElement): StateValue {
  switch (element.type) {
    case 'plain_text_input':
      return { type: element.type, value: element.initial_value ?? null };
    case 'static_select':
    case 'radio_buttons':
      return { type: element.type, selected_option: element.initial_option ? { text: element.initial_option.text as never, value: element.initial_option.value ?? '' } : null };
    case 'checkboxes':
      return { type: element.type, selected_options: (element.initial_options ?? []).map((o) => ({ text: o.text as never, value: o.value ?? '' })) };
    case 'multi_users_select':
      return { type: element.type, selected_users: element.initial_users ?? [] };
    case 'multi_conversations_select':
      return { type: element.type, selected_conversations: element.initial_conversations ?? [] };
    case 'timepicker':
      return { type: element.type, selected_time: element.initial_time ?? null };
    default:
      throw new Error(`viewStateFor: no state for ${element.type}`);
  }
}

/** Every block_id, action_id and text in blocks, for checks over a whole view or message. */
export function walk(blocks: readonly AnyBlock[]): { blockIds: string[]; actionIds: string[]; json: string } {
  const blockIds: string[] = [];
  const actionIds: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.block_id === 'string') blockIds.push(record.block_id);
    if (typeof record.action_id === 'string') actionIds.push(record.action_id);
    Object.values(record).forEach(visit);
  };
  visit(blocks);
  return { blockIds, actionIds, json: JSON.stringify(blocks) };
}

/** Every mrkdwn/plain text object's text, for limit checks. */
export function texts(blocks: readonly AnyBlock[]): { type: string; text: string; where: string }[] {
  const out: { type: string; text: string; where: string }[] = [];
  const visit = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, where));
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    const here = typeof record.type === 'string' && record.type !== 'mrkdwn' && record.type !== 'plain_text' ? record.type : where;
    if ((record.type === 'mrkdwn' || record.type === 'plain_text') && typeof record.text === 'string') {
      out.push({ type: record.type, text: record.text, where });
    }
    for (const [key, value] of Object.entries(record)) visit(value, key === 'fields' ? 'field' : here);
  };
  visit(blocks, 'root');
  return out;
}
