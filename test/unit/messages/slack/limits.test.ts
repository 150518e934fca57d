import { describe, expect, it } from '@jest/globals';
import type { KnownBlock } from '@slack/types';
import { header, section } from '../../../../src/messages/slack/kit.js';
import { blocksSize, fitMessageBlocks, SLACK_LIMITS, truncate, truncateMrkdwn } from '../../../../src/messages/slack/limits.js';
import { bold, channel, code, codeBlock, escapeMrkdwn, link, user } from '../../../../src/messages/slack/mrkdwn.js';
import { formatInZone } from '../../../../src/messages/time.js';
import { COMMON_TIMEZONES } from '../../../../src/slack/blocks/timezones.js';
import { IANAZone } from 'luxon';

describe('SLACK_LIMITS', () => {
  it('pins the limits Slack documents', () => {
    expect(SLACK_LIMITS).toMatchObject({
      messageBlocks: 50,
      viewBlocks: 100,
      sectionText: 3000,
      fieldText: 2000,
      sectionFields: 10,
      headerText: 150,
      modalTitle: 24,
      blockId: 255,
      actionsElements: 25,
      privateMetadata: 3000,
      messageBlocksChars: 12_000,
    });
    expect(SLACK_LIMITS.messageBlocksChars).toBeLessThan(13_000);
  });
});

describe('truncate', () => {
  it('leaves short text alone and cuts long text to the limit with an ellipsis', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 4)).toHaveLength(4);
  });

  it('never splits an emoji', () => {
    const cut = truncate('ab😀cd', 4);
    expect(cut).toBe('ab…');
    expect(cut.length).toBeLessThanOrEqual(4);
  });

  it('mrkdwn: no half entities, links or code fences', () => {
    expect(truncateMrkdwn('a &amp; b', 6)).toBe('a …');
    expect(truncateMrkdwn('see <https://example.com|here> ok', 15)).toBe('see …');
    const fenced = truncateMrkdwn(`x\n\`\`\`\n${'row\n'.repeat(100)}\`\`\``, 60);
    expect(fenced.length).toBeLessThanOrEqual(60);
    expect(fenced.endsWith('```')).toBe(true);
    expect(fenced.split('```').length - 1).toBe(2);
  });
});

describe('mrkdwn helpers', () => {
  it('escapes only &, < and >', () => {
    expect(escapeMrkdwn('<!channel> & <@U1> *bold* _x_')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt; *bold* _x_');
  });

  it('links only http(s) and mailto, with text escaped and the URL unbreakable', () => {
    expect(link('https://example.com/a?b=1', 'A <b>')).toBe('<https://example.com/a?b=1|A &lt;b&gt;>');
    expect(link('https://example.com/a|b>c')).toBe('<https://example.com/a%7Cb%3Ec>');
    expect(link('javascript:alert(1)', 'click')).toBe('click');
  });

  it('mentions valid ids, escapes anything else', () => {
    expect(user('U123ABC')).toBe('<@U123ABC>');
    expect(user('<!here>')).toBe('&lt;!here&gt;');
    expect(channel('C0OPS')).toBe('<#C0OPS>');
    expect(channel('#ops')).toBe('#ops');
  });

  it('code cannot be closed early', () => {
    expect(code('a`b <c>')).toBe('`aˋb &lt;c&gt;`');
    expect(code('')).toBe('` `');
    expect(codeBlock('x ``` y')).not.toMatch(/x ```/);
    expect(codeBlock('a').startsWith('```\n')).toBe(true);
  });

  it('bold escapes and neutralises asterisks', () => {
    expect(bold('a*b <c>')).toBe('*a∗b &lt;c&gt;*');
  });

  it('formats times in a named zone', () => {
    const at = new Date('2026-11-25T00:00:00Z');
    expect(formatInZone(at, 'Asia/Seoul')).toBe('2026-11-25 09:00 (Asia/Seoul)');
    expect(formatInZone(at, 'America/New_York')).toBe('2026-11-24 19:00 EST');
    expect(formatInZone(at, 'UTC')).toBe('2026-11-25 00:00 UTC');
    expect(formatInZone(at, 'Asia/Seoul', 'long')).toBe('Wed 25 Nov 2026 09:00 (Asia/Seoul)');
    expect(formatInZone(at, 'Not/AZone')).toBe('2026-11-25 00:00 UTC');
  });
});

describe('fitMessageBlocks', () => {
  const actions: KnownBlock = { type: 'actions', block_id: 'a', elements: [{ type: 'button', action_id: 'x', text: { type: 'plain_text', text: 'Go' } }] };

  it('keeps a message under 50 blocks, the header and the buttons', () => {
    const blocks = [header('Title'), ...Array.from({ length: 80 }, (_, i) => section(`line ${i}`)), actions];
    const fitted = fitMessageBlocks(blocks);
    expect(fitted.length).toBeLessThanOrEqual(50);
    expect(fitted[0]?.type).toBe('header');
    expect(fitted[fitted.length - 1]).toEqual(actions);
    expect(JSON.stringify(fitted)).toMatch(/more parts not shown/);
  });

  it('keeps a message under the total, cutting long texts first', () => {
    const blocks = [header('Title'), ...Array.from({ length: 10 }, () => section('x'.repeat(2900))), actions];
    const fitted = fitMessageBlocks(blocks);
    expect(blocksSize(fitted)).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocksChars);
    expect(fitted[fitted.length - 1]).toEqual(actions);
  });

  it('clamps section texts and fields an unwary builder made too long', () => {
    const tooLong: KnownBlock = { type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(5000) }, fields: Array.from({ length: 12 }, () => ({ type: 'mrkdwn' as const, text: 'z'.repeat(2500) })) };
    const [fitted] = fitMessageBlocks([tooLong], { maxChars: 100_000 });
    expect(fitted?.type === 'section' && fitted.text?.text.length).toBeLessThanOrEqual(3000);
    expect(fitted?.type === 'section' && fitted.fields?.length).toBe(10);
    expect(fitted?.type === 'section' && fitted.fields?.every((f) => f.text.length <= 2000)).toBe(true);
  });

  it('leaves a small message as it is', () => {
    const blocks = [header('Title'), section('hello'), actions];
    expect(fitMessageBlocks(blocks)).toEqual(blocks);
  });
});

describe('COMMON_TIMEZONES', () => {
  it('are all zones luxon knows', () => {
    for (const zone of COMMON_TIMEZONES) expect([zone, IANAZone.isValidZone(zone)]).toEqual([zone, true]);
    expect(COMMON_TIMEZONES.length).toBeLessThan(SLACK_LIMITS.selectOptions - 2);
  });
});
