// The Block Kit limits Slack enforces that Lookout's builders must respect (SLACK-NOTES.md),
// so an e2e test catches an over-long message here instead of in production.
// https://docs.slack.dev/reference/block-kit/blocks
import type { Json } from '../records.js';
import { SlackApiError } from './context.js';

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  blockId: 255,
  actionsElements: 25,
  imageAltText: 2000,
  /** Slack's overall cap on a message's block text is undocumented; ~13k per SLACK-NOTES. */
  messageBlocksText: 13_000,
  messageText: 40_000,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  viewTitle: 24,
};

function invalid(error: string, message: string, pointer: string): SlackApiError {
  return new SlackApiError(error, { response_metadata: { messages: [`[ERROR] ${message} [json-pointer:${pointer}]`] } });
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Json).text === 'string') return (value as Json).text as string;
  return undefined;
}

/** Sum of every `text` string in a block tree: the size Slack's overall limit is about. */
function totalText(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((sum, v) => sum + totalText(v), 0);
  if (!value || typeof value !== 'object') return 0;
  let sum = 0;
  for (const [key, v] of Object.entries(value as Json)) {
    sum += key === 'text' && typeof v === 'string' ? v.length : totalText(v);
  }
  return sum;
}

export function checkBlocks(blocks: unknown[], max: number, error = 'invalid_blocks', root = '/blocks'): void {
  if (blocks.length > max) throw invalid(error, `must be less than ${max + 1} items`, root);
  blocks.forEach((block, i) => {
    const at = `${root}/${i}`;
    if (!block || typeof block !== 'object' || typeof (block as Json).type !== 'string') {
      throw invalid(error, 'each block needs a type', at);
    }
    const b = block as Json;
    if (typeof b.block_id === 'string' && b.block_id.length > LIMITS.blockId) throw invalid(error, `block_id must be at most ${LIMITS.blockId} characters`, `${at}/block_id`);
    const text = textOf(b.text);
    if (b.type === 'section' && text !== undefined && text.length > LIMITS.sectionText) {
      throw invalid(error, `must be less than ${LIMITS.sectionText + 1} characters`, `${at}/text`);
    }
    if (b.type === 'header' && text !== undefined && text.length > LIMITS.headerText) {
      throw invalid(error, `must be less than ${LIMITS.headerText + 1} characters`, `${at}/text`);
    }
    if (Array.isArray(b.fields)) {
      if (b.fields.length > LIMITS.sectionFields) throw invalid(error, `must be less than ${LIMITS.sectionFields + 1} items`, `${at}/fields`);
      b.fields.forEach((f, j) => {
        if ((textOf(f)?.length ?? 0) > LIMITS.fieldText) throw invalid(error, `must be less than ${LIMITS.fieldText + 1} characters`, `${at}/fields/${j}`);
      });
    }
    if (b.type === 'actions' && Array.isArray(b.elements) && b.elements.length > LIMITS.actionsElements) {
      throw invalid(error, `must be less than ${LIMITS.actionsElements + 1} items`, `${at}/elements`);
    }
    if (b.type === 'image' && typeof b.alt_text === 'string' && b.alt_text.length > LIMITS.imageAltText) {
      throw invalid(error, `must be less than ${LIMITS.imageAltText + 1} characters`, `${at}/alt_text`);
    }
  });
}

/** chat.postMessage / chat.update / postEphemeral content checks. */
export function checkMessage(args: Json): void {
  const text = typeof args.text === 'string' ? args.text : undefined;
  const blocks = args.blocks;
  if (blocks !== undefined && !Array.isArray(blocks)) throw invalid('invalid_blocks_format', 'blocks must be a JSON array', '/blocks');
  const attachments = args.attachments;
  if (!text && !(Array.isArray(blocks) && blocks.length) && !(Array.isArray(attachments) && attachments.length)) {
    throw new SlackApiError('no_text');
  }
  if (text !== undefined && text.length > LIMITS.messageText) throw new SlackApiError('msg_too_long');
  if (Array.isArray(blocks)) {
    checkBlocks(blocks, LIMITS.messageBlocks);
    if (totalText(blocks) > LIMITS.messageBlocksText) throw new SlackApiError('msg_blocks_too_long');
  }
}

/** views.open / push / update / publish payload checks. */
export function checkView(view: Json, expectedType: 'modal' | 'home'): void {
  if (view.type !== expectedType) {
    throw invalid('invalid_arguments', `view.type must be ${expectedType}`, '/view/type');
  }
  if (!Array.isArray(view.blocks)) throw invalid('invalid_arguments', 'view.blocks must be an array', '/view/blocks');
  checkBlocks(view.blocks, LIMITS.viewBlocks, 'invalid_arguments', '/view/blocks');
  const limited: Array<[string, number]> = [
    ['private_metadata', LIMITS.privateMetadata],
    ['callback_id', LIMITS.callbackId],
    ['external_id', LIMITS.externalId],
  ];
  for (const [key, max] of limited) {
    const value = view[key];
    if (typeof value === 'string' && value.length > max) throw invalid('invalid_arguments', `must be at most ${max} characters`, `/view/${key}`);
  }
  if (expectedType === 'modal') {
    for (const key of ['title', 'submit', 'close']) {
      const text = textOf(view[key]);
      if (key === 'title' && text === undefined) throw invalid('invalid_arguments', 'a modal needs a title', '/view/title');
      if (text !== undefined && text.length > LIMITS.viewTitle) throw invalid('invalid_arguments', `must be at most ${LIMITS.viewTitle} characters`, `/view/${key}`);
    }
    const hasInput = view.blocks.some((b) => (b as Json).type === 'input');
    if (hasInput && view.submit === undefined) throw invalid('invalid_arguments', 'a modal with input blocks needs submit', '/view/submit');
  }
}
