// The Home refresher's debounce: a burst becomes one publish, at most one per person per
// interval, and a failed publish is logged, never thrown.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { silentLogger } from '../../../../src/logger.js';
import { createHomeRefresher } from '../../../../src/slack/events/home-refresher.js';

describe('createHomeRefresher', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('publishes once for a burst of changes, after the settle time', async () => {
    const published: string[] = [];
    const homes = createHomeRefresher({ publish: async (u) => void published.push(u), logger: silentLogger(), settleMs: 250, intervalMs: 5000 });
    homes.refresh(['U1', 'U2']);
    homes.refresh(['U1']);
    homes.refresh(['U1', 'U1']);
    expect(published).toEqual([]);
    await jest.advanceTimersByTimeAsync(250);
    expect(published.sort()).toEqual(['U1', 'U2']);
  });

  it('publishes at most once per person per interval', async () => {
    const published: string[] = [];
    const homes = createHomeRefresher({ publish: async (u) => void published.push(u), logger: silentLogger(), settleMs: 250, intervalMs: 5000 });
    homes.refresh(['U1']);
    await jest.advanceTimersByTimeAsync(250);
    homes.refresh(['U1']);
    await jest.advanceTimersByTimeAsync(4000);
    expect(published).toEqual(['U1']);
    await jest.advanceTimersByTimeAsync(1000);
    expect(published).toEqual(['U1', 'U1']);
  });

  it('logs a failed publish instead of throwing, and publishes nothing after stop()', async () => {
    let calls = 0;
    const publish = async (): Promise<void> => {
      calls += 1;
      throw new Error('views.publish failed');
    };
    const homes = createHomeRefresher({ publish, logger: silentLogger(), settleMs: 10 });
    homes.refresh(['U1']);
    await jest.advanceTimersByTimeAsync(10);
    expect(calls).toBe(1);
    homes.refresh(['U2']);
    homes.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    homes.refresh(['U3']);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(1);
  });
});
