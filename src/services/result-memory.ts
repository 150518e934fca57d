// The result bytes the evaluations of one process may hold at once (EVAL_RESULT_MEMORY_MB).
// An evaluation's slot (scheduler/evaluation-pool.ts) bounds how many run; this bounds what their
// rows take, which a slot count alone bounds only at its worst: each slot a full result. Before
// its query an evaluation reserves the source's maxResultBytes, the most the query may read; once
// the rows are in, the reservation shrinks to what they take (domain/result-size.ts), usually a
// few hundred bytes; it is given back with the slot. So the slots can be many (most of a slot's
// time is spent waiting for the store and Slack) while the worst case stays the budget
// (DESIGN.md, "Evaluation slots and result memory").
import { Semaphore } from 'async-mutex';

export interface ResultMemory {
  /** An evaluation's hold on the budget: nothing reserved until `reserve`. */
  hold(): ResultHold;
  /** Bytes reserved now, for metrics. */
  readonly reservedBytes: number;
  /** Evaluations waiting for their reservation now. */
  readonly waiting: number;
  /** The budget in bytes. */
  readonly budgetBytes: number;
}

export interface ResultHold {
  /**
   * Waits until `bytes` are free (at most the whole budget, so one query can always run) and
   * reserves them; rejects with the signal's reason if it aborts first. Replaces what was held.
   */
  reserve(bytes: number, signal: AbortSignal): Promise<void>;
  /** Keeps `bytes` of the reservation and gives back the rest (never grows it). */
  shrinkTo(bytes: number): void;
  /** Gives back everything held; safe to call more than once. */
  free(): void;
}

export function createResultMemory(budgetBytes: number): ResultMemory {
  const budget = Math.max(1, Math.floor(budgetBytes));
  const semaphore = new Semaphore(budget);
  let reserved = 0;
  let waiting = 0;

  const giveBack = (bytes: number) => {
    if (bytes <= 0) return;
    reserved -= bytes;
    semaphore.release(bytes);
  };

  return {
    get reservedBytes() {
      return reserved;
    },
    get waiting() {
      return waiting;
    },
    budgetBytes: budget,
    hold(): ResultHold {
      let held = 0;
      return {
        async reserve(bytes, signal) {
          giveBack(held);
          held = 0;
          const want = Math.min(budget, Math.max(1, Math.ceil(bytes)));
          signal.throwIfAborted();
          const acquired = semaphore.acquire(want);
          let onAbort: (() => void) | null = null;
          const aborted = new Promise<never>((_, reject) => {
            onAbort = () => reject(signal.reason);
            signal.addEventListener('abort', onAbort, { once: true });
          });
          waiting += 1;
          try {
            await Promise.race([acquired, aborted]);
          } catch (err) {
            // The semaphore has no way to drop a waiter: what it grants later goes straight back.
            void acquired.then(() => semaphore.release(want));
            throw err;
          } finally {
            waiting -= 1;
            if (onAbort) signal.removeEventListener('abort', onAbort);
          }
          held = want;
          reserved += want;
        },
        shrinkTo(bytes) {
          const keep = Math.max(0, Math.min(held, Math.ceil(bytes)));
          giveBack(held - keep);
          held = keep;
        },
        free() {
          giveBack(held);
          held = 0;
        },
      };
    },
  };
}
