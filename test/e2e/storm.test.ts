// Storm control end to end (issue 4/6): 40 alerts fire into one channel at once through the real
// tick runner, Lookout's WebClient and the Slack simulator, which keeps Slack's pace (about one
// post a second per channel, 429 past it). They arrive as a few messages — digests listing the
// alerts — each alert exactly once, nothing dropped, and Slack never had to refuse a post. Each
// execution records its delivery as in a digest; a repeat replies under the digest, which is
// never rewritten; a button of one alert in the digest acts on that alert (Acknowledge re-stamps
// that alert's entry only).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Alert, DeliveryRecord } from '../../src/domain/types.js';
import { ACTION, ackLineBlockId, alertActionsBlockId, alertIdFromBlockId } from '../../src/messages/slack/ids.js';
import { parseMessageRef } from '../../src/delivery/slack/slack-delivery.js';
import { makeAlert } from '../support/fixtures.js';
import type { SimMessage } from '../support/slack-simulator/index.js';
import { ALERTS, ALICE, eventually, startE2e, type E2e } from './support/e2e.js';

let e2e: E2e;
const STORM = 40;

beforeAll(async () => {
  e2e = await startE2e();
}, 90_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

async function stored(name: string): Promise<Alert> {
  const alert = makeAlert({
    id: randomUUID(),
    name,
    owners: [ALICE],
    dataSource: 'sample',
    sql: 'SELECT v FROM metric',
    condition: { op: '>', threshold: 40 },
    recipients: [{ kind: 'slack_channel', id: ALERTS }],
    gracePeriodS: 60,
    schedule: { cron: '* * * * *', timezone: 'UTC' },
  });
  await e2e.lookout.store.createAlert({ ...alert, nextRunAt: null });
  return alert;
}

const tick = (alert: Alert, minute: number) => e2e.lookout.runner.runTick({ alertId: alert.id, scheduledAt: new Date(Date.UTC(2026, 10, 25, 9, minute)), trigger: 'schedule' });

type Metadata = { event_type?: string; event_payload?: { alert_id?: string } };
const metadataOf = (m: SimMessage) => m.metadata as Metadata | undefined;
const isDigest = (m: SimMessage) => metadataOf(m)?.event_type === 'lookout_digest';
/** The alerts a top-level message stands for: a digest's listed alerts, or the one alert of its own message. */
function alertsIn(m: SimMessage): string[] {
  if (!isDigest(m)) return [metadataOf(m)?.event_payload?.alert_id ?? '?'];
  return ((m.blocks ?? []) as { type: string; block_id?: string }[]).filter((b) => b.type === 'actions').map((b) => alertIdFromBlockId(b.block_id ?? '') ?? '?');
}

describe(`${STORM} alerts firing into one channel at once`, () => {
  let alerts: Alert[];
  let records: DeliveryRecord[];
  let posts: SimMessage[];

  beforeAll(async () => {
    alerts = [];
    for (let i = 0; i < STORM; i += 1) alerts.push(await stored(`Storm alert ${String(i).padStart(2, '0')}`));
    const since = e2e.sim.calls().length;
    const summaries = await Promise.all(alerts.map((a) => tick(a, 1)));
    expect(summaries.map((s) => s?.state)).toEqual(alerts.map(() => 'SUCCESS'));
    const latest = await Promise.all(alerts.map(async (a) => (await e2e.lookout.store.history(a.id, 1))[0]!));
    records = latest.map((x) => x.deliveries[0]!);
    posts = e2e.posts(ALERTS).filter((m) => e2e.sim.calls('chat.postMessage').some((c) => c.seq > since && c.response.ts === m.ts));
  }, 120_000);

  it('lists each alert exactly once across a few messages, digests among them', () => {
    const listed = posts.flatMap(alertsIn);
    expect([...listed].sort()).toEqual(alerts.map((a) => a.id).sort());
    expect(posts.filter(isDigest).length).toBeGreaterThan(0);
    // Without storm control this would be 40 posts; how many go alone depends on how fast the ticks arrive.
    expect(posts.length).toBeLessThan(STORM / 2);
  });

  it('kept to the pace: Slack refused no post to the channel', () => {
    const refused = e2e.sim.calls('chat.postMessage').filter((c) => c.args.channel === ALERTS && c.status === 429);
    expect(refused).toEqual([]);
  });

  it("records each alert's delivery as ok, with the ref of the message that lists it and digest: true for a digest", () => {
    alerts.forEach((alert, i) => {
      const record = records[i]!;
      expect(record).toMatchObject({ ok: true, recipient: `channel:${ALERTS}` });
      const ref = parseMessageRef(record.ref)!;
      const post = posts.find((m) => m.ts === ref.ts)!;
      expect(alertsIn(post)).toContain(alert.id);
      expect(record.digest === true).toBe(isDigest(post));
    });
  });

  it('threads a repeat of a digested alert under the digest, and leaves the digest as it was', async () => {
    const i = records.findIndex((r) => r.digest === true);
    const digest = parseMessageRef(records[i]!.ref)!;
    const before = e2e.sim.message(ALERTS, digest.ts)!;
    const blocks = JSON.stringify(before.blocks);
    const since = e2e.sim.calls().length;
    expect(await tick(alerts[i]!, 2)).toMatchObject({ state: 'SUCCESS' });
    // The alert kept that its first message is a digest: Slack was not asked, nothing rewritten.
    expect(e2e.sim.calls().slice(since).map((c) => c.method)).not.toEqual(expect.arrayContaining(['conversations.replies']));
    expect(e2e.sim.calls('chat.update').filter((c) => c.seq > since)).toEqual([]);
    const replies = e2e.sim.replies(ALERTS, digest.ts);
    expect(replies.map((m) => m.text)).toEqual([expect.stringContaining(alerts[i]!.name)]);
    const after = e2e.sim.message(ALERTS, digest.ts)!;
    expect(after.history).toEqual([]);
    expect(JSON.stringify(after.blocks)).toBe(blocks);
  });

  it("acts on one alert from its buttons in the digest (Snooze 1h), as on the alert's own message", async () => {
    const i = records.findIndex((r) => r.digest === true);
    const digest = parseMessageRef(records[i]!.ref)!;
    const alert = alerts[i]!;
    const before = e2e.sim.ephemerals(ALICE).length;
    await e2e.sim.blockAction({ user: ALICE, action_id: ACTION.snooze1h, block_id: alertActionsBlockId(alert.id), message: { channel: ALERTS, ts: digest.ts } });
    const answer = await e2e.sim.waitUntil(() => e2e.sim.ephemerals(ALICE)[before]);
    expect(answer.text).toContain(alert.name);
    expect((await e2e.lookout.store.getAlert(alert.id))?.snoozedUntil).not.toBeNull();
    const other = alerts.find((a, j) => j !== i && records[j]?.ref === records[i]!.ref)!;
    expect((await e2e.lookout.store.getAlert(other.id))?.snoozedUntil).toBeNull();
  });

  it('acknowledges one alert from its Acknowledge button in the digest: that alert only, its entry re-stamped, the others as they were', async () => {
    const i = records.findIndex((r) => r.digest === true);
    const j = records.findIndex((r, k) => k !== i && r.digest === true && r.ref === records[i]!.ref);
    const digest = parseMessageRef(records[j]!.ref)!;
    const alert = alerts[j]!;
    const before = e2e.sim.message(ALERTS, digest.ts)!;
    const rowsBefore = (before.blocks ?? []) as { type: string; block_id?: string }[];
    await e2e.sim.blockAction({ user: ALICE, action_id: ACTION.acknowledge, block_id: alertActionsBlockId(alert.id), message: { channel: ALERTS, ts: digest.ts } });
    const ack = await eventually(async () => (await e2e.lookout.store.getAlert(alert.id))?.ack ?? null, 15_000, 'the acknowledgement to be stored');
    expect(ack).toMatchObject({ by: ALICE, channel: ALERTS });
    const listed = alertsIn(before).filter((id) => id !== alert.id);
    for (const id of listed) expect((await e2e.lookout.store.getAlert(id))?.ack).toBeNull();
    const after = await e2e.sim.waitUntil(() => {
      const now = e2e.sim.message(ALERTS, digest.ts)!;
      return JSON.stringify(now.blocks).includes(ackLineBlockId(alert.id)) ? now : undefined;
    }, 15_000);
    // Every alert still listed; only this one's row changed (Unacknowledge) and gained its line.
    expect(alertsIn(after)).toEqual(alertsIn(before));
    const rowsAfter = (after.blocks ?? []) as { type: string; block_id?: string }[];
    expect(rowsAfter.filter((b) => b.block_id !== ackLineBlockId(alert.id) && b.block_id !== alertActionsBlockId(alert.id))).toEqual(
      rowsBefore.filter((b) => b.block_id !== alertActionsBlockId(alert.id)),
    );
    expect(JSON.stringify(rowsAfter.find((b) => b.block_id === alertActionsBlockId(alert.id)))).toContain(ACTION.unacknowledge);
  });
});
