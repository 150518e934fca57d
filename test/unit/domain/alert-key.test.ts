import { describe, expect, it } from '@jest/globals';
import { KEY_PATTERN, keyCandidates, keyFromName } from '../../../src/domain/alert-key.js';

describe('keyFromName', () => {
  it.each([
    ['Daily sales (EU)', 'daily-sales-eu'],
    ['  Orders -- stalled!! ', 'orders-stalled'],
    ['Ünïcode Ärger', 'unicode-arger'],
    ['주문 지연', 'alert'],
    ['🔥', 'alert'],
    ['CPU_High 95%', 'cpu-high-95'],
    ['a'.repeat(70), 'a'.repeat(64)],
    [`${'a'.repeat(63)} b`, 'a'.repeat(63)],
  ])('%s → %s', (name, key) => {
    expect(keyFromName(name)).toBe(key);
    expect(key).toMatch(KEY_PATTERN);
  });
});

describe('keyCandidates', () => {
  it('numbers the key, keeping every candidate within 64 characters', () => {
    expect(keyCandidates('sales', 3)).toEqual(['sales', 'sales-2', 'sales-3']);
    const long = keyCandidates('a'.repeat(64), 12);
    expect(long[11]).toBe(`${'a'.repeat(61)}-12`);
    for (const key of long) expect(key).toMatch(KEY_PATTERN);
  });
});
