// The store calls every tick makes, gathered into batches: the execution's finish (with its
// alert's runtime), the send mark and the mute read. At a minute boundary thousands of ticks
// make these calls within seconds, and on a busy machine each round trip (a write system call
// on both sides, a wake-up of the database backend) cost more than the work it carried
// (DESIGN.md, performance). A call waits at most `windowMs` for others to join it, then goes in
// one statement (finishExecutions, markSendings, one getMute read for every caller waiting);
// a few batches may run at once, and while they do the next one gathers, so batches grow with
// the load.
// Each caller still learns its own answer: whether its execution was still WORKING. A read is
// never older than the call: a caller only joins a read that has not started yet.
// A batch that fails for a reason other than an unreachable database is retried item by item,
// so one bad item fails alone; an unreachable database fails every caller, who retries
// (store/retry.ts) into a later batch; every call here is safe to repeat.
import { StoreError } from '../errors.js';
import type { Mute } from '../domain/types.js';
import type { ExecutionFinishing, SendMark, Store } from './port.js';

/** What a tick writes and reads most, batched; the same signatures as the store's. */
export interface BatchedWrites extends Pick<Store, 'finishExecution' | 'markSending' | 'getMute'> {
  /** Writes what is gathered now and waits for what is in flight. */
  flush(): Promise<void>;
}

export interface BatchOptions {
  /** How long a call waits for others to join it: a few milliseconds (default 5). */
  windowMs?: number;
  /** Items per statement at most (default 500). */
  maxBatch?: number;
  /** Batches running at once at most (default 4). */
  maxInFlight?: number;
}

const DEFAULT_WINDOW_MS = 5;
const DEFAULT_MAX_BATCH = 500;
const DEFAULT_MAX_IN_FLIGHT = 4;

export function createBatchedWrites(store: Pick<Store, 'finishExecutions' | 'markSendings' | 'getMute'>, options: BatchOptions = {}): BatchedWrites {
  const finishes = createBatcher<ExecutionFinishing, boolean>((items) => store.finishExecutions(items), options);
  const marks = createBatcher<SendMark, void>(async (items) => {
    await store.markSendings(items);
    return items.map(() => undefined);
  }, options);
  const mutes = createBatcher<null, Mute | null>(async (items) => {
    const mute = await store.getMute();
    return items.map(() => mute);
  }, options);
  return {
    finishExecution: (id, finish, runtime) => finishes.add(runtime === undefined ? { id, finish } : { id, finish, runtime }),
    markSending: (id, at) => marks.add({ id, at }),
    getMute: () => mutes.add(null),
    async flush() {
      await Promise.all([finishes.flush(), marks.flush(), mutes.flush()]);
    },
  };
}

interface Waiting<I, O> {
  item: I;
  resolve(answer: O): void;
  reject(err: unknown): void;
}

/**
 * Gathers items into batches for `run`, which answers one result per item, in order. At most
 * maxInFlight batches run at once: the database works on several while Lookout gathers the next.
 */
export function createBatcher<I, O>(run: (items: I[]) => Promise<O[]>, options: BatchOptions = {}) {
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  let waiting: Waiting<I, O>[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flying = new Set<Promise<void>>();

  function start(): void {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    while (flying.size < maxInFlight && waiting.length > 0) {
      const batch = waiting.length <= maxBatch ? waiting : waiting.slice(0, maxBatch);
      waiting = batch === waiting ? [] : waiting.slice(maxBatch);
      const flight: Promise<void> = runBatch(batch).finally(() => {
        flying.delete(flight);
        // What waited for a free flight has waited long enough: it goes now.
        if (timer === null) start();
      });
      flying.add(flight);
    }
  }

  async function runBatch(batch: Waiting<I, O>[]): Promise<void> {
    try {
      settle(batch, await run(batch.map((w) => w.item)));
    } catch (err) {
      if (batch.length === 1 || (err instanceof StoreError && err.unreachable)) {
        for (const w of batch) w.reject(err);
        return;
      }
      // One item may be what the database refused: each alone, so only that one fails.
      for (const w of batch) {
        try {
          settle([w], await run([w.item]));
        } catch (itemErr) {
          w.reject(itemErr);
        }
      }
    }
  }

  function settle(batch: Waiting<I, O>[], answers: O[]): void {
    batch.forEach((w, i) => {
      if (i < answers.length) w.resolve(answers[i]!);
      else w.reject(new Error(`a batch of ${batch.length} answered ${answers.length}`));
    });
  }

  return {
    add(item: I): Promise<O> {
      return new Promise<O>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        if (waiting.length >= maxBatch) start();
        else if (timer === null) timer = setTimeout(start, windowMs);
      });
    },
    async flush(): Promise<void> {
      start();
      while (flying.size > 0) await Promise.all([...flying]);
    },
  };
}
