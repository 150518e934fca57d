// "Recipients failing now" as the doctor says it: alert, recipient, what happened, since when
// (and how many runs), what to do; none said plainly; a long list counted, not cut mid-line.
import { describe, expect, it } from '@jest/globals';
import type { DeliveryRecord } from '../../../src/domain/types.js';
import { failingRecipientsDoc, type FailingLine } from '../../../src/messages/failing-recipients.js';
import { renderSlack } from '../../../src/messages/slack/render-slack.js';
import { blocksSize, SLACK_LIMITS } from '../../../src/messages/slack/limits.js';
import { slackErrorInfo } from '../../../src/slack-api/slack-errors.js';
import { makeAlert } from '../../support/fixtures.js';
import { texts } from '../../support/slack-blocks.js';

const alert = makeAlert({ name: 'Daily revenue' });
const failed = (recipient: string, error: string): DeliveryRecord => ({ recipient, ok: false, unknown: false, error, ref: null, note: null });
const line = (overrides: Partial<FailingLine> = {}): FailingLine => ({
  alert,
  latest: failed('channel:C0OPS', slackErrorInfo('not_in_channel').message),
  since: new Date('2026-11-24T00:00:00Z'),
  runs: 3,
  orEarlier: false,
  ...overrides,
});
const options = { timezone: 'UTC', shown: 20, windowHours: 24, partial: false };
const lines = (doc: ReturnType<typeof failingRecipientsDoc>): string[] => texts(renderSlack(doc, { surface: 'message' }).message.blocks).flatMap((t) => t.text.split('\n'));

describe('failingRecipientsDoc', () => {
  it('names the alert, the recipient, the error, since when and what to do', () => {
    expect(lines(failingRecipientsDoc([line()], options))).toEqual([
      '*Recipients failing now* (their latest delivery in the last 24 hours): 1',
      '*Daily revenue* → <#C0OPS> failed: not_in_channel since `2026-11-24 00:00 UTC` (3 runs) — what to do: `/invite @Lookout` in <#C0OPS>',
      'Times in UTC.',
    ]);
  });

  it('one failure reads "at", a streak that reaches the window "or earlier"; unknown outcomes have no advice', () => {
    const once = lines(failingRecipientsDoc([line({ runs: 1 })], options));
    expect(once[1]).toContain('failed: not_in_channel at `2026-11-24 00:00 UTC`');
    const long = lines(failingRecipientsDoc([line({ runs: 1, orEarlier: true })], options));
    expect(long[1]).toContain('since `2026-11-24 00:00 UTC` or earlier (1 run)');
    const unknown = lines(failingRecipientsDoc([line({ latest: { ...failed('user:U0ANA', 'timeout'), unknown: true } })], options));
    expect(unknown[1]).toBe('*Daily revenue* → <@U0ANA> outcome unknown; not re-sent since `2026-11-24 00:00 UTC` (3 runs)');
  });

  it('says none plainly', () => {
    expect(lines(failingRecipientsDoc([], options))).toEqual(['*Recipients failing now*: none in the last 24 hours.']);
  });

  it('counts what it leaves out, points where the rest are, and says when it read only part of the window', () => {
    const many = Array.from({ length: 30 }, (_, i) => line({ latest: failed(`channel:C0CH${i}`, 'x'.repeat(3000)) }));
    const doc = failingRecipientsDoc(many, { ...options, shown: 5, moreIn: { code: '/alert doctor' }, partial: true });
    const said = lines(doc);
    expect(said.filter((l) => l.startsWith('*Daily revenue*'))).toHaveLength(5);
    expect(said.at(-1)).toBe('+25 more: `/alert doctor`. Times in UTC. Only the latest deliveries were read: an older failure may be missing.');
    const message = renderSlack(failingRecipientsDoc(many, options), { surface: 'message' }).message;
    expect(blocksSize(message.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocksChars);
  });

  it("without a reader's zone, each time is in its alert's schedule zone", () => {
    expect(lines(failingRecipientsDoc([line()], { ...options, timezone: null }))[1]).toContain('since `2026-11-24 09:00 (Asia/Seoul)`');
  });
});
