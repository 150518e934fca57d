// Slack answers 500 and 429, in turn, to every Web API call for 30 s while alerts fire: each
// message arrives once the outage ends, exactly once per recipient, and every execution ends
// SUCCESS. A 500 leaves it unknown whether a post landed, so Lookout looks (by the message's
// metadata) before posting again.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as delay } from 'node:timers/promises';
import type { Alert, Execution } from '../../src/domain/types.js';
import { ALERTS, BOB, BOBS, startE2e, type E2e } from '../e2e/support/e2e.js';

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
    const started = Date.now();
    e2e.sim.faults.outage({ method: '*', forMs: 30_000 });
    for (const alert of alerts) await e2e.lookout.service.runNow({ userId: BOB }, alert.id);

    let executions: (Execution | undefined)[] = [];
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; await delay(500)) {
      executions = await Promise.all(alerts.map(async (a) => (await e2e.lookout.store.history(a.id, 1))[0]));
      if (executions.every((e) => e !== undefined && e.state !== 'WORKING')) break;
    }
    // Nothing got through while Slack was down.
    expect(Date.now() - started).toBeGreaterThanOrEqual(30_000);
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
