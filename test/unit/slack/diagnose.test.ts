// The doctor's wording: problems first and counted, then what is fine, then what this build
// does not have; then, for everyone, the recipients failing now.
import { describe, expect, it } from '@jest/globals';
import { failingRecipientsDoc } from '../../../src/messages/failing-recipients.js';
import { blocksSize, SLACK_LIMITS } from '../../../src/messages/slack/limits.js';
import { doctorReply, doctorText } from '../../../src/slack/diagnose.js';
import { texts } from '../../support/slack-blocks.js';

describe('doctorText', () => {
  it('lists problems first and counts them', () => {
    const text = doctorText({
      findings: [
        { status: 'ok', text: 'Data source “sample” answers.' },
        { status: 'problem', text: 'Lookout is not in #ops.' },
        { status: 'info', text: 'Email (SMTP): email is not set up.' },
        { status: 'problem', text: 'Data source “warehouse” does not answer: refused' },
      ],
    });
    expect(text.split('\n')).toEqual([
      '🩺 *Lookout doctor*: 2 problems.',
      '⚠️ Lookout is not in #ops.',
      '⚠️ Data source “warehouse” does not answer: refused',
      '✅ Data source “sample” answers.',
      'ℹ️ Email (SMTP): email is not set up.',
    ]);
  });

  it('says so when nothing is wrong', () => {
    expect(doctorText({ findings: [{ status: 'ok', text: 'fine' }] })).toMatch(/^✅ \*Lookout doctor\*: nothing wrong found\./);
  });

  it('stays readable when there is a lot to say', () => {
    const findings = Array.from({ length: 200 }, (_, i) => ({ status: 'problem' as const, text: `Lookout is not in #channel-${i}.` }));
    expect(doctorText({ findings }).length).toBeLessThanOrEqual(3500);
  });
});

describe('doctorReply', () => {
  const none = failingRecipientsDoc([], { timezone: 'UTC', shown: 20, windowHours: 24, partial: false });
  const said = (blocks: unknown[]): string => texts(blocks as never).map((t) => t.text).join('\n');

  it('admins: the set-up findings, then the recipients failing now', () => {
    const reply = doctorReply({ findings: [{ status: 'problem', text: 'Lookout is not in #ops.' }] }, none);
    expect(reply.text).toBe('🩺 *Lookout doctor*: 1 problem.\n⚠️ Lookout is not in #ops.');
    expect(said(reply.blocks)).toBe('🩺 *Lookout doctor*: 1 problem.\n⚠️ Lookout is not in #ops.\n*Recipients failing now*: none in the last 24 hours.');
  });

  it('everyone else: the recipients failing now, and that the set-up checks are for admins', () => {
    const reply = doctorReply(null, none);
    expect(reply.text).toBe('Recipients failing now: none');
    expect(said(reply.blocks)).not.toMatch(/Lookout doctor/);
    expect(said(reply.blocks)).toMatch(/set-up checks .* are for Lookout admins/);
  });

  it('fits one message with many findings', () => {
    const findings = Array.from({ length: 200 }, (_, i) => ({ status: 'problem' as const, text: `Lookout is not in #channel-${i}.` }));
    const reply = doctorReply({ findings }, none);
    expect(reply.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocks);
    expect(blocksSize(reply.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocksChars);
  });
});
