// Slack's Block Kit limits, named once (SLACK-NOTES.md, "Modals and messages"), and the helpers
// every builder uses to stay inside them. Slack refuses a whole message or view that breaks any
// one of these, so builders cut and summarise instead of hoping.
import type { ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { NativeChart } from '../native-chart.js';

export const SLACK_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  sectionFields: 10,
  /** header blocks take plain_text only. */
  headerText: 150,
  modalTitle: 24,
  /** submit and close button texts of a modal. */
  modalButton: 24,
  blockId: 255,
  actionId: 255,
  actionsElements: 25,
  contextElements: 10,
  privateMetadata: 3000,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  optionValue: 150,
  /** static_select options in all (Lookout's choice to keep one list, groups included). */
  selectOptions: 100,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  /** plain_text_input max_length can be at most this. */
  plainTextInput: 3000,
  /**
   * Slack answers `msg_blocks_too_long` at about 13k characters of blocks in all, even when
   * each block is within its own limit; this leaves a margin (measured as JSON, which overcounts).
   */
  messageBlocksChars: 12_000,
  /** The notification text; Slack truncates past 40k, and people read far less. */
  messageText: 3000,
  /** table block (one per message): rows with the header, cells per row, column_settings. */
  tableRows: 100,
  tableColumns: 20,
  /** Characters of a table cell Lookout shows; the CSV has the rest. */
  tableCellChars: 200,
} as const;

/** Block Kit blocks, and Slack's chart block that @slack/types does not know yet. */
export type SlackBlock = KnownBlock | NativeChart;

/** A message for chat.postMessage / chat.update / respond. */
export interface SlackMessage {
  /** The notification and accessibility fallback: plain words, mrkdwn-escaped. */
  text: string;
  blocks: SlackBlock[];
}

const ELLIPSIS = '…';

/** `text` cut to at most `max` characters, ending with "…" when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let cut = max - ELLIPSIS.length;
  // Never split a surrogate pair (an emoji or a rare CJK character).
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return text.slice(0, Math.max(cut, 0)) + ELLIPSIS;
}

/**
 * Like truncate(), for mrkdwn: backs off so the cut never leaves half an entity (`&am…`), an
 * unclosed `<link|…`, or an unclosed code fence.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = truncate(text, max).slice(0, -ELLIPSIS.length);
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  const open = cut.lastIndexOf('<');
  if (open >= 0 && !cut.slice(open).includes('>')) cut = cut.slice(0, open);
  const fences = cut.split('```').length - 1;
  // An odd number of fences means a code block is open: close it (room is kept for it).
  if (fences % 2 === 1) {
    const room = max - 5;
    const body = cut.length > room ? truncate(cut, room).slice(0, -ELLIPSIS.length) : cut;
    return `${body}…\n\`\`\``;
  }
  return cut + ELLIPSIS;
}

/** Characters the blocks take as Slack receives them (JSON; overcounts escapes, which is safe). */
export function blocksSize(blocks: readonly unknown[]): number {
  return JSON.stringify(blocks).length;
}

/** A section's text, a field's text and a header cut to their limits (a safety net for builders). */
export function clampBlock(block: SlackBlock): SlackBlock {
  switch (block.type) {
    case 'section': {
      const out: SectionBlock = { ...block };
      if (out.text) out.text = { ...out.text, text: clampText(out.text.type, out.text.text, SLACK_LIMITS.sectionText) };
      if (out.fields) {
        out.fields = out.fields
          .slice(0, SLACK_LIMITS.sectionFields)
          .map((f) => ({ ...f, text: clampText(f.type, f.text, SLACK_LIMITS.fieldText) }));
      }
      return out;
    }
    case 'header':
      return { ...block, text: { ...block.text, text: truncate(block.text.text, SLACK_LIMITS.headerText) } };
    case 'context':
      return {
        ...block,
        elements: block.elements.slice(0, SLACK_LIMITS.contextElements).map((e) =>
          e.type === 'mrkdwn' || e.type === 'plain_text' ? { ...e, text: clampText(e.type, e.text, SLACK_LIMITS.sectionText) } : e,
        ),
      };
    default:
      return block;
  }
}

function clampText(type: 'mrkdwn' | 'plain_text', text: string, max: number): string {
  return type === 'mrkdwn' ? truncateMrkdwn(text, max) : truncate(text, max);
}

export function contextNote(text: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncateMrkdwn(text, SLACK_LIMITS.sectionText) }] };
}

/** Blocks no trimming removes: the title and the buttons people act on. */
function isKept(block: SlackBlock): boolean {
  // The title, the buttons people act on, and Slack's own chart and table (what the message is for).
  return block.type === 'header' || block.type === 'actions' || block.type === 'data_visualization' || block.type === 'table';
}

/** Shortest a section's text is cut to before whole blocks are dropped. */
const MIN_SECTION_TEXT = 200;

/**
 * Blocks that Slack will take as one message: each block within its limits, at most
 * `maxBlocks` blocks and `maxChars` characters in all. Long section texts are cut first (the
 * longest first); then blocks after the header are dropped from the end, actions kept, with a
 * note saying how many were left out.
 */
export function fitMessageBlocks(
  blocks: readonly SlackBlock[],
  limits: { maxBlocks?: number; maxChars?: number } = {},
): SlackBlock[] {
  const maxBlocks = limits.maxBlocks ?? SLACK_LIMITS.messageBlocks;
  const maxChars = limits.maxChars ?? SLACK_LIMITS.messageBlocksChars;
  const out = blocks.map(clampBlock);
  let dropped = 0;
  const note = (): ContextBlock => contextNote(`_${dropped} more ${dropped === 1 ? 'part' : 'parts'} not shown (Slack's message size limit)._`);
  const withNote = (): SlackBlock[] => {
    if (dropped === 0) return out;
    const firstAction = trailingActionsStart(out);
    return [...out.slice(0, firstAction), note(), ...out.slice(firstAction)];
  };
  const dropOne = (): boolean => {
    for (let i = trailingActionsStart(out) - 1; i >= 0; i--) {
      const block = out[i];
      if (block !== undefined && !isKept(block)) {
        out.splice(i, 1);
        dropped += 1;
        return true;
      }
    }
    return false;
  };

  while (out.length + (dropped > 0 ? 1 : 0) > maxBlocks && dropOne());
  while (blocksSize(withNote()) > maxChars) {
    const over = blocksSize(withNote()) - maxChars;
    const longest = longestSection(out);
    if (longest !== null && longest.length > MIN_SECTION_TEXT) {
      const block = out[longest.index] as SectionBlock & { text: NonNullable<SectionBlock['text']> };
      const target = Math.max(MIN_SECTION_TEXT, longest.length - over - 20);
      out[longest.index] = { ...block, text: { ...block.text, text: clampText(block.text.type, block.text.text, target) } };
      continue;
    }
    if (!dropOne()) break; // only the header and buttons are left; they are small
  }
  return withNote();
}

/** Index of the first block of the run of actions blocks that ends the list. */
function trailingActionsStart(blocks: readonly SlackBlock[]): number {
  let i = blocks.length;
  while (i > 0 && blocks[i - 1]?.type === 'actions') i--;
  return i;
}

function longestSection(blocks: readonly SlackBlock[]): { index: number; length: number } | null {
  let best: { index: number; length: number } | null = null;
  blocks.forEach((block, index) => {
    if (block.type !== 'section' || !block.text) return;
    const length = block.text.text.length;
    if (best === null || length > best.length) best = { index, length };
  });
  return best;
}
