// Waiting for a condition, never for a length of time: polls until the check answers, and fails
// with what it waited for when it does not within the timeout.

/** Polls `check` until it returns something truthy (for state in the store, which the simulator cannot watch). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 10_000, what = 'a condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Reads `read` until `done` holds or the time is up, and returns the last value read, so the
 * test asserts on it (and a failure shows what it was) instead of on a timeout.
 */
export async function settled<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last) && Date.now() <= deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}
