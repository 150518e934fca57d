// A signal that fires when `signal` does or after `ms`, whichever is first, and a `done` that
// removes its timer and listener. Made by hand rather than with AbortSignal.any: under Jest's
// VM modules a combined signal over the working-timeout signal never fired (the email
// fallback hung), so every combination of signals in the deliveries goes through here.
export function signalWithin(signal: AbortSignal, ms: number): { signal: AbortSignal; done(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', abort, { once: true });
  if (signal.aborted) abort();
  const timer = setTimeout(() => controller.abort(), Math.max(0, ms));
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
    },
  };
}
