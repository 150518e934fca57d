// A query result as a small monospace table in a code block: messages and the modal's test
// result show the first rows this way. Sized to fit one section text, whatever the data.
import type { Cell } from '../../domain/types.js';
import { SLACK_LIMITS, truncate, truncateMrkdwn } from './limits.js';
import { codeBlock } from './mrkdwn.js';

export interface TableOptions {
  maxRows?: number;
  maxColumns?: number;
  maxCellChars?: number;
  /** Characters of mrkdwn the table may take, fences and escapes included. */
  maxChars?: number;
}

export interface RenderedTable {
  mrkdwn: string;
  shownRows: number;
  shownColumns: number;
}

/** The table, or null when there is nothing to show (no columns or no rows): callers then omit the block. */
export function resultTable(columns: readonly string[], rows: readonly (readonly Cell[])[], options: TableOptions = {}): RenderedTable | null {
  const maxRows = options.maxRows ?? 10;
  const maxColumns = options.maxColumns ?? 8;
  const maxCell = options.maxCellChars ?? 30;
  const maxChars = options.maxChars ?? SLACK_LIMITS.sectionText;
  if (columns.length === 0 || rows.length === 0) return null;

  const shownColumns = Math.min(columns.length, maxColumns);
  const moreColumns = columns.length > shownColumns;
  const header = columns.slice(0, shownColumns).map((c) => truncate(oneLine(c), maxCell));
  if (moreColumns) header.push('…');
  const body = rows.slice(0, maxRows).map((row) => {
    const cells = columns.slice(0, shownColumns).map((_, i) => truncate(cellText(row[i] ?? null), maxCell));
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

/** "first 10 of 250 rows", "1 row", "first 10 of more than 1000 rows". */
export function rowsSummary(shown: number, total: number, truncated: boolean): string {
  const totalText = truncated ? `more than ${total}` : String(total);
  const noun = total === 1 && !truncated ? 'row' : 'rows';
  return shown < total || truncated ? `first ${shown} of ${totalText} ${noun}` : `${totalText} ${noun}`;
}

function layout(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function cellText(cell: Cell): string {
  if (cell === null) return 'NULL';
  return oneLine(String(cell));
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ');
}
