// What a new-rows alert says (issue 3/6): in Slack one message a new row, its fields as
// "column: value" lines, and one more counting the rows left out; by email one message with the
// rows as a table. The fields are data: escaped by the renderers like any value.
import type { Cell } from '../domain/types.js';
import type { MessageDoc, Part } from './document.js';
import type { NewRowsMessage } from './outgoing.js';
import { resultTable } from './result-table.js';
import { provenance } from './sentences.js';
import { formatInZone } from './time.js';

/** Characters of one field a message shows; the CSV or the source has the rest. */
const FIELD_CHARS = 300;
/** Fields of one row a message lists. */
const FIELDS_SHOWN = 20;

export function newRowsDoc(msg: NewRowsMessage): MessageDoc {
  const { alert } = msg;
  const when = provenance(alert.dataSource, formatInZone(msg.evaluatedAt, alert.schedule.timezone));
  const [only] = msg.rows;
  if (msg.rows.length === 1 && only !== undefined) {
    return {
      summary: `🆕 ${alert.name}: ${headline(msg.columns, only)}`,
      parts: [
        { kind: 'heading', text: `🆕 ${alert.name}`, tone: 'new' },
        { kind: 'list', items: fields(msg.columns, only), more: 'more fields' },
        { kind: 'note', inlines: when },
      ],
    };
  }
  const moreLine = msg.more > 0 ? `and ${msg.more} more new ${msg.more === 1 ? 'row' : 'rows'} not shown (at most ${msg.rows.length || 'the first few'} a check)` : null;
  if (msg.rows.length === 0) {
    return {
      summary: `🆕 ${alert.name}: ${moreLine ?? 'no new rows'}`,
      parts: [
        { kind: 'paragraph', inlines: ['🆕 ', { bold: alert.name }, `: ${moreLine ?? 'no new rows'}. `, `${msg.total} new in all this check.`] },
        { kind: 'note', inlines: when },
      ],
    };
  }
  const table = resultTable({ columns: msg.columns, rows: msg.rows, truncated: false });
  const parts: Part[] = [{ kind: 'heading', text: `🆕 ${msg.total} new ${msg.total === 1 ? 'row' : 'rows'} in ${alert.name}`, tone: 'new' }];
  if (table !== null) parts.push({ kind: 'table', table });
  if (moreLine !== null) parts.push({ kind: 'paragraph', inlines: [capital(moreLine) + '.'] });
  parts.push({ kind: 'note', inlines: when });
  return { summary: `🆕 ${msg.total} new ${msg.total === 1 ? 'row' : 'rows'} in ${alert.name}`, parts };
}

function fields(columns: readonly string[], row: readonly Cell[]) {
  return columns.slice(0, FIELDS_SHOWN).map((column, i) => [{ bold: `${column}:` }, ` ${cut(text(row[i] ?? null))}`]);
}

/** The row in one line for the notification: its first fields. */
function headline(columns: readonly string[], row: readonly Cell[]): string {
  return cut(columns.slice(0, 3).map((c, i) => `${c} ${text(row[i] ?? null)}`).join(', '), 120);
}

function text(cell: Cell): string {
  return cell === null ? 'NULL' : String(cell);
}

function cut(value: string, max = FIELD_CHARS): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
