// The result bytes the evaluations of one process may hold at once (EVAL_RESULT_MEMORY_MB).
// An evaluation's slot (scheduler/evaluation-pool.ts) bounds how many run; this bounds what their
// rows take, which a slot count alone bounds only at its worst: each slot a full result. Before
// its query an evaluation reserves the source's maxResultBytes, the most its caps let the query
// read; once the rows are in, the reservation becomes what they take in memory
// (domain/result-size.ts), usually a few hundred bytes; it is given back with the slot. So the
// slots can be many (most of a slot's time is spent waiting for the store and Slack) while the
// results held stay within the budget (DESIGN.md, "Evaluation slots and result memory").
// Our own weighted semaphore: async-mutex's walks every unit of its value on each release, a
// billion steps for a budget counted in bytes.

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
   * reserves them, after those before it in line; rejects with the signal's reason if it aborts
   * first. Gives back what the hold had before it waits.
   */
  reserve(bytes: number, signal: AbortSignal): Promise<void>;
  /**
   * Makes the reservation `bytes` at once: gives back what it had beyond them, or takes what is
   * missing without waiting (rows that take more than their caps counted), so that later
   * reservations wait for it instead.
   */
  resize(bytes: number): void;
  /** Gives back everything held; safe to call more than once. */
  free(): void;
}

interface Waiter {
  want: number;
  grant(): void;
}

export function createResultMemory(budgetBytes: number): ResultMemory {
  const budget = Math.max(1, Math.floor(budgetBytes));
  /** Bytes not reserved; below 0 while results hold more than the budget. */
  let free = budget;
  /** In arrival order: the first waits until it fits, and those behind it wait for it. */
  const line: Waiter[] = [];

  function grantInOrder(): void {
    while (line.length > 0 && line[0]!.want <= free) {
      const first = line.shift()!;
      free -= first.want;
      first.grant();
    }
  }

  function giveBack(bytes: number): void {
    if (bytes <= 0) return;
    free += bytes;
    grantInOrder();
  }

  return {
    get reservedBytes() {
      return budget - free;
    },
    get waiting() {
      return line.length;
    },
    budgetBytes: budget,
    hold(): ResultHold {
      let held = 0;
      return {
        reserve(bytes, signal) {
          giveBack(held);
          held = 0;
          if (signal.aborted) return Promise.reject(signal.reason);
          const want = Math.min(budget, Math.max(1, Math.ceil(bytes)));
          if (line.length === 0 && want <= free) {
            free -= want;
            held = want;
            return Promise.resolve();
          }
          return new Promise<void>((resolve, reject) => {
            const onAbort = () => {
              const at = line.indexOf(waiter);
              if (at >= 0) line.splice(at, 1);
              // It may have been first in line, holding back smaller reservations that fit.
              grantInOrder();
              reject(signal.reason);
            };
            const waiter: Waiter = {
              want,
              grant() {
                signal.removeEventListener('abort', onAbort);
                held = want;
                resolve();
              },
            };
            line.push(waiter);
            signal.addEventListener('abort', onAbort, { once: true });
          });
        },
        resize(bytes) {
          const next = Math.max(0, Math.ceil(bytes));
          if (next < held) giveBack(held - next);
          else free -= next - held;
          held = next;
        },
        free() {
          const had = held;
          held = 0;
          giveBack(had);
        },
      };
    },
  };
}
