// Acknowledge and Unacknowledge through the real Bolt app and the simulator (issue 4/6): only
// members of the channel a firing message is in may press them; a member's press is stored with
// who, when and where, and the incident's first message says so in place; Unacknowledge on a
// reply in its thread clears it and re-stamps both; a press after the alert resolved is refused;
// in a direct message, the person the alert messages acknowledges.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Alert } from '../../src/domain/types.js';
import { ACTION, ackLineBlockId } from '../../src/messages/slack/ids.js';
import type { SimMessage } from '../support/slack-simulator/index.js';
import { makeAlert } from '../support/fixtures.js';
import { ALERTS, ALICE, BOB, BOBS, blocksText, eventually, firingAlert, startE2e, type E2e } from './support/e2e.js';

let e2e: E2e;
let alert: Alert;
let first: SimMessage;
let reply: SimMessage;
/** Restores the sample value after a test that changed it, even when it failed. */
let afterValue: number | null = null;

// Yearly at 09:00 UTC on 1 January: no scheduled tick gets in the way of these runs.
const YEARLY = { cron: '0 9 1 1 *' };

beforeAll(async () => {
  e2e = await startE2e();
  // #bobs has Bob and Lookout; Alice is not in it.
  alert = await e2e.createAlert(BOB, firingAlert('Disk full', { ...YEARLY, channels: [BOBS] }));
  await e2e.command(BOB, 'run "Disk full"');
  first = await e2e.sim.waitUntil(() => e2e.posts(BOBS).find((m) => (m.text ?? '').includes('Disk full')), 15_000);
  await eventually(async () => (await stored()).firingSince !== null, 10_000, 'the alert to be firing');
}, 90_000);

afterEach(() => {
  if (afterValue !== null) e2e.setMetric(afterValue);
  afterValue = null;
});

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

const stored = async (id = alert.id): Promise<Alert> => (await e2e.lookout.store.getAlert(id))!;
const now = (m: SimMessage): SimMessage => e2e.sim.message(m.channel, m.ts)!;
const actionIds = (m: SimMessage): string[] => [...blocksText(now(m).blocks).matchAll(/"action_id":"([^"]+)"/g)].map((x) => x[1]!);

/** Presses a button on a message and resolves with the presser's ephemeral answer. */
async function pressExpectingAnswer(user: string, actionId: string, message: SimMessage): Promise<string> {
  const before = e2e.sim.ephemerals(user).length;
  await e2e.sim.blockAction({ user, action_id: actionId, message: { channel: message.channel, ts: message.ts } });
  const answer = await e2e.sim.waitUntil(() => e2e.sim.ephemerals(user)[before], 15_000);
  return answer.text ?? '';
}

describe('Acknowledge on a firing message', () => {
  it('the first message offers Acknowledge, naming its incident', async () => {
    expect(actionIds(first)).toContain(ACTION.acknowledge);
    const since = (await stored()).firingSince!;
    expect(blocksText(first.blocks)).toContain(`"value":"${alert.id}@${since.getTime()}"`);
  });

  it('someone who is not in the channel is told who may, and nothing changes', async () => {
    const updates = e2e.sim.calls('chat.update').length;
    const text = await pressExpectingAnswer(ALICE, ACTION.acknowledge, first);
    expect(text).toBe(`🚫 Only members of <#${BOBS}> can acknowledge this alert.`);
    expect((await stored()).ack).toBeNull();
    expect(e2e.sim.calls('chat.update').slice(updates)).toEqual([]);
    expect(actionIds(first)).toContain(ACTION.acknowledge);
  });

  it('a button value naming an alert that does not post to the channel pressed in reads as no such alert', async () => {
    // Alice's own alert on #alerts, whose message carries an Acknowledge button; its value made up
    // to name "Disk full", which posts only to #bobs (Alice is not in it).
    await e2e.createAlert(ALICE, firingAlert('Queue backed up', { ...YEARLY, channels: [ALERTS] }));
    await e2e.command(ALICE, 'run "Queue backed up"');
    const hers = await e2e.sim.waitUntil(() => e2e.posts(ALERTS).find((m) => (m.text ?? '').includes('Queue backed up')), 15_000);
    const updates = e2e.sim.calls('chat.update').length;
    const before = e2e.sim.ephemerals(ALICE).length;
    const since = (await stored()).firingSince!;
    await e2e.sim.blockAction({ user: ALICE, action_id: ACTION.acknowledge, value: `${alert.id}@${since.getTime()}`, message: { channel: hers.channel, ts: hers.ts } });
    const answer = await e2e.sim.waitUntil(() => e2e.sim.ephemerals(ALICE)[before], 15_000);
    expect(answer.text).toBe('ℹ️ This alert no longer exists.');
    expect(answer.text).not.toContain('Disk full');
    expect((await stored()).ack).toBeNull();
    expect(e2e.sim.calls('chat.update').slice(updates)).toEqual([]);
  });

  it('a member acknowledges: stored with who, when and where, and the first message says so in place', async () => {
    const lookups = e2e.sim.calls('conversations.replies').length;
    await e2e.sim.blockAction({ user: BOB, action_id: ACTION.acknowledge, message: { channel: BOBS, ts: first.ts } });
    const ack = await eventually(async () => (await stored()).ack, 15_000, 'the acknowledgement to be stored');
    expect(ack).toMatchObject({ by: BOB, channel: BOBS });
    expect(ack.at).toBeInstanceOf(Date);
    const updated = await e2e.sim.waitUntil(() => (blocksText(now(first).blocks).includes(ackLineBlockId(alert.id)) ? now(first) : undefined), 15_000);
    expect(blocksText(updated.blocks)).toContain(`✋ Acknowledged by <@${BOB}>, <!date^${Math.floor(ack.at.getTime() / 1000)}^{date_short_pretty} at {time}|`);
    expect(actionIds(first)).toContain(ACTION.unacknowledge);
    expect(actionIds(first)).not.toContain(ACTION.acknowledge);
    expect(updated.history.length).toBeGreaterThan(0);
    // The alert keeps that its first message is its own: Slack was not asked.
    expect(e2e.sim.calls('conversations.replies').slice(lookups)).toEqual([]);
  });

  it('run now while acknowledged: the reply in the thread says who has it and offers Unacknowledge', async () => {
    await e2e.command(BOB, 'run "Disk full"');
    reply = await e2e.sim.waitUntil(() => e2e.sim.replies(BOBS, first.ts)[0], 15_000);
    expect(blocksText(reply.blocks)).toContain(`✋ Acknowledged by <@${BOB}>`);
    expect(actionIds(reply)).toContain(ACTION.unacknowledge);
    await eventually(async () => (await e2e.lookout.store.history(alert.id, 5)).filter((x) => x.finishedAt !== null).length >= 2, 15_000, 'the second run to finish');
  });

  it('Unacknowledge on the reply clears it: both messages offer Acknowledge again, the reply keeps its content', async () => {
    await e2e.sim.blockAction({ user: BOB, action_id: ACTION.unacknowledge, message: { channel: BOBS, ts: reply.ts } });
    await eventually(async () => (await stored()).ack === null, 15_000, 'the acknowledgement to be cleared');
    await e2e.sim.waitUntil(() => (actionIds(first).includes(ACTION.acknowledge) && actionIds(reply).includes(ACTION.acknowledge) ? true : undefined), 15_000);
    for (const m of [first, reply]) {
      expect(blocksText(now(m).blocks)).not.toContain('Acknowledged by');
      expect(actionIds(m)).not.toContain(ACTION.unacknowledge);
    }
    expect(blocksText(now(reply).blocks)).toContain('Value: *42*');
  });

  it('a press after the alert resolved is refused, and nothing is stored', async () => {
    e2e.setMetric(10);
    afterValue = 42;
    await e2e.command(BOB, 'run "Disk full"');
    await eventually(async () => (await stored()).firingSince === null, 15_000, 'the alert to resolve');
    const text = await pressExpectingAnswer(BOB, ACTION.acknowledge, reply);
    expect(text).toBe('ℹ️ *Disk full* is not firing any more, so there is nothing to acknowledge.');
    expect((await stored()).ack).toBeNull();
  });
});

describe('Acknowledge in a direct message', () => {
  it('the person the alert messages acknowledges it there', async () => {
    const dm = makeAlert({
      id: randomUUID(),
      name: 'Nightly export late',
      owners: [ALICE],
      dataSource: 'sample',
      sql: 'SELECT v FROM metric',
      condition: { op: '>', threshold: 40 },
      recipients: [{ kind: 'slack_user', id: ALICE }],
      schedule: { cron: '0 9 1 1 *', timezone: 'UTC' },
    });
    await e2e.lookout.store.createAlert({ ...dm, nextRunAt: null });
    await e2e.lookout.runner.runTick({ alertId: dm.id, scheduledAt: new Date('2026-12-01T00:00:00Z'), trigger: 'schedule' });
    const channel = e2e.sim.workspace.dmWith(ALICE).id;
    const message = await e2e.sim.waitUntil(() => e2e.posts(channel).find((m) => (m.text ?? '').includes('Nightly export late')), 15_000);
    await e2e.sim.blockAction({ user: ALICE, action_id: ACTION.acknowledge, message: { channel, ts: message.ts } });
    const ack = await eventually(async () => (await stored(dm.id)).ack, 15_000, 'the acknowledgement to be stored');
    expect(ack).toMatchObject({ by: ALICE, channel });
    await e2e.sim.waitUntil(() => (blocksText(now(message).blocks).includes(`Acknowledged by <@${ALICE}>`) ? true : undefined), 15_000);
  });
});
