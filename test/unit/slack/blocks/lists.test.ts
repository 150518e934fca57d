import { describe, expect, it } from '@jest/globals';
import { buildAlertList, buildHelp, buildUsageError } from '../../../../src/slack/blocks/lists.js';
import { blocksSize, SLACK_LIMITS, type SlackMessage } from '../../../../src/messages/slack/limits.js';
import { PACK_MAX_LINES } from '../../../../src/messages/slack/pack-lines.js';
import { USAGE } from '../../../../src/slack/commands/parse-alert-command.js';
import { makeAlert, NOW } from '../../../support/fixtures.js';
import { texts, walk } from '../../../support/slack-blocks.js';

function expectWithinLimits({ blocks }: SlackMessage): void {
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocks);
  expect(blocksSize(blocks)).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocksChars);
  for (const t of texts(blocks)) expect(t.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
}

describe('buildAlertList', () => {
  it('lists name, type, state, schedule and next run, each alert\'s times in its schedule\'s zone, and says so', () => {
    const message = buildAlertList([makeAlert(), makeAlert({ id: 'r', name: 'Weekly', type: 'report', condition: null, active: false })], { now: NOW });
    const json = walk(message.blocks).json;
    expect(message.text).toBe('2 alerts and reports');
    expect(json).toContain('• *Orders stalled* (alert) — ✅ sent — every day at 09:00 (Asia/Seoul) — next: 2026-11-25 09:00 (Asia/Seoul)');
    expect(json).toContain("Each alert's times are in its own schedule timezone.");
    expect(json).toContain('• *Weekly* (report) — ⏸️ paused');
    expectWithinLimits(message);
  });

  it("shows the admins' mute first, in the reader's zone where Slack cannot show its own, also with no alerts", () => {
    const mute = { until: new Date('2026-11-25T02:00:00Z'), by: 'U0ADMIN', at: NOW };
    const line = `🔕 *Everything muted* until <!date^${mute.until.getTime() / 1000}^{date_short_pretty} at {time}|2026-11-25 11:00 (Asia/Seoul)> by <@U0ADMIN>`;
    const listed = buildAlertList([makeAlert()], { now: NOW, mute, zone: 'Asia/Seoul' });
    expect(listed.blocks[1]).toMatchObject({ type: 'section', text: { text: line } });
    expect(walk(buildAlertList([], { now: NOW, mute, zone: 'Asia/Seoul' }).blocks).json).toContain(line.replace(/"/g, '\\"'));
    expect(walk(buildAlertList([makeAlert()], { now: NOW, mute: null }).blocks).json).not.toContain('muted');
  });

  it('needs only the first PACK_MAX_LINES alerts read: the same message as from all of them, counting the rest', () => {
    // Short names pack the most lines into a message; long ones the fewest.
    for (const name of ['A', `Alert ${'x'.repeat(200)}`]) {
      for (const n of [1, PACK_MAX_LINES, PACK_MAX_LINES + 1, 5_000]) {
        const all = Array.from({ length: n }, (_, i) => makeAlert({ id: `a${i}`, name: `${name}${i}` }));
        const fromAll = buildAlertList(all, { now: NOW });
        const fromFirst = buildAlertList(all.slice(0, PACK_MAX_LINES), { now: NOW, total: n });
        expect(fromFirst).toEqual(fromAll);
      }
    }
    const counted = walk(buildAlertList(Array.from({ length: 3 }, (_, i) => makeAlert({ id: `a${i}` })), { now: NOW, total: 10_000 }).blocks).json;
    expect(counted).toContain('10000 alerts and reports');
    expect(counted).toContain('…and 9997 more');
  });

  it('says how to start when empty', () => {
    expect(walk(buildAlertList([], { now: NOW }).blocks).json).toContain('`/alert create`');
  });

  it('stays within message limits with thousands of alerts, saying how many are left out', () => {
    const alerts = Array.from({ length: 3000 }, (_, i) => makeAlert({ id: `a${i}`, name: `Alert number ${i} ${'x'.repeat(60)}` }));
    const message = buildAlertList(alerts, { now: NOW });
    expectWithinLimits(message);
    expect(walk(message.blocks).json).toMatch(/…and \d+ more/);
  });
});

describe('buildHelp and buildUsageError', () => {
  it('help lists every subcommand', () => {
    const json = walk(buildHelp().blocks).json;
    for (const sub of Object.keys(USAGE)) expect(json).toContain(`/alert ${sub}`);
  });

  it('a usage error shows the message, escaped, and points to help', () => {
    const message = buildUsageError('Unknown subcommand "<!channel>". Try …');
    const json = walk(message.blocks).json;
    expect(json).toContain('⚠️ Unknown subcommand \\"&lt;!channel&gt;\\"');
    expect(json).toContain('`/alert help`');
    expect(message.text).not.toContain('<!channel>');
  });
});
