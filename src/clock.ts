// The one clock. Every reading of the time in src/ comes from a Clock handed down through the
// deps objects: lookout.ts wires one (the system clock, or the test's from
// test/support/clock.ts), so a test that moves its clock moves every deadline, cache and record
// with it. eslint.config.js refuses Date.now() and new Date() anywhere but here.
//
// Durations are not readings of the time: they are measured on the monotonic timer
// (stopwatch), so a clock moved by hand, or stepped by NTP, never makes one negative or long.
// Timers (setTimeout) stay real too.

/** What time it is now. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** Starts measuring; the function returned gives the whole milliseconds since. */
export function stopwatch(): () => number {
  const started = performance.now();
  return () => Math.round(performance.now() - started);
}
