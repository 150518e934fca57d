// Whose an incident's first message is and what it shows travel with the alert (AlertRuntime.drawn),
// not in one instance's memory: the real tick runner, the PostgreSQL store and the real Slack
// delivery (WebClient against the Slack simulator), with a new delivery — nothing in memory, as
// another instance or one after a restart has — for every tick. A repeat that changes nothing
// on the first message is the reply alone; one that does rewrites it; Slack is never asked whose
// the message is (conversations.replies and chat.update are Tier 3 in Slack).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSlackDelivery } from '../../../src/delivery/slack/slack-delivery.js';
import type { Alert } from '../../../src/domain/types.js';
import { silentLogger } from '../../../src/logger.js';
import type { Delivery } from '../../../src/services/delivery-port.js';
import { createSlackClient } from '../../../src/slack-api/client.js';
import { createHarness, type Harness } from '../../support/harness.js';
import { startSlackSimulator, type SlackSimulator } from '../../support/slack-simulator/index.js';

const OPS = 'C0OPS0001';
const OWNER = 'UOWNER1';

let sim: SlackSimulator;
let h: Harness;
/** The delivery of the instance running the next tick: a new one each time. */
let current: Delivery;

beforeAll(async () => {
  sim = await startSlackSimulator({ users: [{ id: OWNER, name: 'owner', tz: 'UTC' }], channels: [{ id: OPS, name: 'ops', members: [OWNER] }] });
  const client = createSlackClient({ token: sim.botToken, slackApiUrl: sim.url });
  h = await createHarness({
    delivery: (_, clock) => {
      const fresh = () => createSlackDelivery({ client, token: sim.botToken, logger: silentLogger(), clock });
      current = fresh();
      return {
        send: (...args) => {
          const delivery = current;
          current = fresh();
          return delivery.send(...args);
        },
      };
    },
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await sim?.stop();
});

let scheduled = Date.UTC(2026, 11, 1, 9, 0);
/** The alert's next tick, on a new instance; the Slack methods it called. */
async function tick(alert: Alert, state = 'SUCCESS'): Promise<string[]> {
  scheduled += 60_000;
  h.clock.set(new Date(scheduled + 2_000));
  const since = sim.calls().length;
  const summary = await h.runner.runTick({ alertId: alert.id, scheduledAt: new Date(scheduled), trigger: 'schedule' });
  expect(summary?.state).toBe(state);
  return sim.calls().slice(since).filter((c) => c.status !== 429).map((c) => c.method);
}

describe('the first message of an incident, across instances', () => {
  it('is rewritten only when what it shows changes, and Slack is never asked whose it is', async () => {
    const alert = await h.createAlert({ recipients: [{ kind: 'slack_channel', id: OPS }], gracePeriodS: 0 });
    h.setMetric(42);
    expect(await tick(alert)).toEqual(['chat.postMessage']);
    const ref = (await h.store.getAlert(alert.id))!.threads[`channel:${OPS}`]!;
    const ts = ref.split(':')[1]!;
    expect((await h.store.getAlert(alert.id))!.drawn).toEqual({ [`channel:${OPS}`]: `${ref}|own|` });

    // The first repeat draws the status on it once; the same value again is the reply alone.
    expect(await tick(alert)).toEqual(['chat.postMessage', 'chat.update']);
    expect(await tick(alert)).toEqual(['chat.postMessage']);
    expect(await tick(alert)).toEqual(['chat.postMessage']);
    h.setMetric(57);
    expect(await tick(alert)).toEqual(['chat.postMessage', 'chat.update']);
    expect(JSON.stringify(sim.message(OPS, ts)?.blocks)).toContain('57');
    expect(await tick(alert)).toEqual(['chat.postMessage']);
    expect(sim.replies(OPS, ts)).toHaveLength(5);

    // The recovery (a run that found nothing to alert on) replies and rewrites it as resolved,
    // and the incident's word on it goes with the incident.
    h.setMetric(0);
    expect(await tick(alert, 'NOOP')).toEqual(['chat.postMessage', 'chat.update']);
    expect(JSON.stringify(sim.message(OPS, ts)?.blocks)).toContain('Resolved');
    expect((await h.store.getAlert(alert.id))!.drawn).toEqual({});
  }, 60_000);
});
