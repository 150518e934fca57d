// The byte caps on one query's result (maxCellBytes, maxResultBytes), checked on the values
// as rows arrive, as Lookout keeps them: text as UTF-8, numbers 8 bytes. The engines also
// count raw bytes on the wire (wire-meter.ts), which is what bounds memory; this check gives
// the sentence for one oversized value and covers SQLite, which has no wire.
import type { Cell } from '../domain/types.js';

export interface ByteCaps {
  /** Bytes one value may take. */
  cellBytes: number;
  /** Bytes the whole result may take. */
  resultBytes: number;
}

export const capsOf = (config: { maxCellBytes: number; maxResultBytes: number }): ByteCaps => ({
  cellBytes: config.maxCellBytes,
  resultBytes: config.maxResultBytes,
});

/** Our own stop while reading, classified through the rule tables like a driver code. */
export class TooLargeError extends Error {
  constructor(
    readonly code: 'CELL_TOO_LARGE' | 'RESULT_TOO_LARGE',
    message: string,
  ) {
    super(message);
  }
}

/** "16 MiB", "1.5 MiB", "64 KiB", "900 bytes". */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

export const resultTooLarge = (caps: ByteCaps) =>
  new TooLargeError('RESULT_TOO_LARGE', `the result is larger than ${formatBytes(caps.resultBytes)}`);

export const cellTooLarge = (caps: ByteCaps, column: string | undefined) =>
  new TooLargeError(
    'CELL_TOO_LARGE',
    `a value${column === undefined ? '' : ` in column "${column}"`} is larger than ${formatBytes(caps.cellBytes)}`,
  );

/** Bytes a cell takes: text as UTF-8, a number 8, a boolean 1, NULL 0. */
export function cellBytes(cell: Cell): number {
  if (typeof cell === 'string') return Buffer.byteLength(cell, 'utf8');
  if (typeof cell === 'number') return 8;
  return cell === null ? 0 : 1;
}

/**
 * Sums a result's values row by row. Never throws, since it runs inside driver callbacks
 * (a throw there can end the process): `add` answers false and `exceeded` says why.
 */
export class ResultBudget {
  private used = 0;
  exceeded: TooLargeError | undefined;

  constructor(private readonly caps: ByteCaps) {}

  add(row: readonly Cell[], columns: readonly string[]): boolean {
    if (this.exceeded) return false;
    for (let i = 0; i < row.length; i++) {
      const size = cellBytes(row[i] ?? null);
      if (size > this.caps.cellBytes) {
        this.exceeded = cellTooLarge(this.caps, columns[i]);
        return false;
      }
      this.used += size;
    }
    if (this.used > this.caps.resultBytes) this.exceeded = resultTooLarge(this.caps);
    return this.exceeded === undefined;
  }
}
