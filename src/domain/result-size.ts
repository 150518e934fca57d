// About the memory a query's result takes once read, for the evaluations' shared result budget
// (services/result-memory.ts). It is the heap's measure, not the caps' (which count text as UTF-8,
// a number as 8 bytes and NULL as nothing): V8 keeps a string in one or two bytes a character,
// counted here as two, and every value and row costs a pointer and a header. Checked against the
// heap on Node 20 (100,000 five-column rows built by push: numbers, NULLs, short, long, Korean and
// mixed text): 1.08 to 1.45 times what they took, so on the high side.
import type { QueryResult } from './types.js';

/** A row: its array object and its element store, as grown by push (a driver adding values one by one). */
const ROW_BYTES = 160;
/** A value: its pointer in the row, and the header of a string or a boxed number. */
const CELL_BYTES = 24;

/** Bytes `result` takes in memory, about and on the high side. */
export function resultHeldBytes(result: QueryResult): number {
  let bytes = ROW_BYTES;
  for (const column of result.columns) bytes += CELL_BYTES + 2 * column.length;
  for (const row of result.rows) {
    bytes += ROW_BYTES;
    for (const cell of row) bytes += CELL_BYTES + (typeof cell === 'string' ? 2 * cell.length : 0);
  }
  return bytes;
}
