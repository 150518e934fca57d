// A query result as an RFC 4180 CSV in UTF-8: header row, CRLF between records, fields quoted
// only when they need it. The optional byte order mark is what makes Excel read Korean text
// as UTF-8 instead of the local code page. Text that a spreadsheet would run as a formula is
// defused unless the alert keeps formulas.
import { stringify } from 'csv-stringify/sync';
import type { Cell, QueryResult } from '../domain/types.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface Csv {
  bytes: Buffer;
  /** Data rows written (the header not counted). */
  rows: number;
  /** True when the result had more than `maxRows` rows and the rest were left out. */
  cut: boolean;
}

export function toCsv(result: QueryResult, options: { bom: boolean; maxRows: number; keepFormulas?: boolean }): Csv {
  const maxRows = Math.max(0, Math.floor(options.maxRows));
  const cut = result.rows.length > maxRows;
  const rows = cut ? result.rows.slice(0, maxRows) : result.rows;
  // Only text is defused: a number such as -5 is data a spreadsheet reads as a number.
  const shown = (value: string) => (options.keepFormulas === true ? value : defuse(value));
  const records = [result.columns.map(shown), ...rows.map((row) => row.map((cell) => (typeof cell === 'string' ? shown(cell) : field(cell))))];
  const text = stringify(records, {
    record_delimiter: 'windows',
    // csv-stringify only quotes a field holding the whole record delimiter, so a bare LF or CR
    // inside a cell would otherwise split the record in spreadsheet programs.
    quoted_match: /[\r\n]/,
  });
  const body = Buffer.from(text, 'utf8');
  return { bytes: options.bom ? Buffer.concat([BOM, body]) : body, rows: rows.length, cut };
}

// A spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(…), +cmd|…, @SUM),
// and tab or CR can hide one of them after leading whitespace (OWASP "CSV Injection").
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell a spreadsheet will show rather than run: a leading ' when it could start a formula. */
export function defuse(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

// Cast here rather than in csv-stringify, whose default writes booleans as "1" and "".
function field(cell: Exclude<Cell, string>): string {
  if (cell === null) return '';
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  return String(cell);
}
