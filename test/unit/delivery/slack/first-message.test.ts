// The token that says whose an incident's first message is and what it shows: read back only for
// the message it names, so a token kept for another thread (or garbage) is never taken as this one's.
import { describe, expect, it } from '@jest/globals';
import { formatDrawn, parseDrawn, shownHash } from '../../../../src/delivery/slack/first-message.js';

const REF = 'C0ALERTS1:1796672489.951000';

describe('first-message token', () => {
  it('reads back what it wrote, for its own message', () => {
    for (const first of [{ owner: 'own', shown: '' }, { owner: 'own', shown: shownHash([{ type: 'section' }]) }, { owner: 'digest' }, { owner: 'other' }] as const) {
      expect(parseDrawn(REF, formatDrawn(REF, first))).toEqual(first);
    }
  });

  it('says nothing about another message, a prefix of it, or a token it cannot read', () => {
    const token = formatDrawn(REF, { owner: 'own', shown: 'abc' });
    expect(parseDrawn('C0ALERTS1:1796672489.951001', token)).toBeNull();
    expect(parseDrawn('C0ALERTS1:1796672489.95100', token)).toBeNull();
    expect(parseDrawn(`${REF}|own`, token)).toBeNull();
    expect(parseDrawn(REF, undefined)).toBeNull();
    expect(parseDrawn(REF, `${REF}|mine|x`)).toBeNull();
    expect(parseDrawn(REF, REF)).toBeNull();
  });

  it('hashes what is shown: equal blocks alike, any change apart, short enough to keep on every record', () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'Firing: 57' } }];
    expect(shownHash(blocks)).toBe(shownHash(structuredClone(blocks)));
    expect(shownHash(blocks)).not.toBe(shownHash([{ type: 'section', text: { type: 'mrkdwn', text: 'Firing: 58' } }]));
    expect(shownHash(blocks)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
