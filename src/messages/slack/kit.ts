// Small constructors for Block Kit objects, each applying its own Slack limit, so builders
// read as layout and no literal can silently pass a limit.
import type {
  ActionsBlock,
  ActionsBlockElement,
  Button,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  InputBlock,
  InputBlockElement,
  MrkdwnElement,
  PlainTextElement,
  PlainTextOption,
  SectionBlock,
  StaticSelect,
} from '@slack/types';
import { SLACK_LIMITS, truncate, truncateMrkdwn } from './limits.js';

export function plain(text: string, max: number = SLACK_LIMITS.sectionText): PlainTextElement {
  // Slack refuses an empty plain_text; a space is the smallest legal text.
  return { type: 'plain_text', text: truncate(text, max) || ' ', emoji: true };
}

export function mrkdwn(text: string, max: number = SLACK_LIMITS.sectionText): MrkdwnElement {
  return { type: 'mrkdwn', text: truncateMrkdwn(text, max) || ' ' };
}

export function header(text: string): HeaderBlock {
  return { type: 'header', text: plain(text, SLACK_LIMITS.headerText) };
}

export function section(text: string, blockId?: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text), ...(blockId ? { block_id: blockId } : {}) };
}

/** A section of up to 10 short label/value fields. */
export function fields(items: readonly string[]): SectionBlock {
  return {
    type: 'section',
    fields: items.slice(0, SLACK_LIMITS.sectionFields).map((t) => mrkdwn(t, SLACK_LIMITS.fieldText)),
  };
}

export function context(texts: readonly string[], blockId?: string): ContextBlock {
  return {
    type: 'context',
    elements: texts.slice(0, SLACK_LIMITS.contextElements).map((t) => mrkdwn(t)),
    ...(blockId ? { block_id: blockId } : {}),
  };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return {
    type: 'button',
    text: plain(text, SLACK_LIMITS.buttonText),
    action_id: actionId,
    value: truncate(value, SLACK_LIMITS.buttonValue),
    ...(style ? { style } : {}),
  };
}

export function actions(blockId: string, elements: ActionsBlockElement[]): ActionsBlock {
  return { type: 'actions', block_id: truncate(blockId, SLACK_LIMITS.blockId), elements: elements.slice(0, SLACK_LIMITS.actionsElements) };
}

export function option(text: string, value: string): PlainTextOption {
  return { text: plain(text, SLACK_LIMITS.optionText), value: value.slice(0, SLACK_LIMITS.optionValue) };
}

export function input(
  blockId: string,
  label: string,
  element: InputBlockElement,
  extra: { optional?: boolean; hint?: string; dispatch?: boolean } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, SLACK_LIMITS.inputLabel),
    element,
    optional: extra.optional ?? false,
    ...(extra.hint ? { hint: plain(extra.hint, SLACK_LIMITS.inputHint) } : {}),
    ...(extra.dispatch ? { dispatch_action: true } : {}),
  };
}

/** A static select whose initial option is the listed one with `selected` as its value (Slack wants the same object). */
export function staticSelect(actionId: string, options: PlainTextOption[], selected: string | undefined, placeholder: string): StaticSelect {
  const initial = options.find((o) => o.value === selected);
  return {
    type: 'static_select',
    action_id: actionId,
    placeholder: plain(placeholder, SLACK_LIMITS.placeholder),
    options: options.slice(0, SLACK_LIMITS.selectOptions),
    ...(initial ? { initial_option: initial } : {}),
  };
}

/** Slack refuses an initial_value longer than the input's max_length, and an empty one is noise. */
export function initialText(text: string, max: number): { initial_value?: string } {
  return text === '' ? {} : { initial_value: text.slice(0, max) };
}
