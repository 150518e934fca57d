// Roughly the memory a query's result takes once read, for the evaluations' shared result budget
// (services/result-memory.ts). It is the heap's measure, not the wire's: V8 keeps a string as one
// or two bytes a character, so a character counts 2, and every value and row costs a header.
import type { QueryResult } from './types.js';

/** A value's or a row's own bytes before its contents: a heap object's header and a pointer. */
const OVERHEAD = 16;

/** Bytes `result` holds in memory, as an upper estimate. */
export function resultHeldBytes(result: QueryResult): number {
  let bytes = OVERHEAD;
  for (const column of result.columns) bytes += OVERHEAD + 2 * column.length;
  for (const row of result.rows) {
    bytes += OVERHEAD;
    for (const cell of row) bytes += OVERHEAD + (typeof cell === 'string' ? 2 * cell.length : 0);
  }
  return bytes;
}
