// Slack slow on every post: each post times out on Lookout's side, is recorded with an unknown
// outcome and is not sent again, but Slack posts it anyway. Reconciliation finds each message by
// its metadata, records it delivered with its ts, makes the first one its incident's thread again
// and rewrites it, so repeats thread and history says SUCCESS.
//
// Scaled down: Slack 5 s slow per post against a 1 s request timeout stands for 40 s slow against
// the 15 s default; three slow ticks for three minutes of slowness (ticks are run by hand, a
// scheduled minute apart); the sweep every second for every minute; a settle time of 10 s for
// 5 minutes. Nothing here sleeps: each step waits for what it needs.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Alert, Execution } from '../../src/domain/types.js';
import { ALERTS, BOB, blocksText, startE2e, type E2e } from '../e2e/support/e2e.js';
import { eventually } from '../support/eventually.js';

const SLOW_MS = 5_000;
let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e({
    tuning: {
      slackTimeoutMs: 1_000,
      reconcile: { everyMs: 1_000, settleMs: 10_000, giveUpMs: 60_000, nudgeDelayMs: 200, nudgeGapMs: 1_000 },
    },
  });
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

/** This execution's messages in `channel` (a user id: their DM), top level and replies. */
function postsOf(executionId: string, channel: string) {
  return e2e.sim.messages(channel).filter((m) => (m.metadata as { event_payload?: { execution_id?: string } } | undefined)?.event_payload?.execution_id === executionId);
}

async function tick(alert: Alert, minute: number): Promise<Execution> {
  const summary = await e2e.lookout.runner.runTick({ alertId: alert.id, scheduledAt: new Date(Date.UTC(2026, 11, 1, 9, minute)), trigger: 'schedule' });
  if (summary === null) throw new Error('the tick was not claimed');
  const execution = await e2e.lookout.store.getExecution(summary.executionId);
  if (execution === null) throw new Error('the execution was not stored');
  return execution;
}

/** Waits until the sweep has recorded every send of these executions. */
async function reconciled(executions: Execution[]): Promise<Execution[]> {
  return eventually(
    async () => {
      const now = await Promise.all(executions.map((e) => e2e.lookout.store.getExecution(e.id)));
      return now.every((e) => e?.state === 'SUCCESS') ? (now as Execution[]) : null;
    },
    60_000,
    'the sweep to find every message',
  );
}

describe('Slack slow on every post for a while', () => {
  it('each message arrives once, is found, threads and the first message go on, history says SUCCESS', async () => {
    const alert = await e2e.lookout.service.create(
      { userId: BOB },
      {
        name: 'slow slack',
        type: 'alert',
        dataSource: 'sample',
        sql: 'SELECT v FROM metric',
        condition: { op: '>', threshold: 1 },
        schedule: { cron: '0 9 1 1 *', timezone: 'UTC' },
        gracePeriodS: 60,
        recipients: [
          { kind: 'slack_channel', id: ALERTS },
          { kind: 'slack_user', id: BOB },
        ],
      },
    );
    const slow = e2e.sim.faults.latency({ method: 'chat.postMessage', ms: SLOW_MS });

    // Two ticks back to back: the second starts before the first's message has landed, so it
    // has no thread yet and posts at the top level too. Both time out: unknown, not re-sent.
    const first = await tick(alert, 0);
    const second = await tick(alert, 1);
    expect([first.state, second.state]).toEqual(['UNKNOWN', 'UNKNOWN']);
    expect(second.deliveries.every((d) => d.unknown && d.ref === null)).toBe(true);

    const [firstFound, secondFound] = await reconciled([first, second]);
    const m1 = postsOf(first.id, ALERTS)[0]!;
    const d1 = postsOf(first.id, BOB)[0]!;
    expect(firstFound?.deliveries.map((d) => [d.ref, d.reconciled])).toEqual([
      [`${ALERTS}:${m1.ts}`, 'found'],
      [`${d1.channel}:${d1.ts}`, 'found'],
    ]);
    expect(secondFound?.deliveries.map((d) => d.reconciled)).toEqual(['found', 'found']);
    // The first message is the incident's thread again, for each recipient.
    expect((await e2e.lookout.store.getAlert(alert.id))?.threads).toEqual({ [`channel:${ALERTS}`]: `${ALERTS}:${m1.ts}`, [`user:${BOB}`]: `${d1.channel}:${d1.ts}` });

    // Still slow: the repeat goes into that thread, times out, and is found there.
    const third = await tick(alert, 2);
    expect(third.state).toBe('UNKNOWN');
    const [thirdFound] = await reconciled([third]);
    expect(thirdFound?.deliveries.map((d) => d.ref)).toEqual([`${ALERTS}:${m1.ts}`, `${d1.channel}:${d1.ts}`]);

    // Slack is quick again: the next repeat threads and updates at once.
    slow.remove();
    const fourth = await tick(alert, 3);
    expect(fourth.state).toBe('SUCCESS');

    const runs = [first, second, third, fourth];
    for (const run of runs) {
      expect(postsOf(run.id, ALERTS)).toHaveLength(1);
      expect(postsOf(run.id, BOB)).toHaveLength(1);
    }
    // The second run's message stands alone (its tick had no thread); the later ones reply under the first.
    expect(postsOf(second.id, ALERTS)[0]?.thread_ts).toBeUndefined();
    expect([third, fourth].map((run) => postsOf(run.id, ALERTS)[0]?.thread_ts)).toEqual([m1.ts, m1.ts]);
    expect([third, fourth].map((run) => postsOf(run.id, BOB)[0]?.thread_ts)).toEqual([d1.ts, d1.ts]);
    // The first message was rewritten to the alert's status: after the later messages were found, and by the last repeat.
    const firstNow = e2e.sim.message(ALERTS, m1.ts);
    expect(firstNow?.history.length).toBeGreaterThanOrEqual(2);
    expect(firstNow?.text).toContain('slow slack is firing');
    // Nobody was told of anything: every message arrived.
    expect(e2e.sim.messages(BOB).filter((m) => (m.metadata as { event_payload?: { kind?: string } } | undefined)?.event_payload?.kind === 'delivery_notice')).toHaveLength(0);

    const history = blocksText((await e2e.command(BOB, 'history slow slack')).blocks);
    // Four runs, each sent (history's run lines; the lines under them name where each went).
    expect(history.match(/` ✅ sent — /g)).toHaveLength(4);
    expect(history.match(/found later/g)).toHaveLength(6);
    expect(history).not.toContain('unknown');
  }, 120_000);
});
