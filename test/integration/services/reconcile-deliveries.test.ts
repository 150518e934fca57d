// Reconciliation against real parts: the PostgreSQL store, the tick runner posting with the real
// Slack delivery and WebClient to the Slack simulator, and the sweep looking sends up there. A
// test clock (set to the real time, since the simulator stamps messages with it) is moved past
// the settle and give-up times; Slack's slowness is the simulator's latency against a short
// client timeout.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { WebClient } from '@slack/web-api';
import { createSlackDelivery, parseMessageRef } from '../../../src/delivery/slack/slack-delivery.js';
import { createSlackSentMessages } from '../../../src/delivery/slack/slack-sent-messages.js';
import type { Alert, Execution } from '../../../src/domain/types.js';
import { silentLogger } from '../../../src/logger.js';
import type { SentMessages } from '../../../src/services/delivery-port.js';
import { createDeliveryNotices } from '../../../src/services/notify-owners.js';
import { createReconciler, type Reconciler, type ReconcileSettings } from '../../../src/services/reconcile-deliveries.js';
import { createSlackClient } from '../../../src/slack-api/client.js';
import { createPostgresStore } from '../../../src/store/postgres/store.js';
import type { Store } from '../../../src/store/port.js';
import { eventually } from '../../support/eventually.js';
import { createHarness, OWNER, type Harness } from '../../support/harness.js';
import { startSlackSimulator, type SlackSimulator } from '../../support/slack-simulator/index.js';

const OPS = 'C0OPS0001';
const BOB = 'U0BOB0001';
/** Every Slack call gives up after this; the simulator answers posts later than that when told to be slow. */
const TIMEOUT_MS = 400;
const SLOW_MS = 1_200;

let sim: SlackSimulator;
let client: WebClient;
let h: Harness;
const stores: Store[] = [];

beforeAll(async () => {
  sim = await startSlackSimulator({
    users: [
      { id: OWNER, name: 'owner', tz: 'UTC' },
      { id: BOB, name: 'bob', tz: 'Europe/Berlin' },
    ],
    channels: [{ id: OPS, name: 'ops', members: [OWNER, BOB] }],
  });
  client = createSlackClient({ token: sim.botToken, slackApiUrl: sim.url, timeoutMs: TIMEOUT_MS });
  h = await createHarness({ delivery: (_, clock) => createSlackDelivery({ client, token: sim.botToken, logger: silentLogger(), clock }) });
}, 60_000);

afterEach(() => sim.faults.clear());

afterAll(async () => {
  for (const store of stores) await store.close();
  await h?.close();
  await sim?.stop();
});

/** A sweeper as one instance has it: its own store connection when `own`, the real Slack look-up and owner notices. */
async function reconciler(options: { own?: boolean; sent?: SentMessages; settings?: Partial<ReconcileSettings> } = {}): Promise<Reconciler> {
  let store = h.store;
  if (options.own === true) {
    store = await createPostgresStore({ connectionString: h.db.url, max: 4 });
    stores.push(store);
  }
  const delivery = createSlackDelivery({ client, token: sim.botToken, logger: silentLogger(), clock: h.clock });
  return createReconciler({
    store,
    sent: options.sent ?? createSlackSentMessages({ client, logger: silentLogger(), clock: h.clock }),
    notices: createDeliveryNotices({ delivery, logger: silentLogger() }),
    clock: h.clock,
    logger: silentLogger(),
    settings: options.settings,
  });
}

let scheduled = Date.UTC(2026, 11, 1, 9, 0);
/**
 * The alert's next scheduled tick (a minute after the last one of any test), run now. The clock
 * goes back to the real time first: the simulator stamps messages with it, and the look-up's
 * window is the execution's send time (on the clock) give or take minutes.
 */
async function tick(alert: Alert): Promise<Execution> {
  scheduled += 60_000;
  h.clock.set(new Date());
  const summary = await h.runner.runTick({ alertId: alert.id, scheduledAt: new Date(scheduled), trigger: 'schedule' });
  if (summary === null) throw new Error('the tick was not claimed');
  const execution = await h.store.getExecution(summary.executionId);
  if (execution === null) throw new Error('the execution was not stored');
  return execution;
}

/** Messages of this execution in a channel (a user id: their DM), top level and replies. */
const postsOf = (executionId: string, channel: string) =>
  sim.messages(channel).filter((m) => (m.metadata as { event_payload?: { execution_id?: string } } | undefined)?.event_payload?.execution_id === executionId);
/** Owner notices of the delivery kind so far. */
const deliveryNotices = () => sim.messages(OWNER).filter((m) => (m.metadata as { event_payload?: { kind?: string } } | undefined)?.event_payload?.kind === 'delivery_notice');

const minutes = (n: number) => n * 60_000;

describe('reconciling sends whose outcome was unknown', () => {
  it('a post that timed out but arrived: the execution becomes SUCCESS with its ts, repeats thread under it again', async () => {
    const alert = await h.createAlert({ recipients: [{ kind: 'slack_channel', id: OPS }, { kind: 'slack_user', id: BOB }] });
    sim.faults.latency({ method: 'chat.postMessage', ms: SLOW_MS, times: 2 });
    const first = await tick(alert);
    expect(first.state).toBe('UNKNOWN');
    expect(first.deliveries.map((d) => [d.recipient, d.unknown, d.ref])).toEqual([
      [`channel:${OPS}`, true, null],
      [`user:${BOB}`, true, null],
    ]);
    // Slack finishes the slow posts after Lookout stopped waiting.
    await eventually(async () => postsOf(first.id, OPS).length === 1 && postsOf(first.id, BOB).length === 1, 10_000, 'the slow posts to land');
    const [inOps] = postsOf(first.id, OPS);
    const [toBob] = postsOf(first.id, BOB);

    h.clock.advance(20_000);
    const summary = await (await reconciler()).sweep();
    expect(summary).toMatchObject({ executions: 1, found: 2, missing: 0, gaveUp: 0, waiting: 0 });
    const after = await h.store.getExecution(first.id);
    expect(after?.state).toBe('SUCCESS');
    expect(after?.reason).toContain('Lookout found the message afterwards');
    expect(after?.deliveries).toEqual([
      expect.objectContaining({ recipient: `channel:${OPS}`, ok: true, unknown: false, ref: `${OPS}:${inOps?.ts}`, reconciled: 'found' }),
      expect.objectContaining({ recipient: `user:${BOB}`, ok: true, unknown: false, ref: `${toBob?.channel}:${toBob?.ts}`, reconciled: 'found' }),
    ]);
    // The found messages are the incident's threads again; nothing was posted twice, nobody was told.
    const threads = (await h.store.getAlert(alert.id))?.threads;
    expect(threads).toEqual({ [`channel:${OPS}`]: `${OPS}:${inOps?.ts}`, [`user:${BOB}`]: `${toBob?.channel}:${toBob?.ts}` });
    expect(deliveryNotices()).toHaveLength(0);

    h.clock.advance(minutes(1));
    const repeat = await tick(alert);
    expect(repeat.state).toBe('SUCCESS');
    const [reply] = postsOf(repeat.id, OPS);
    expect(reply?.thread_ts).toBe(inOps?.ts);
    expect(sim.message(OPS, inOps!.ts)?.history.length).toBeGreaterThan(0);
    expect(postsOf(first.id, OPS)).toHaveLength(1);
  }, 30_000);

  it('soon after Slack answers a send again, the sends waiting are looked up without waiting for the minute', async () => {
    const alert = await h.createAlert({ recipients: [{ kind: 'slack_channel', id: OPS }] });
    const sweeper = await reconciler({ settings: { nudgeDelayMs: 50, nudgeGapMs: 0 } });
    sim.faults.latency({ method: 'chat.postMessage', ms: SLOW_MS, times: 1 });
    const slow = await tick(alert);
    expect(slow.state).toBe('UNKNOWN');
    sweeper.onSends(slow.deliveries);
    await eventually(async () => postsOf(slow.id, OPS).length === 1, 10_000, 'the slow post to land');
    // Nothing is swept until a send gets through.
    expect((await h.store.getExecution(slow.id))?.state).toBe('UNKNOWN');

    h.clock.advance(minutes(1));
    const quick = await tick(alert);
    expect(quick.state).toBe('SUCCESS');
    sweeper.onSends(quick.deliveries);
    await eventually(async () => (await h.store.getExecution(slow.id))?.state === 'SUCCESS', 10_000, 'the nudged sweep to find the slow post');
    await sweeper.stop();
  }, 30_000);

  it('a repeat that timed out but arrived in the thread: found there, and the first message rewritten', async () => {
    const alert = await h.createAlert({ recipients: [{ kind: 'slack_channel', id: OPS }] });
    const first = await tick(alert);
    const thread = parseMessageRef(first.deliveries[0]?.ref ?? null);
    expect(first.state).toBe('SUCCESS');
    sim.faults.latency({ method: 'chat.postMessage', ms: SLOW_MS, times: 1 });
    h.setMetric(77);
    h.clock.advance(minutes(1));
    const repeat = await tick(alert);
    expect(repeat.state).toBe('UNKNOWN');
    await eventually(async () => postsOf(repeat.id, OPS).length === 1, 10_000, 'the slow reply to land');
    const updatesBefore = sim.message(OPS, thread!.ts)?.history.length ?? 0;

    const summary = await (await reconciler()).sweep();
    expect(summary).toMatchObject({ found: 1 });
    const after = await h.store.getExecution(repeat.id);
    expect(after).toMatchObject({ state: 'SUCCESS' });
    expect(after?.deliveries[0]).toMatchObject({ ok: true, ref: first.deliveries[0]?.ref, reconciled: 'found' });
    // The tick could not rewrite the first message after its reply; reconciliation did, with the value the repeat saw.
    const firstNow = sim.message(OPS, thread!.ts);
    expect(firstNow?.history.length).toBe(updatesBefore + 1);
    expect(JSON.stringify(firstNow?.blocks)).toContain('77');
    h.setMetric(42);
  }, 30_000);

  it('a post that never arrived: waits out the settle time, then ERROR "did not arrive" and one owner notice', async () => {
    const alert = await h.createAlert({ recipients: [{ kind: 'slack_channel', id: OPS }] });
    // Slack answers the post with a 500 (nothing posted) and the delivery's own look-up cannot ask: unknown.
    sim.faults.httpError({ method: 'chat.postMessage', status: 500, times: 1 });
    sim.faults.slackError({ method: 'conversations.history', error: 'internal_error', times: 1 });
    const execution = await tick(alert);
    expect(execution.state).toBe('UNKNOWN');
    expect(postsOf(execution.id, OPS)).toHaveLength(0);
    const sweeper = await reconciler();
    const notices = deliveryNotices().length;

    h.clock.advance(minutes(1));
    expect(await sweeper.sweep()).toMatchObject({ executions: 1, missing: 0, waiting: 1 });
    expect((await h.store.getExecution(execution.id))?.state).toBe('UNKNOWN');

    h.clock.advance(minutes(5));
    expect(await sweeper.sweep()).toMatchObject({ executions: 1, missing: 1 });
    const after = await h.store.getExecution(execution.id);
    expect(after?.state).toBe('ERROR');
    expect(after?.reason).toMatch(/^delivery failed for channel:C0OPS0001: did not arrive \(/);
    expect(after?.deliveries[0]).toMatchObject({ ok: false, unknown: false, reconciled: 'missing' });
    expect(deliveryNotices()).toHaveLength(notices + 1);
    expect(deliveryNotices().at(-1)?.text).toContain('a message did not arrive');

    // Recorded once: the next sweep has nothing to do.
    expect(await sweeper.sweep()).toMatchObject({ executions: 0 });
    expect(deliveryNotices()).toHaveLength(notices + 1);
  }, 30_000);

  it('Slack not answering look-ups for the give-up time: gave up, still unknown, one owner notice', async () => {
    const alert = await h.createAlert({ recipients: [{ kind: 'slack_channel', id: OPS }] });
    sim.faults.httpError({ method: 'chat.postMessage', status: 500, times: 1 });
    sim.faults.slackError({ method: 'conversations.history', error: 'internal_error' });
    const execution = await tick(alert);
    expect(execution.state).toBe('UNKNOWN');
    const sweeper = await reconciler();
    const notices = deliveryNotices().length;

    h.clock.advance(minutes(10));
    expect(await sweeper.sweep()).toMatchObject({ gaveUp: 0, waiting: 1 });
    h.clock.advance(minutes(21));
    expect(await sweeper.sweep()).toMatchObject({ gaveUp: 1 });
    const after = await h.store.getExecution(execution.id);
    expect(after?.state).toBe('UNKNOWN');
    expect(after?.deliveries[0]).toMatchObject({ ok: false, unknown: true, reconciled: 'gave_up' });
    expect(after?.deliveries[0]?.error).toContain('Lookout could not find out afterwards whether it arrived');
    expect(deliveryNotices()).toHaveLength(notices + 1);
    expect(deliveryNotices().at(-1)?.text).toContain('Lookout cannot tell whether a message arrived');
  }, 30_000);

  it('two sweeps at once (two instances) record a missing send once and tell the owners once', async () => {
    const alert = await h.createAlert({ recipients: [{ kind: 'slack_channel', id: OPS }] });
    sim.faults.httpError({ method: 'chat.postMessage', status: 500, times: 1 });
    sim.faults.slackError({ method: 'conversations.history', error: 'internal_error', times: 1 });
    const execution = await tick(alert);
    expect(execution.state).toBe('UNKNOWN');
    h.clock.advance(minutes(6));
    const notices = deliveryNotices().length;

    // Both look the send up before either records anything: the store decides who records it.
    let arrived = 0;
    let release: () => void = () => undefined;
    const bothAsked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const real = createSlackSentMessages({ client, logger: silentLogger(), clock: h.clock });
    const together: SentMessages = {
      async find(recipient, query, signal) {
        const answer = await real.find(recipient, query, signal);
        arrived += 1;
        if (arrived === 2) release();
        await bothAsked;
        return answer;
      },
      showFiring: real.showFiring,
    };
    const [a, b] = await Promise.all([(await reconciler({ own: true, sent: together })).sweep(), (await reconciler({ own: true, sent: together })).sweep()]);
    expect(a.missing + b.missing).toBe(1);
    // The other sweep either lost the race to record it, or (on a loaded machine, its look-up
    // timing out) waits for the next sweep, which finds it recorded: never a second record.
    expect(a.lost + b.lost + a.waiting + b.waiting).toBe(1);
    expect((await h.store.getExecution(execution.id))?.state).toBe('ERROR');
    expect(deliveryNotices()).toHaveLength(notices + 1);
  }, 30_000);
});
