// packLines shows as many short lines as fit one message; PACK_MAX_LINES is a bound on that
// number, so a caller may read only that many items and pass how many there are in all.
import { describe, expect, it } from '@jest/globals';
import { PACK_MAX_LINES, packLines } from '../../../../src/messages/slack/pack-lines.js';
import { walk } from '../../../support/slack-blocks.js';

/** The lines packLines put in its sections. */
function shownLines(blocks: ReturnType<typeof packLines>): string[] {
  return blocks.flatMap((b) => (b.type === 'section' && b.text ? b.text.text.split('\n') : []));
}

describe('packLines', () => {
  it('never shows PACK_MAX_LINES lines, even of one character each', () => {
    const lines = Array.from({ length: 5_000 }, () => '•');
    const shown = shownLines(packLines(lines, 'more'));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(PACK_MAX_LINES);
  });

  it('given the first lines and the total, packs and counts as it would from all of them', () => {
    for (const width of [1, 40, 900]) {
      const lines = Array.from({ length: 3_000 }, (_, i) => `${i}:${'x'.repeat(width)}`);
      expect(packLines(lines.slice(0, PACK_MAX_LINES), 'more', lines.length)).toEqual(packLines(lines, 'more'));
    }
  });

  it('adds no "more" line when every line is shown, and never counts fewer than it was given', () => {
    expect(walk(packLines(['a', 'b'], 'more', 2)).json).not.toContain('…and');
    expect(walk(packLines(['a', 'b'], 'more', 1)).json).not.toContain('…and');
    expect(walk(packLines(['a', 'b'], 'more', 7)).json).toContain('…and 5 more');
  });
});
