// The first rows as a monospace table in a code block (modals, Home, a refused table block).
import { describe, expect, it } from '@jest/globals';
import type { Cell } from '../../../../src/domain/types.js';
import { resultTable as tableOf } from '../../../../src/messages/result-table.js';
import { textTable } from '../../../../src/messages/slack/text-table.js';

const resultTable = (columns: string[], rows: Cell[][], options?: { maxChars?: number }) => {
  const table = tableOf({ columns, rows, truncated: false });
  return table === null ? null : textTable(table, options);
};

describe('textTable', () => {
  it('is null when there is nothing to show', () => {
    expect(resultTable([], [])).toBeNull();
    expect(resultTable(['a'], [])).toBeNull();
  });

  it('aligns columns, shows NULL and escapes', () => {
    const table = resultTable(['id', 'name'], [[1, '<b>'], [22, null]]);
    expect(table?.mrkdwn).toBe('```\nid | name\n---+-----\n1  | &lt;b&gt;\n22 | NULL\n```');
  });

  it('fits any data into its budget', () => {
    const columns = Array.from({ length: 30 }, (_, i) => `column_${i}_${'x'.repeat(50)}`);
    const rows = Array.from({ length: 500 }, () => columns.map(() => '&'.repeat(500)));
    const table = resultTable(columns, rows, { maxChars: 3000 });
    expect(table).not.toBeNull();
    expect(table!.mrkdwn.length).toBeLessThanOrEqual(3000);
    expect(table!.shownRows).toBeLessThanOrEqual(10);
    expect(table!.mrkdwn.endsWith('```')).toBe(true);
  });
});

