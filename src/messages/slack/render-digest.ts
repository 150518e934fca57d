// A storm digest (messages/digest.ts) as Block Kit, holding as many alerts as one message can:
// a header, the note, then per alert a section (its line) and an actions block (its buttons,
// block_id `alert_actions:<id>`, so the existing button handlers find the alert). Nothing is
// cut or dropped here: the entries that do not fit are left for the next digest.
import type { KnownBlock } from '@slack/types';
import { digestDoc, type DigestEntry } from '../digest.js';
import type { Part } from '../document.js';
import { alertActions } from './alert-actions.js';
import { context, header, section } from './kit.js';
import { blocksSize, SLACK_LIMITS, truncate, type SlackMessage } from './limits.js';
import { escapeMrkdwn } from './mrkdwn.js';
import { inlines } from './render-slack.js';

/**
 * Alerts one digest lists at most, whatever fits: it keeps the message metadata (which names
 * each execution, for the look-up after an ambiguous failure) well inside Slack's limits.
 */
export const DIGEST_MAX_ENTRIES = 20;

export interface RenderedDigest {
  message: SlackMessage;
  /** How many of the entries, from the first, the message lists (at least one). */
  count: number;
}

/** The first entries that fit one message, drawn; `entries` must not be empty. */
export function renderDigest(entries: readonly DigestEntry[], now?: Date): RenderedDigest {
  if (entries.length === 0) throw new Error('a digest needs at least one alert');
  // Measure with the heading for all of them: a smaller count never has a longer heading.
  const frame = draw(digestDoc(entries).parts.slice(0, 2), now);
  let used = blocksSize(frame);
  let blocks = frame.length;
  let count = 0;
  for (const entry of entries.slice(0, DIGEST_MAX_ENTRIES)) {
    const drawn = draw(digestDoc([entry]).parts.slice(2), now);
    // Each block adds its JSON and a comma.
    const size = drawn.reduce((n, b) => n + blocksSize([b]) - 1, 0);
    if (count > 0 && (blocks + drawn.length > SLACK_LIMITS.messageBlocks || used + size > SLACK_LIMITS.messageBlocksChars)) break;
    used += size;
    blocks += drawn.length;
    count += 1;
  }
  const doc = digestDoc(entries.slice(0, count));
  return { message: { text: truncate(escapeMrkdwn(doc.summary), SLACK_LIMITS.messageText), blocks: draw(doc.parts, now) }, count };
}

function draw(parts: readonly Part[], now: Date | undefined): KnownBlock[] {
  return parts.flatMap((part): KnownBlock[] => {
    switch (part.kind) {
      case 'heading':
        return [header(part.text)];
      case 'note':
        return [context([inlines(part.inlines)])];
      case 'paragraph':
        return [section(inlines(part.inlines))];
      case 'actions':
        return [alertActions(part.alert, part.buttons, now)];
      default:
        return []; // a digest has no other parts
    }
  });
}
