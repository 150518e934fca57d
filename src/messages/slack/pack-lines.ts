// Many short lines (runs, alerts) into as few sections as fit, cut with "…and N <more>" before a
// message's limits: shared by history and `/alert list`.
import type { KnownBlock } from '@slack/types';
import { context, section } from './kit.js';
import { blocksSize, SLACK_LIMITS, truncate } from './limits.js';
import { escapeMrkdwn } from './mrkdwn.js';

/** Room kept for the header, notes and the "and N more" line. */
const PACK_MARGIN = 1500;
const PACK_MAX_BLOCKS = SLACK_LIMITS.messageBlocks - 5;

/**
 * More lines than one message ever shows: each line shown costs at least the size of a section
 * of one character, within the message's characters less the margin. A caller with many items
 * reads this many and passes their total, instead of reading them all.
 */
export const PACK_MAX_LINES = Math.floor((SLACK_LIMITS.messageBlocksChars - PACK_MARGIN) / blocksSize([section('•')])) + 1;

/**
 * Lines into sections of up to 3000 characters, stopping with "…and N <more>" before the message
 * limits; `total` is how many lines there are in all when `lines` holds only the first of them.
 */
export function packLines(lines: readonly string[], more: string, total = lines.length): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let current: string[] = [];
  let used = 0;
  let shown = 0;
  const flush = () => {
    if (current.length > 0) blocks.push(section(current.join('\n')));
    current = [];
  };
  for (const raw of lines) {
    const line = truncate(raw, 1000);
    if (current.join('\n').length + line.length + 1 > SLACK_LIMITS.sectionText) flush();
    const projected = used + blocksSize([section(line)]);
    if (projected > SLACK_LIMITS.messageBlocksChars - PACK_MARGIN || blocks.length >= PACK_MAX_BLOCKS) break;
    current.push(line);
    used = projected;
    shown += 1;
  }
  flush();
  const all = Math.max(total, lines.length);
  if (shown < all) blocks.push(context([`…and ${all - shown} ${escapeMrkdwn(more)}.`]));
  return blocks;
}

