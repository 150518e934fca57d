// The evaluations' shared result budget: a reservation waits while others hold the bytes, becomes
// what the rows take (growing without waiting), comes back on free (once), is served in arrival
// order, and an abort ends the wait without leaking.
import { describe, expect, it } from '@jest/globals';
import { resultHeldBytes } from '../../../src/domain/result-size.js';
import { createResultMemory } from '../../../src/services/result-memory.js';

const live = () => new AbortController().signal;

describe('result memory', () => {
  it('makes a reservation wait until another evaluation resizes or frees its own', async () => {
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
    a.resize(100);
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
    hold.free();
    expect(memory.reservedBytes).toBe(0);
  });

  it('counts rows that take more than their reservation in full, so later reservations wait for them', async () => {
    const memory = createResultMemory(1000);
    const a = memory.hold();
    await a.reserve(300, live());
    // Its rows took 1,500 bytes (NULLs count nothing against a source's caps, but take memory).
    a.resize(1500);
    expect(memory.reservedBytes).toBe(1500);
    let bReserved = false;
    const b = memory.hold();
    const bWaits = b.reserve(10, live()).then(() => {
      bReserved = true;
    });
    a.resize(1000);
    await Promise.resolve();
    expect(bReserved).toBe(false);
    expect(memory.waiting).toBe(1);
    a.free();
    await bWaits;
    expect(memory.reservedBytes).toBe(10);
    b.free();
  });

  it('serves reservations in arrival order: a small one waits behind a large one at the head', async () => {
    const memory = createResultMemory(1000);
    const holder = memory.hold();
    await holder.reserve(600, live());
    const order: string[] = [];
    const large = memory.hold().reserve(900, live()).then(() => order.push('large'));
    const small = memory.hold().reserve(100, live()).then(() => order.push('small'));
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(memory.waiting).toBe(2);
    holder.free();
    await Promise.all([large, small]);
    expect(order).toEqual(['large', 'small']);
  });

  it('ends a wait at the abort and takes the waiter out of line, letting those behind it through', async () => {
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
    // Had the aborted wait kept a grant, a full reservation would wait for ever.
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
  it('counts two bytes a character, 24 a value and 160 a row, NULLs included', () => {
    const one = resultHeldBytes({ columns: ['v'], rows: [[1]], truncated: false });
    const text = resultHeldBytes({ columns: ['v'], rows: [['x'.repeat(1000)]], truncated: false });
    expect(text - one).toBe(2000);
    const nulls = resultHeldBytes({ columns: ['a', 'b'], rows: [[null, null], [null, null]], truncated: false });
    const none = resultHeldBytes({ columns: ['a', 'b'], rows: [], truncated: false });
    expect(nulls - none).toBe(2 * (160 + 2 * 24));
    expect(none).toBe(160 + 2 * (24 + 2));
  });
});
