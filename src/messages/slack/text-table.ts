// The first rows as a small monospace table in a code block: where Slack's table block cannot go
// (modals, Home, a workspace that refused it). Sized to fit one section text, whatever the data.
import type { ResultTable } from '../result-table.js';
import { SLACK_LIMITS, truncate, truncateMrkdwn } from './limits.js';
import { codeBlock } from './mrkdwn.js';

export interface TextTableOptions {
  maxRows?: number;
  maxColumns?: number;
  maxCellChars?: number;
  /** Characters of mrkdwn the table may take, fences and escapes included. */
  maxChars?: number;
}

export interface RenderedTextTable {
  mrkdwn: string;
  shownRows: number;
  shownColumns: number;
}

/** The table, or null when there is nothing to show: callers then omit the block. */
export function textTable(table: ResultTable, options: TextTableOptions = {}): RenderedTextTable | null {
  const maxRows = options.maxRows ?? 10;
  const maxColumns = options.maxColumns ?? 8;
  const maxCell = options.maxCellChars ?? 30;
  const maxChars = options.maxChars ?? SLACK_LIMITS.sectionText;
  if (table.columns.length === 0 || table.rows.length === 0) return null;

  const shownColumns = Math.min(table.columns.length, maxColumns);
  const moreColumns = table.columns.length > shownColumns;
  const header = table.columns.slice(0, shownColumns).map((c) => truncate(c, maxCell));
  if (moreColumns) header.push('…');
  const body = table.rows.slice(0, maxRows).map((row) => {
    const cells = row.slice(0, shownColumns).map((c) => truncate(c, maxCell));
    if (moreColumns) cells.push('…');
    return cells;
  });

  // Fewer rows until it fits; a single row that still does not fit is cut (fence kept closed).
  for (let shown = body.length; shown >= 1; shown--) {
    const text = codeBlock(layout(header, body.slice(0, shown)));
    if (text.length <= maxChars || shown === 1) {
      return { mrkdwn: truncateMrkdwn(text, maxChars), shownRows: shown, shownColumns };
    }
  }
  return null;
}

function layout(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  return [line(header), rule, ...rows.map(line)].join('\n');
}
