// Storm control's rule (DESIGN.md, issue 4/6): at a channel's turn, with a top-level firing
// message first in line, the firing messages waiting there go as one digest when at least two
// wait and more than the threshold wait or arrived within the window; else the first goes alone.
import { describe, expect, it } from '@jest/globals';
import { arrivalsWithin, DEFAULT_STORM, planStormTurn, type WaitingPost } from '../../../src/domain/storm.js';

const firing = (alertId: string): WaitingPost => ({ alertId, digestible: true });
const reply = (alertId: string): WaitingPost => ({ alertId, digestible: false });
const firings = (n: number): WaitingPost[] => Array.from({ length: n }, (_, i) => firing(`a${i}`));
const settings = { threshold: 5, windowS: 60 };

describe('planStormTurn', () => {
  const cases: [string, WaitingPost[], number, ReturnType<typeof planStormTurn>][] = [
    ['a lone alert goes alone, at once, however many arrived in the window', [firing('a')], 40, { kind: 'one' }],
    ['nothing waiting: the first in line (none) goes alone', [], 0, { kind: 'one' }],
    ['five waiting, five arrived: not more than the threshold, the first goes alone', firings(5), 5, { kind: 'one' }],
    ['six waiting: a storm, all six in one digest', firings(6), 6, { kind: 'digest', take: [0, 1, 2, 3, 4, 5] }],
    ['two waiting after six arrived in the window: still a storm, both in a digest', firings(2), 6, { kind: 'digest', take: [0, 1] }],
    ['one waiting after six arrived: it goes alone (a digest of one says less than its own message)', firings(1), 6, { kind: 'one' }],
    ['a reply first in line goes alone, even in a storm', [reply('r'), ...firings(6)], 6, { kind: 'one' }],
    ['replies, DMs and reports between firing messages stay in line; the firing ones are digested', [firing('a'), reply('r'), firing('b'), reply('s'), firing('c')], 9, { kind: 'digest', take: [0, 2, 4] }],
    ['an alert twice in line is listed once; its second message waits for a later turn', [firing('a'), firing('a'), ...firings(5)], 7, { kind: 'digest', take: [0, 2, 3, 4, 5, 6] }],
    ['many waiting but few arrivals counted (they waited past the window): the waiting count decides', firings(8), 0, { kind: 'digest', take: [0, 1, 2, 3, 4, 5, 6, 7] }],
  ];
  it.each(cases)('%s', (_, waiting, arrived, expected) => {
    expect(planStormTurn(waiting, arrived, settings)).toEqual(expected);
  });

  it('follows the threshold it is given: 1 makes any two waiting firing messages a digest', () => {
    expect(planStormTurn(firings(2), 2, { threshold: 1, windowS: 60 })).toEqual({ kind: 'digest', take: [0, 1] });
  });

  it('defaults to more than 5 within 60 s', () => {
    expect(DEFAULT_STORM).toEqual({ threshold: 5, windowS: 60 });
  });
});

describe('arrivalsWithin', () => {
  const now = new Date('2026-11-25T09:00:00Z');
  const ago = (s: number) => new Date(now.getTime() - s * 1000);

  it('keeps arrivals inside the window and drops older ones', () => {
    expect(arrivalsWithin([ago(120), ago(61), ago(59), ago(0)], now, settings)).toEqual([ago(59), ago(0)]);
  });

  it('drops one exactly windowS old (the window is the last 60 s, not 61)', () => {
    expect(arrivalsWithin([ago(60)], now, settings)).toEqual([]);
  });

  it('keeps at most threshold + 1, the newest: that is all the rule asks', () => {
    const many = Array.from({ length: 40 }, (_, i) => ago(40 - i));
    expect(arrivalsWithin(many, now, settings)).toEqual(many.slice(-6));
  });

  it('ignores arrivals after now (a clock set back)', () => {
    expect(arrivalsWithin([new Date(now.getTime() + 5000)], now, settings)).toEqual([]);
  });
});
