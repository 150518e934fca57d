// Shared by the engines that talk to a server: wait for a query, but on abort (the working
// timeout) or at its statement timeout, stop it on the server first and only then reject, so
// the caller never reuses a busy connection. The server enforces the same limit; this backstop
// fires at that limit too (not later), so a query that found a way to lift the server's limit
// still ends on time. Whichever fires first, the person sees the same timeout sentence.
import { canceledError, statementTimeoutError } from './error-rules.js';
import type { DataSourceError, QueryOptions } from './port.js';

export function interruptible<T>(
  work: Promise<T>,
  options: Pick<QueryOptions, 'timeoutMs' | 'signal'>,
  source: string,
  classify: (err: unknown) => DataSourceError,
  stop: (error: DataSourceError) => Promise<void>,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let stopping = false;
    const interrupt = (error: DataSourceError) => {
      if (stopping) return;
      stopping = true;
      cleanup();
      void stop(error).then(() => reject(error));
    };
    const onAbort = () => interrupt(canceledError(source));
    const backstop = setTimeout(() => interrupt(statementTimeoutError(source)), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    function cleanup() {
      clearTimeout(backstop);
      options.signal?.removeEventListener('abort', onAbort);
    }
    work.then(
      (value) => {
        if (stopping) return;
        cleanup();
        resolve(value);
      },
      (err: unknown) => {
        if (stopping) return;
        cleanup();
        reject(classify(err));
      },
    );
    if (options.signal?.aborted) onAbort();
  });
}

/** Whether `work` settles within `ms` (and, with `mustSucceed`, fulfils). */
export function settledWithin(work: Promise<unknown>, ms: number, mustSucceed = false): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    work.then(
      () => (clearTimeout(timer), resolve(true)),
      () => (clearTimeout(timer), resolve(!mustSucceed)),
    );
  });
}
