// Mentions from the data cannot make Lookout say what it should not: a cell is a Slack user id, an
// email looked up, or listed as unknown — never a broadcast or a mention Lookout did not mean.
import { describe, expect, it } from '@jest/globals';
import { silentLogger } from '../../../src/logger.js';
import { mentionParts } from '../../../src/messages/triage-lines.js';
import { renderSlack } from '../../../src/messages/slack/render-slack.js';
import { MAX_COLUMN_MENTIONS, mentionsFor } from '../../../src/services/mentions.js';

const signal = new AbortController().signal;
const request = (cells: string[]) => ({
  fixed: { warning: [], critical: ['S0ONCALL', 'U0CAROL1'] },
  level: 'critical' as const,
  column: 'owner',
  result: { columns: ['job', 'owner'], rows: cells.map((c) => ['j', c]) },
});

describe('mentionsFor', () => {
  it('takes user ids as they are, user groups from the fixed list, and lists the rest as unknown', async () => {
    const mentions = await mentionsFor(request(['U0ALICE1', 'U0ALICE1, W0BOB0001', 'not an address']), undefined, signal, silentLogger());
    expect(mentions).toEqual({ users: ['U0CAROL1', 'U0ALICE1', 'W0BOB0001'], groups: ['S0ONCALL'], unknown: ['not', 'an', 'address'] });
  });

  it('a hostile cell is shown as text, never as a broadcast or a mention', async () => {
    const mentions = await mentionsFor(request(['<!channel>', '@here', '<@U0MALLORY>', '<!subteam^S0ALL>']), undefined, signal, silentLogger());
    expect(mentions?.users).toEqual(['U0CAROL1']);
    const doc = { summary: 'x', parts: mentionParts(mentions) };
    const text = JSON.stringify(renderSlack(doc, { surface: 'message', now: new Date('2026-12-07T00:00:00Z') }).message.blocks);
    expect(text).not.toMatch(/<!channel>|<!here>|<@U0MALLORY>|<!subteam\^S0ALL>/);
    expect(text).toContain('<!subteam^S0ONCALL>');
  });

  it('looks at most MAX_COLUMN_MENTIONS distinct values', async () => {
    const cells = Array.from({ length: 500 }, (_, i) => `U0USER${String(i).padStart(4, '0')}`);
    const mentions = await mentionsFor({ ...request(cells), fixed: { warning: [], critical: [] } }, undefined, signal, silentLogger());
    expect(mentions?.users).toHaveLength(MAX_COLUMN_MENTIONS);
  });

  it('nothing to mention is null', async () => {
    expect(await mentionsFor({ ...request([]), fixed: { warning: [], critical: [] } }, undefined, signal, silentLogger())).toBeNull();
  });
});
