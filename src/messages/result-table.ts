// The first rows of a result as text cells, for any renderer: Slack's table block or text table,
// email's HTML table. Each renderer shows as many rows and columns as fit where it draws them.
import type { Cell, QueryResult } from '../domain/types.js';

/** Rows kept for any renderer: Slack's table block shows at most 99 under its header. */
export const TABLE_ROWS_KEPT = 100;

export interface ResultTable {
  columns: string[];
  /** The first TABLE_ROWS_KEPT rows, each cell as people see it ("NULL" for null). */
  rows: string[][];
  /** Per column: every non-null value is a number (right-aligned). */
  numeric: boolean[];
  /** Rows the result had (the data source may have stopped at its row cap: `truncated`). */
  total: number;
  truncated: boolean;
}

/** The table of a result, or null when there is nothing to show (no columns or no rows). */
export function resultTable(result: QueryResult): ResultTable | null {
  if (result.columns.length === 0 || result.rows.length === 0) return null;
  const kept = result.rows.slice(0, TABLE_ROWS_KEPT);
  return {
    columns: result.columns.map(oneLine),
    rows: kept.map((row) => result.columns.map((_, i) => cellText(row[i] ?? null))),
    numeric: result.columns.map((_, i) => kept.some((r) => typeof r[i] === 'number') && kept.every((r) => (r[i] ?? null) === null || typeof r[i] === 'number')),
    total: result.rows.length,
    truncated: result.truncated,
  };
}

export function cellText(cell: Cell): string {
  return cell === null ? 'NULL' : oneLine(String(cell));
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ');
}
