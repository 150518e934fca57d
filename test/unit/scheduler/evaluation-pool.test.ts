// The evaluation pool: at most `concurrency` evaluations hold a slot; one that gives its slot back
// (only its record left to write) lets the next start, yet a stop's drain still waits for it.
import { describe, expect, it } from '@jest/globals';
import { createEvaluationPool } from '../../../src/scheduler/evaluation-pool.js';
import { silentLogger } from '../../../src/logger.js';

/** A promise with its resolve function. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('the evaluation pool', () => {
  it('starts the next evaluation once one releases its slot, and drains only when that one ends', async () => {
    const pool = createEvaluationPool(1, silentLogger());
    const record = gate();
    const secondStarted = gate();
    let firstEnded = false;
    pool.submit('first', async (release) => {
      release();
      await record.opened;
      firstEnded = true;
    });
    pool.submit('second', async () => secondStarted.open());
    await secondStarted.opened;
    expect(firstEnded).toBe(false);

    let drained = false;
    const draining = pool.drain().then(() => {
      drained = true;
    });
    await Promise.resolve();
    expect(drained).toBe(false);
    record.open();
    await draining;
    expect(firstEnded).toBe(true);
    expect(pool.pending).toBe(0);
  });

  it('holds the slot until the work ends when it never releases it', async () => {
    const pool = createEvaluationPool(1, silentLogger());
    const first = gate();
    const order: string[] = [];
    pool.submit('first', async () => {
      await first.opened;
      order.push('first ended');
    });
    pool.submit('second', async () => void order.push('second started'));
    expect(pool.queued + pool.running).toBe(2);
    first.open();
    await pool.drain();
    expect(order).toEqual(['first ended', 'second started']);
  });

  it('frees the slot of work that fails, and logs rather than throws', async () => {
    const pool = createEvaluationPool(1, silentLogger());
    pool.submit('fails', async () => {
      throw new Error('boom');
    });
    const ran = gate();
    pool.submit('next', async () => ran.open());
    await ran.opened;
    await pool.drain();
    expect(pool.pending).toBe(0);
  });
});
