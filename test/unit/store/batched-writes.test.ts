// The batcher behind the tick's batched writes (store/batched-writes.ts), with a `run` the test
// holds: calls made together go in one batch and each gets its own answer; a call made while a
// batch is in flight goes in another (so a read is never older than the call); a few batches
// run at once at most; a batch
// the database refuses is retried item by item, so one bad item fails alone.
import { describe, expect, it } from '@jest/globals';
import { StoreError } from '../../../src/errors.js';
import { createBatcher } from '../../../src/store/batched-writes.js';
import { eventually } from '../../support/eventually.js';

/** A `run` whose batches the test sees and answers. */
function heldRun() {
  const batches: { items: number[]; answer(out: string[]): void; fail(err: unknown): void }[] = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({ items, answer: resolve, fail: reject });
    });
  return { batches, run };
}

describe('the write batcher', () => {
  it('sends calls made together as one batch and gives each caller its own answer', async () => {
    const { batches, run } = heldRun();
    const batcher = createBatcher(run, { windowMs: 1 });
    const calls = [1, 2, 3].map((n) => batcher.add(n));
    await eventually(async () => batches.length === 1);
    expect(batches[0]!.items).toEqual([1, 2, 3]);
    batches[0]!.answer(['one', 'two', 'three']);
    expect(await Promise.all(calls)).toEqual(['one', 'two', 'three']);
  });

  it('never lets a call join a batch already in flight: it goes in another', async () => {
    const { batches, run } = heldRun();
    const batcher = createBatcher(run, { windowMs: 1 });
    const first = batcher.add(1);
    await eventually(async () => batches.length === 1);
    const second = batcher.add(2);
    const third = batcher.add(3);
    batches[0]!.answer(['a']);
    expect(await first).toBe('a');
    await eventually(async () => batches.length === 2);
    expect(batches[1]!.items).toEqual([2, 3]);
    batches[1]!.answer(['b', 'c']);
    expect(await Promise.all([second, third])).toEqual(['b', 'c']);
  });

  it('runs at most maxInFlight batches at once; the next goes when one answers', async () => {
    const { batches, run } = heldRun();
    // One item fills a batch, so each call starts its batch at once, if a flight is free.
    const batcher = createBatcher(run, { windowMs: 60_000, maxBatch: 1, maxInFlight: 2 });
    const calls = [1, 2, 3].map((n) => batcher.add(n));
    expect(batches.map((b) => b.items)).toEqual([[1], [2]]);
    batches[1]!.answer(['b']);
    await eventually(async () => batches.length === 3);
    batches[0]!.answer(['a']);
    batches[2]!.answer(['c']);
    expect(await Promise.all(calls)).toEqual(['a', 'b', 'c']);
  });

  it('keeps batches within maxBatch, in the order the calls came', async () => {
    const { batches, run } = heldRun();
    const batcher = createBatcher(run, { windowMs: 1, maxBatch: 2 });
    const calls = [1, 2, 3, 4, 5].map((n) => batcher.add(n));
    await eventually(async () => batches.length === 3);
    for (const batch of batches) batch.answer(batch.items.map(String));
    expect(batches.map((b) => b.items)).toEqual([[1, 2], [3, 4], [5]]);
    expect(await Promise.all(calls)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('retries a refused batch item by item, so only the bad item fails', async () => {
    const batcher = createBatcher(async (items: number[]) => {
      if (items.includes(13)) throw new StoreError('refused');
      return items.map((n) => n * 10);
    }, { windowMs: 1 });
    const results = await Promise.allSettled([12, 13, 14].map((n) => batcher.add(n)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([120, 'failed', 140]);
  });

  it('fails every caller of a batch when the database is unreachable, without trying each', async () => {
    const sizes: number[] = [];
    const batcher = createBatcher(async (items: number[]) => {
      sizes.push(items.length);
      throw new StoreError('unreachable', { unreachable: true });
    }, { windowMs: 1 });
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.add(n)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(sizes).toEqual([3]);
  });

  it('flush sends what is waiting and waits for it', async () => {
    let sent: number[] = [];
    const batcher = createBatcher(async (items: number[]) => {
      sent = [...sent, ...items];
      return items;
    }, { windowMs: 60_000 });
    const call = batcher.add(7);
    await batcher.flush();
    expect(sent).toEqual([7]);
    expect(await call).toBe(7);
  });
});
