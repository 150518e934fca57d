// An alert's recent runs, as /alert history and the History button show them.
import { describe, expect, it } from '@jest/globals';
import type { Alert, Execution, SeriesOutcome } from '../../../src/domain/types.js';
import { historyDoc } from '../../../src/messages/history.js';
import { blocksSize, SLACK_LIMITS, type SlackMessage } from '../../../src/messages/slack/limits.js';
import { renderSlack } from '../../../src/messages/slack/render-slack.js';
import { makeAlert, makeExecution } from '../../support/fixtures.js';
import { texts, walk } from '../../support/slack-blocks.js';

const buildHistory = (alert: Alert, executions: Execution[], timezone: string): SlackMessage => renderSlack(historyDoc(alert, executions, timezone), { surface: 'message' }).message;

function expectWithinLimits({ blocks }: SlackMessage): void {
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocks);
  expect(blocksSize(blocks)).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocksChars);
  for (const t of texts(blocks)) expect(t.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
}

describe('buildHistory', () => {
  it('shows each run: time, state, value or reason, deliveries', () => {
    const executions = [
      makeExecution(),
      makeExecution({
        id: 'e2',
        trigger: 'run_now',
        state: 'ERROR',
        value: null,
        reason: 'delivery failed for 1 of 2',
        deliveries: [
          { recipient: 'channel:C0OPS', ok: false, unknown: false, error: 'not_in_channel', ref: null, note: null },
          { recipient: 'email:ana@example.com', ok: true, unknown: false, error: null, ref: null, note: null },
        ],
      }),
      makeExecution({ id: 'e3', state: 'NOOP', value: null, reason: 'NULL value', deliveries: [] }),
    ];
    const message = buildHistory(makeAlert(), executions, 'Asia/Seoul');
    const json = walk(message.blocks).json;
    expect(json).toContain('`2026-11-24 09:00 (Asia/Seoul)` ✅ sent — value *0* — delivered 1/1');
    expect(json).toContain('⚠️ failed (run now) — delivery failed for 1 of 2 — delivered 1/2; failed: <#C0OPS> (not_in_channel)');
    expect(json).toContain('🟢 OK, nothing to send — NULL value');
    expectWithinLimits(message);
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

