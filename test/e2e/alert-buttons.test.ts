// The buttons on a posted alert: Run now, Snooze 1h and Pause change the alert and answer
// only the clicker; someone who is not an owner is told no and nothing changes. Then the
// alert recovers (resolved in the firing thread, the first message rewritten), and a 429 on
// chat.postMessage is waited out and posted exactly once.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Alert } from '../../src/domain/types.js';
import { ACTION } from '../../src/messages/slack/ids.js';
import type { SimMessage } from '../support/slack-simulator/index.js';
import { ALERTS, ALICE, BOB, blocksText, eventually, firingAlert, startE2e, type E2e } from './support/e2e.js';

let e2e: E2e;
let alert: Alert;
let first: SimMessage;
/** Restores the sample value after a test that changed it, even when it failed. */
let afterValue: number | null = null;

// Yearly at 09:00 UTC on 1 January: no scheduled tick gets in the way of these runs.
const YEARLY = { cron: '0 9 1 1 *' };

beforeAll(async () => {
  e2e = await startE2e();
  alert = await e2e.createAlert(ALICE, firingAlert('Checkout errors', YEARLY));
  await e2e.command(ALICE, 'run "Checkout errors"');
  first = await e2e.sim.waitUntil(() => e2e.posts(ALERTS).find((m) => (m.text ?? '').includes('Checkout errors')), 15_000);
}, 60_000);

afterEach(() => {
  if (afterValue !== null) e2e.setMetric(afterValue);
  afterValue = null;
});

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

/** Clicks a button on the first firing message; resolves with the clicker's ephemeral answer. */
async function click(user: string, actionId: string): Promise<string> {
  const before = e2e.sim.ephemerals(user).length;
  await e2e.sim.blockAction({ user, action_id: actionId, message: { channel: ALERTS, ts: first.ts } });
  const answer = await e2e.sim.waitUntil(() => e2e.sim.ephemerals(user)[before]);
  expect(answer.via).toBe('response_url');
  return answer.text ?? '';
}

const stored = async (): Promise<Alert> => (await e2e.lookout.store.getAlert(alert.id))!;
const finishedRuns = async () => (await e2e.lookout.store.history(alert.id, 50)).filter((x) => x.finishedAt !== null);

describe('buttons on an alert message', () => {
  it('the first run posted the alert with its buttons', async () => {
    expect(blocksText(first.blocks)).toContain(ACTION.runNow);
    expect(await eventually(async () => (await finishedRuns()).length === 1, 10_000, 'the first run')).toBe(true);
  });

  it('Snooze until (the date-time picker) snoozes it until the picked time', async () => {
    const until = Math.floor(Date.now() / 1000) + 2 * 3600;
    const before = e2e.sim.ephemerals(ALICE).length;
    await e2e.sim.blockAction({ user: ALICE, action_id: ACTION.snoozeUntil, value: until, message: { channel: ALERTS, ts: first.ts } });
    const answer = await e2e.sim.waitUntil(() => e2e.sim.ephemerals(ALICE)[before]);
    expect(answer.text).toMatch(/Snoozed “Checkout errors” until .*\(Asia\/Seoul\)/);
    expect((await stored()).snoozedUntil?.getTime()).toBe(until * 1000);
    expect((await e2e.command(ALICE, 'snooze "Checkout errors" off')).text).toMatch(/no longer snoozed/);
  });

  it('Run now runs it again and answers ephemerally', async () => {
    const text = await click(ALICE, ACTION.runNow);
    expect(text).toMatch(/Running “Checkout errors” now/);
    const runs = await eventually(async () => ((await finishedRuns()).length === 2 ? finishedRuns() : null), 15_000, 'the second run');
    expect(runs.every((r) => r.trigger === 'run_now')).toBe(true);
    // Still firing: the repeat goes in the first message's thread.
    await e2e.sim.waitUntil(() => e2e.sim.replies(ALERTS, first.ts).length > 0);
  });

  it('Snooze 1h by someone who is not an owner → "not allowed", unchanged', async () => {
    const text = await click(BOB, ACTION.snooze1h);
    expect(text).toMatch(/Not allowed/);
    expect(text).toMatch(/Only the owners/);
    expect((await stored()).snoozedUntil).toBeNull();
  });

  it('Snooze 1h by the owner snoozes it and says until when, in her timezone', async () => {
    const text = await click(ALICE, ACTION.snooze1h);
    expect(text).toMatch(/Snoozed “Checkout errors” until \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(Asia\/Seoul\)/);
    const until = (await stored()).snoozedUntil;
    expect(until).toBeInstanceOf(Date);
    const hoursAhead = (until!.getTime() - Date.now()) / 3600_000;
    expect(hoursAhead).toBeGreaterThan(0.9);
    expect(hoursAhead).toBeLessThanOrEqual(1);
  });

  it('Pause by someone who is not an owner → "not allowed", still active', async () => {
    const text = await click(BOB, ACTION.pause);
    expect(text).toMatch(/Not allowed/);
    expect((await stored()).active).toBe(true);
  });

  it('Pause by the owner pauses it: no next run', async () => {
    const text = await click(ALICE, ACTION.pause);
    expect(text).toMatch(/Paused “Checkout errors”/);
    expect(await stored()).toMatchObject({ active: false, nextRunAt: null });
    const resumed = await e2e.command(ALICE, 'resume "Checkout errors"');
    expect(resumed.text).toMatch(/Resumed “Checkout errors”/);
    expect(await stored()).toMatchObject({ active: true, snoozedUntil: null });
  });

  it('firing → resolved: the notice goes in the firing thread and the first message says resolved', async () => {
    e2e.setMetric(10);
    afterValue = 42;
    const repliesBefore = e2e.sim.replies(ALERTS, first.ts).length;
    await click(ALICE, ACTION.runNow);
    const resolved = await e2e.sim.waitUntil(
      () => e2e.sim.replies(ALERTS, first.ts).slice(repliesBefore).find((m) => /resolved/i.test(m.text ?? '')),
      15_000,
    );
    expect(resolved.thread_ts).toBe(first.ts);
    const original = await e2e.sim.waitUntil(() => {
      const now = e2e.sim.message(ALERTS, first.ts);
      return now && /resolved/i.test(now.text ?? '') ? now : undefined;
    });
    expect(original.history.length).toBeGreaterThan(0);
    expect(blocksText(original.blocks)).toMatch(/Resolved/);
    expect(await eventually(async () => (await stored()).firingSince === null, 10_000, 'the alert to stop firing')).toBe(true);
  });
});

describe('Slack rate limits the delivery', () => {
  it('chat.postMessage answered 429 with Retry-After 1 → posted after the wait, exactly once', async () => {
    const { sim } = e2e;
    const limited = await e2e.createAlert(ALICE, firingAlert('Rate limited', YEARLY));
    const isOurs = (args: Record<string, unknown>) => args.channel === ALERTS && String(args.text ?? '').includes('Rate limited');
    sim.faults.rateLimit({ method: 'chat.postMessage', times: 1, retryAfter: 1 });
    await e2e.command(ALICE, 'run "Rate limited"');
    await eventually(async () => (await e2e.lookout.store.history(limited.id, 5)).find((x) => x.finishedAt !== null), 20_000, 'the run to finish');
    const calls = sim.calls('chat.postMessage').filter((c) => isOurs(c.args));
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(e2e.posts(ALERTS).filter((m) => (m.text ?? '').includes('Rate limited'))).toHaveLength(1);
    const [execution] = await e2e.lookout.store.history(limited.id, 5);
    expect(execution).toMatchObject({ state: 'SUCCESS' });
  });
});
