// Slack answers 500 and 429, in turn, to every Web API call for 30 s while alerts fire: each
// message arrives once the outage ends, exactly once per recipient, and every execution ends
// SUCCESS. A 500 leaves it unknown whether a post landed, so Lookout looks (by the message's
// metadata) before posting again.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Alert } from '../../src/domain/types.js';
import { ALERTS, BOB, BOBS, startE2e, type E2e } from '../e2e/support/e2e.js';
import { eventually } from '../support/eventually.js';

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

/** Messages of this execution posted to `channel` (a user id means their DM). */
function postsOf(executionId: string, channel: string): number {
  return e2e.sim.messages(channel).filter((m) => {
    const metadata = m.metadata as { event_payload?: { execution_id?: string } } | undefined;
    return metadata?.event_payload?.execution_id === executionId;
  }).length;
}

describe('Slack down for 30 s', () => {
  it('delivers every message once the outage ends, once each', async () => {
    const alerts: Alert[] = [];
    for (let i = 0; i < 4; i += 1) {
      alerts.push(
        // Bob is in both channels the bot is in.
        await e2e.lookout.service.create(
          { userId: BOB },
          {
            name: `outage ${i}`,
            type: 'alert',
            dataSource: 'sample',
            sql: `SELECT ${i + 10}`,
            condition: { op: '>', threshold: 1 },
            schedule: { cron: '0 9 1 1 *', timezone: 'UTC' },
            recipients: [
              { kind: 'slack_channel', id: i % 2 === 0 ? ALERTS : BOBS },
              { kind: 'slack_user', id: BOB },
            ],
          },
        ),
      );
    }
    const before = e2e.sim.calls('chat.postMessage').length;
    e2e.sim.faults.outage({ method: '*', forMs: 30_000 });
    for (const alert of alerts) await e2e.lookout.service.runNow({ userId: BOB }, alert.id);

    const executions = await eventually(
      async () => {
        const latest = await Promise.all(alerts.map(async (a) => (await e2e.lookout.store.history(a.id, 1))[0]));
        return latest.every((e) => e !== undefined && e.state !== 'WORKING') ? latest : null;
      },
      90_000,
      'every run to finish after the outage',
    );
    // Nothing got through while Slack was down: every post before the first that succeeded was answered by the outage.
    const posts = e2e.sim.calls('chat.postMessage').slice(before);
    const firstOk = posts.findIndex((c) => c.faults.length === 0);
    expect(firstOk).toBeGreaterThan(0);
    expect(posts.slice(0, firstOk).every((c) => c.faults.some((f) => f.kind === 'http_error' || f.kind === 'rate_limited'))).toBe(true);
    expect(executions.map((e) => e?.state)).toEqual(alerts.map(() => 'SUCCESS'));
    alerts.forEach((alert, i) => {
      const execution = executions[i]!;
      expect(postsOf(execution.id, i % 2 === 0 ? ALERTS : BOBS)).toBe(1);
      expect(postsOf(execution.id, BOB)).toBe(1);
    });
    const failed = e2e.sim.calls().filter((c) => c.status === 500 || c.status === 429);
    expect(failed.filter((c) => c.method === 'chat.postMessage').length).toBeGreaterThan(0);
    expect(failed.some((c) => c.status === 429)).toBe(true);
  }, 120_000);
});
