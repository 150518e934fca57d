// The evaluations' shared result budget: a reservation waits while others hold the bytes, shrinks
// to what the rows take, comes back on free (once), and an abort ends the wait without leaking.
import { describe, expect, it } from '@jest/globals';
import { resultHeldBytes } from '../../../src/domain/result-size.js';
import { createResultMemory } from '../../../src/services/result-memory.js';

const live = () => new AbortController().signal;

describe('result memory', () => {
  it('makes a reservation wait until another evaluation shrinks or frees its own', async () => {
    const memory = createResultMemory(1000);
    const a = memory.hold();
    const b = memory.hold();
    await a.reserve(800, live());
    expect(memory.reservedBytes).toBe(800);

    let bReserved = false;
    const bWaits = b.reserve(500, live()).then(() => {
      bReserved = true;
    });
    await Promise.resolve();
    expect(memory.waiting).toBe(1);
    expect(bReserved).toBe(false);

    // What a's rows take once read: 100 bytes. 900 are free, b's 500 fit.
    a.shrinkTo(100);
    await bWaits;
    expect(memory.waiting).toBe(0);
    expect(memory.reservedBytes).toBe(600);

    a.free();
    a.free();
    b.free();
    expect(memory.reservedBytes).toBe(0);
    // The whole budget is free again: one reservation of all of it goes through at once.
    const c = memory.hold();
    await c.reserve(1000, live());
    c.free();
  });

  it('caps a reservation at the budget, so a source allowed more than the budget still runs alone', async () => {
    const memory = createResultMemory(1000);
    const hold = memory.hold();
    await hold.reserve(16 * 1024 * 1024, live());
    expect(memory.reservedBytes).toBe(1000);
    hold.shrinkTo(5_000_000); // never grows
    expect(memory.reservedBytes).toBe(1000);
    hold.free();
    expect(memory.reservedBytes).toBe(0);
  });

  it('ends a wait at the abort, and what the budget grants later goes straight back', async () => {
    const memory = createResultMemory(1000);
    const holder = memory.hold();
    await holder.reserve(1000, live());
    const controller = new AbortController();
    const waiter = memory.hold();
    const waited = waiter.reserve(10, controller.signal);
    controller.abort(new Error('working timeout'));
    await expect(waited).rejects.toThrow('working timeout');
    expect(memory.waiting).toBe(0);

    holder.free();
    // Had the aborted wait kept its grant, a full reservation would wait for ever.
    const next = memory.hold();
    await next.reserve(1000, live());
    expect(memory.reservedBytes).toBe(1000);
    next.free();
    waiter.free();
    expect(memory.reservedBytes).toBe(0);
  });

  it('refuses at once when the signal has already aborted', async () => {
    const memory = createResultMemory(1000);
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(memory.hold().reserve(10, controller.signal)).rejects.toThrow('gone');
    expect(memory.reservedBytes).toBe(0);
  });

  it('a second reserve on one hold replaces the first instead of adding to it', async () => {
    const memory = createResultMemory(1000);
    const hold = memory.hold();
    await hold.reserve(700, live());
    await hold.reserve(700, live());
    expect(memory.reservedBytes).toBe(700);
    hold.free();
  });
});

describe('result size', () => {
  it('counts two bytes a character and a header per value and row', () => {
    const small = resultHeldBytes({ columns: ['v'], rows: [[1]], truncated: false });
    const text = resultHeldBytes({ columns: ['v'], rows: [['x'.repeat(1000)]], truncated: false });
    expect(text - small).toBe(2000);
    const twoRows = resultHeldBytes({ columns: ['v'], rows: [[1], [2]], truncated: false });
    expect(twoRows - small).toBeGreaterThanOrEqual(32);
    expect(small).toBeGreaterThan(0);
  });
});
