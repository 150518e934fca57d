// An alert's recent runs, as /alert history and the History button show them.
import { describe, expect, it } from '@jest/globals';
import type { Alert, DeliveryRecord, Execution, SeriesOutcome } from '../../../src/domain/types.js';
import { historyDoc } from '../../../src/messages/history.js';
import { slackErrorInfo } from '../../../src/slack-api/slack-errors.js';
import { blocksSize, SLACK_LIMITS, type SlackMessage } from '../../../src/messages/slack/limits.js';
import { renderSlack } from '../../../src/messages/slack/render-slack.js';
import { makeAlert, makeExecution } from '../../support/fixtures.js';
import { texts, walk } from '../../support/slack-blocks.js';

const buildHistory = (alert: Alert, executions: Execution[], timezone: string, teamDomain: string | null = null): SlackMessage =>
  renderSlack(historyDoc(alert, executions, timezone, { teamDomain }), { surface: 'message' }).message;

/** The message's lines as Slack gets them (mrkdwn). */
const lines = (message: SlackMessage): string[] => texts(message.blocks).flatMap((t) => t.text.split('\n'));

const record = (recipient: string, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord => ({ recipient, ok: true, unknown: false, error: null, ref: null, note: null, ...overrides });

function expectWithinLimits({ blocks }: SlackMessage): void {
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocks);
  expect(blocksSize(blocks)).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocksChars);
  for (const t of texts(blocks)) expect(t.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
}

describe('buildHistory', () => {
  it('shows each run: time, state, value or reason, deliveries, then each recipient under it', () => {
    const executions = [
      makeExecution(),
      makeExecution({
        id: 'e2',
        trigger: 'run_now',
        state: 'ERROR',
        value: null,
        reason: 'delivery failed for 1 of 2',
        deliveries: [record('channel:C0OPS', { ok: false, error: slackErrorInfo('not_in_channel').message }), record('email:ana@example.com', { ref: '<abc@lookout>' })],
      }),
      makeExecution({ id: 'e3', state: 'NOOP', value: null, reason: 'NULL value', deliveries: [] }),
    ];
    const message = buildHistory(makeAlert(), executions, 'Asia/Seoul');
    expect(lines(message)).toEqual([
      'History of Orders stalled',
      '`2026-11-24 09:00 (Asia/Seoul)` ✅ sent — value *0* — delivered 1/1',
      '↳ ✅ sent to <#C0OPS>',
      '`2026-11-24 09:00 (Asia/Seoul)` ⚠️ failed (run now) — delivery failed for 1 of 2 — delivered 1/2',
      '↳ ❌ <#C0OPS> failed: not_in_channel — what to do: `/invite @Lookout` in <#C0OPS>',
      '↳ ✅ sent to ana@example.com',
      '`2026-11-24 09:00 (Asia/Seoul)` 🟢 OK, nothing to send — NULL value',
      'Times in Asia/Seoul.',
    ]);
    expectWithinLimits(message);
  });

  it('links each Slack message when the workspace domain is known, and only then', () => {
    const run = makeExecution({ deliveries: [record('channel:C0OPS', { ref: 'C0OPS:1700000000.000100' }), record('user:U0ANA', { ref: 'D0ANA:1700000001.000200', digest: true })] });
    expect(lines(buildHistory(makeAlert(), [run], 'UTC', 'acme'))).toContain(
      '↳ ✅ sent to <#C0OPS> (<https://acme.slack.com/archives/C0OPS/p1700000000000100|message>), <@U0ANA> (in a digest, <https://acme.slack.com/archives/D0ANA/p1700000001000200|message>)',
    );
    expect(lines(buildHistory(makeAlert(), [run], 'UTC'))).toContain('↳ ✅ sent to <#C0OPS>, <@U0ANA> (in a digest)');
    // A domain that is not one is not put into a URL.
    expect(walk(buildHistory(makeAlert(), [run], 'UTC', 'evil.com/x?').blocks).json).not.toContain('https://');
  });

  it('says per recipient: failed with what to do, by email instead, unknown and not re-sent, reconciled, sent with a note', () => {
    const alert = makeAlert({ name: 'Daily revenue' });
    const run = makeExecution({
      state: 'ERROR',
      value: null,
      reason: 'delivery failed for 4 of 6',
      deliveries: [
        record('channel:C0ARCH', { ok: true, fallback: 'ops@example.com', note: `Slack failed (${slackErrorInfo('is_archived').message}); sent by email to ops@example.com instead` }),
        record('user:U0GONE', { ok: false, unknown: true, error: 'the working timeout ran out while waiting for Slack to answer; the message may or may not have been posted, so Lookout did not send it again' }),
        record('user:U0LOST', { ok: false, unknown: true, error: 'Slack had an internal error', reconciled: 'missing' }),
        record('user:U0FOUND', { ok: true, unknown: false, ref: 'D0FOUND:1700000000.000100', reconciled: 'found' }),
        record('email:nobody@example.com', { ok: false, error: 'the mail server refused nobody@example.com: 550 5.1.1 <nobody@example.com>: no such user' }),
        record('channel:C0CSV', { ok: true, note: 'the CSV could not be uploaded: Slack answered HTTP 500' }),
      ],
    });
    expect(lines(buildHistory(alert, [run], 'UTC'))).toEqual([
      'History of Daily revenue',
      '`2026-11-24 00:00 UTC` ⚠️ failed — delivery failed for 4 of 6 — delivered 3/6',
      '↳ 📧 <#C0ARCH> Slack failed (is_archived); sent by email to ops@example.com instead — what to do: unarchive <#C0ARCH> or change the recipients (`/alert edit "Daily revenue"`).',
      '↳ ❔ <@U0GONE> outcome unknown; not re-sent',
      '↳ ❌ <@U0LOST> outcome was unknown; checked later, it had not arrived; not re-sent',
      '↳ ❌ nobody@example.com failed: the mail server refused nobody@example.com: 550 5.1.1 &lt;nobody@example.com&gt;: no such user — what to do: check the address nobody@example.com (the mail server’s reply says why it was refused); if it is wrong, change the recipients (`/alert edit "Daily revenue"`).',
      '↳ ⚠️ <#C0CSV> sent, but the CSV could not be uploaded: Slack answered HTTP 500',
      '↳ ✅ sent to <@U0FOUND> (found later)',
      'Times in UTC.',
    ]);
  });

  it('an unknown error keeps its own words and gets the honest advice', () => {
    const run = makeExecution({ deliveries: [record('channel:C0OPS', { ok: false, error: 'the sky fell' })] });
    expect(lines(buildHistory(makeAlert(), [run], 'UTC'))).toContain(
      '↳ ❌ <#C0OPS> failed: the sky fell — what to do: Lookout has no advice for this error: the Lookout log has the details. If it keeps failing, a Lookout admin can run `/alert doctor`.',
    );
  });

  it("says how Slack showed a chart: drawn by Slack, or a picture after a fallback", () => {
    const delivered = (picture: 'native' | 'image') => [{ recipient: 'channel:C0OPS', ok: true, unknown: false, error: null, ref: null, note: null, picture }];
    const json = walk(buildHistory(makeAlert(), [makeExecution({ deliveries: delivered('native') }), makeExecution({ id: 'e2', deliveries: delivered('image') })], 'UTC').blocks).json;
    expect(json).toContain('delivered 1/1; chart drawn by Slack');
    expect(json).toContain('delivered 1/1; picture uploaded');
  });

  it('lists what the series of a run did, with their values and levels, the first five', () => {
    const outcome = (region: string, event: SeriesOutcome['event'], level: SeriesOutcome['level'], value: string | null): SeriesOutcome => ({
      key: region,
      labels: { region },
      event,
      status: event === 'resolved' || event === 'normal' ? 'normal' : event === 'pending' ? 'pending' : 'firing',
      level,
      value,
      reason: '',
    });
    const alert = makeAlert({ labels: ['region'], warning: { op: '<', threshold: 5 } });
    const run = makeExecution({
      value: '2 of 4 series firing',
      series: [outcome('eu', 'fired', 'critical', '7.2'), outcome('us', 'resolved', null, '3.1'), outcome('ap', 'normal', null, '1'), outcome('sa', 'pending', 'warning', '4'), outcome('af', 'grace', 'critical', '9')],
    });
    const json = walk(buildHistory(alert, [run], 'UTC').blocks).json;
    expect(json).toContain('value *2 of 4 series firing* — series: region=eu fired critical (7.2), region=us resolved (3.1), region=sa pending warning (4) — delivered 1/1');
    // Six that changed: five named.
    const six = makeExecution({ series: ['a', 'b', 'c', 'd', 'e', 'f'].map((r) => outcome(r, 'escalated', 'critical', '9')) });
    expect(walk(buildHistory(alert, [six], 'UTC').blocks).json).toContain('region=e escalated critical (9), +1 more');
    // An unlabelled alert without a warning level: the event and the value.
    const single = makeExecution({ series: [{ ...outcome('', 'pending', 'critical', '20'), labels: {} }] });
    expect(walk(buildHistory(makeAlert({ pendingTicks: 3 }), [single], 'UTC').blocks).json).toContain('— series: pending (20)');
  });

  it('a run of an alert without series reads as it always did', () => {
    const json = walk(buildHistory(makeAlert(), [makeExecution({ series: [] })], 'UTC').blocks).json;
    expect(json).toContain('✅ sent — value *0* — delivered 1/1');
    expect(json).not.toContain('series');
  });

  it('stays within limits with every recipient failing on every run, leaving older runs out whole', () => {
    const failing = Array.from({ length: 20 }, (_, i) => record(`channel:C0CH${i}`, { ok: false, error: `${'x'.repeat(1500)} ${i}` }));
    const runs = Array.from({ length: 50 }, (_, i) => makeExecution({ id: `e${i}`, reason: 'r'.repeat(2000), deliveries: failing }));
    const message = buildHistory(makeAlert(), runs, 'UTC');
    expectWithinLimits(message);
    const all = lines(message);
    expect(all.filter((l) => l.startsWith('↳ ❌'))).toHaveLength(5 * all.filter((l) => l.startsWith('`')).length);
    expect(all).toContain('↳ +15 more not simply sent');
    expect(all.at(-1)).toMatch(/^Times in UTC\. \d+ older runs left out to keep this message short\.$/);
  });

  it('says when there are no runs, and stays small with many long ones', () => {
    expect(walk(buildHistory(makeAlert(), [], 'UTC').blocks).json).toContain('No runs yet.');
    const many = Array.from({ length: 50 }, (_, i) =>
      makeExecution({
        id: `e${i}`,
        reason: 'r'.repeat(2000),
        series: Array.from({ length: 100 }, (_, j) => ({ key: `${j}`, labels: { region: 'x'.repeat(300) }, event: 'fired' as const, status: 'firing' as const, level: 'critical' as const, value: 'v'.repeat(300), reason: '' })),
      }),
    );
    expectWithinLimits(buildHistory(makeAlert(), many, 'UTC'));
  });
});

