// Triage through the real tick runner, Bolt's WebClient and the Slack simulator (issue 4/6):
// reminders that back off, quiet hours that hold and summarise, an admins' mute, mentions from a
// column of emails, warning and critical routed to different channels. Ticks run one by one at
// chosen scheduled times (a test clock for the schedule), so no test waits for an hour to pass.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Alert, QuietHours } from '../../src/domain/types.js';
import { makeAlert } from '../support/fixtures.js';
import type { SimMessage } from '../support/slack-simulator/index.js';
import { ACTION } from '../../src/messages/slack/ids.js';
import { ALERTS, ALICE, BOB, eventually, startE2e, type E2e } from './support/e2e.js';

const ONCALL = 'C0ONCALL1';
const HOUR = 3600_000;
let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
  e2e.sim.workspace.addChannel({ id: ONCALL, name: 'oncall', members: [BOB] });
  e2e.exec(
    "CREATE TABLE cpu (v REAL); INSERT INTO cpu VALUES (0); CREATE TABLE gauges (name TEXT, v REAL); CREATE TABLE failures (job TEXT, owner TEXT); INSERT INTO failures VALUES ('billing', 'alice@example.com'), ('export', 'ghost@example.com'), ('sync', 'U0BOB0001');",
  );
}, 90_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

/** Each test's alert reads its own gauge, so tests never see each other's values. */
async function stored(overrides: Partial<Alert>): Promise<Alert & { set(v: number): void }> {
  const gauge = randomUUID();
  e2e.exec(`INSERT INTO gauges VALUES ('${gauge}', 0)`);
  const alert = makeAlert({
    id: randomUUID(),
    name: `Triage ${gauge.slice(0, 8)}`,
    owners: [ALICE],
    dataSource: 'sample',
    sql: `SELECT v FROM gauges WHERE name = '${gauge}'`,
    condition: { op: '>', threshold: 10 },
    recipients: [{ kind: 'slack_channel', id: ALERTS }],
    gracePeriodS: 3600,
    schedule: { cron: '*/15 * * * *', timezone: 'UTC' },
    ...overrides,
  });
  await e2e.lookout.store.createAlert({ ...alert, nextRunAt: null });
  return { ...alert, set: (v: number) => e2e.exec(`UPDATE gauges SET v = ${v} WHERE name = '${gauge}'`) };
}

async function tick(alert: Alert, at: Date) {
  const summary = await e2e.lookout.runner.runTick({ alertId: alert.id, scheduledAt: at, trigger: 'schedule' });
  if (summary === null) throw new Error('the tick was not claimed');
  return summary;
}

const words = (m: SimMessage | undefined) => `${m?.text ?? ''} ${JSON.stringify(m?.blocks ?? [])}`.replace(/&gt;/g, '>').replace(/\*/g, '');
const tops = (channel: string, alert: Alert) => e2e.posts(channel).filter((m) => (m.text ?? '').includes(alert.name));
const replies = (channel: string, parent: SimMessage) => e2e.sim.messages(channel).filter((m) => m.thread_ts === parent.ts && m.ts !== parent.ts);

describe('reminders that back off', () => {
  it('remind in the thread after 1 h, 2 h and 4 h, stop once acknowledged, start again on escalation, and end with the incident', async () => {
    const t0 = new Date('2026-12-01T00:00:00Z');
    const at = (hours: number) => new Date(t0.getTime() + hours * HOUR);
    const alert = await stored({ reminders: { mode: 'backoff', firstS: 3600, factor: 2, capS: 86_400 }, warning: { op: '>', threshold: 5 }, condition: { op: '>', threshold: 50 } });
    alert.set(20);
    expect(await tick(alert, t0)).toMatchObject({ state: 'SUCCESS' });
    const [first] = tops(ALERTS, alert);
    expect(first).toBeDefined();

    // A check every 15 minutes for 8 hours: reminders at +1 h, +3 h and +7 h (1 h, 2 h, 4 h apart).
    const reminderHours: number[] = [];
    for (let quarter = 1; quarter <= 32; quarter++) {
      const before = replies(ALERTS, first!).length;
      const summary = await tick(alert, at(quarter / 4));
      if (replies(ALERTS, first!).length > before) {
        reminderHours.push(quarter / 4);
        expect(summary).toMatchObject({ state: 'SUCCESS', reason: 'reminder' });
      } else {
        expect(summary.reason).toContain('next reminder at');
      }
    }
    expect(reminderHours).toEqual([1, 3, 7]);
    expect(replies(ALERTS, first!).map(words)).toEqual([
      expect.stringContaining('Reminder 1: firing since 2026-12-01 00:00 UTC, and nobody has acknowledged it.'),
      expect.stringContaining('Reminder 2:'),
      expect.stringContaining('Reminder 3:'),
    ]);

    // Bob presses Acknowledge on the first message: the reminder due at +15 h does not come.
    await e2e.sim.blockAction({ user: BOB, action_id: ACTION.acknowledge, message: { channel: ALERTS, ts: first!.ts } });
    await eventually(async () => (await e2e.lookout.store.getAlert(alert.id))?.ack?.by === BOB || undefined, 15_000, 'the acknowledgement to be stored');
    for (const hours of [10, 15, 16]) expect(await tick(alert, at(hours))).toMatchObject({ state: 'GRACE', reason: expect.stringContaining(`acknowledged by ${BOB}`) });
    expect(replies(ALERTS, first!)).toHaveLength(3);

    // Escalated to critical: said at once, the acknowledgement is gone, reminders start again 1 h later.
    alert.set(80);
    expect(await tick(alert, at(17))).toMatchObject({ state: 'SUCCESS' });
    expect((await e2e.lookout.store.getAlert(alert.id))?.ack).toBeNull();
    expect(words(replies(ALERTS, first!)[3])).toContain('critical');
    // The escalation is drawn as the alert is after it: nobody has it, so it offers Acknowledge again.
    expect(words(replies(ALERTS, first!)[3])).not.toContain('Acknowledged by');
    expect(words(replies(ALERTS, first!)[3])).toContain('"action_id":"alert_acknowledge"');
    expect(await tick(alert, at(17.5))).toMatchObject({ reason: expect.stringContaining('next reminder at 2026-12-01T18:00:00.000Z') });
    expect(await tick(alert, at(18))).toMatchObject({ state: 'SUCCESS', reason: 'reminder' });
    expect(words(replies(ALERTS, first!)[4])).toContain('Reminder 1:');

    // Resolved: the incident ends, and with it the acknowledgement and the reminder count.
    alert.set(0);
    expect(await tick(alert, at(19))).toMatchObject({ state: 'NOOP', reason: expect.stringContaining('resolved') });
    const after = await e2e.lookout.store.getAlert(alert.id);
    expect(after).toMatchObject({ firingSince: null, ack: null, reminded: { sent: 0, lastTick: null }, threads: {} });
  });
});

describe('quiet hours', () => {
  const NIGHTS: QuietHours = { timezone: 'UTC', windows: [{ days: [0, 1, 2, 3, 4, 5, 6], from: '20:00', to: '08:00' }] };

  it('hold what fires at night, still evaluate and record, and send one summary at 08:00', async () => {
    const alert = await stored({ quietHours: NIGHTS });
    alert.set(20);
    for (const time of ['2026-12-02T21:00:00Z', '2026-12-02T23:00:00Z', '2026-12-03T03:00:00Z']) {
      expect(await tick(alert, new Date(time))).toMatchObject({ state: 'NOOP', reason: expect.stringContaining('quiet hours until 2026-12-03T08:00:00.000Z') });
    }
    expect(tops(ALERTS, alert)).toHaveLength(0);
    const history = await e2e.lookout.store.history(alert.id, 10);
    expect(history.map((x) => x.value)).toEqual(['20', '20', '20']);

    // The series fired while held, so the morning's message is its first: sent as decided, with the after-hold line.
    expect(await tick(alert, new Date('2026-12-03T08:00:00Z'))).toMatchObject({ state: 'SUCCESS' });
    const posted = tops(ALERTS, alert);
    expect(posted).toHaveLength(1);
    expect(words(posted[0])).toContain('After quiet hours: messages were held since 2026-12-02 21:00 UTC');
    // The summary opened the incident's thread: the next repeat threads under it, the grace counting from 08:00.
    expect(await tick(alert, new Date('2026-12-03T08:15:00Z'))).toMatchObject({ state: 'GRACE' });
    expect(await tick(alert, new Date('2026-12-03T09:00:00Z'))).toMatchObject({ state: 'SUCCESS' });
    expect(replies(ALERTS, posted[0]!)).toHaveLength(1);
  });

  it('an incident that resolves at night gets one "resolved" in its thread in the morning', async () => {
    const alert = await stored({ quietHours: NIGHTS });
    alert.set(20);
    expect(await tick(alert, new Date('2026-12-04T19:00:00Z'))).toMatchObject({ state: 'SUCCESS' });
    const [first] = tops(ALERTS, alert);
    alert.set(0);
    expect(await tick(alert, new Date('2026-12-04T22:00:00Z'))).toMatchObject({ state: 'NOOP', reason: expect.stringContaining('held: resolved') });
    expect(await tick(alert, new Date('2026-12-05T02:00:00Z'))).toMatchObject({ state: 'NOOP' });
    expect(replies(ALERTS, first!)).toHaveLength(0);
    expect((await e2e.lookout.store.getAlert(alert.id))?.firingSince).not.toBeNull();

    expect(await tick(alert, new Date('2026-12-05T08:00:00Z'))).toMatchObject({ state: 'NOOP', reason: expect.stringContaining('summary after quiet hours') });
    const [resolved] = replies(ALERTS, first!);
    expect(replies(ALERTS, first!)).toHaveLength(1);
    expect(resolved?.blocks?.map((b) => JSON.stringify(b))).toEqual(expect.arrayContaining([expect.stringContaining('resolved.'), expect.stringContaining('🌙 After quiet hours')]));
    expect(await e2e.lookout.store.getAlert(alert.id)).toMatchObject({ firingSince: null, heldSince: null });
  });

  it('an admin mute holds every alert until it is lifted; run now still answers', async () => {
    const alert = await stored({});
    alert.set(20);
    await e2e.lookout.store.setMute({ until: new Date('2026-12-06T12:00:00Z'), by: 'U0ADMIN01', at: new Date('2026-12-06T09:00:00Z') });
    try {
      expect(await tick(alert, new Date('2026-12-06T10:00:00Z'))).toMatchObject({ state: 'NOOP', reason: expect.stringContaining('everything muted until 2026-12-06T12:00:00.000Z') });
      expect(tops(ALERTS, alert)).toHaveLength(0);
      const now = await e2e.lookout.runner.runTick({ alertId: alert.id, scheduledAt: new Date('2026-12-06T10:05:00Z'), trigger: 'run_now' });
      expect(now).toMatchObject({ state: 'SUCCESS' });
      expect(tops(ALERTS, alert)).toHaveLength(1);
    } finally {
      await e2e.lookout.store.setMute(null);
    }
  });
});

describe('mentions from the data', () => {
  it('mention the people in the firing rows, look emails up, and list an unknown address once', async () => {
    const alert = await stored({
      name: 'Failed jobs with owners',
      sql: 'SELECT job, owner FROM failures ORDER BY job',
      measure: { kind: 'row_count' },
      condition: { op: '>', threshold: 0 },
      mentionColumn: 'owner',
      mentions: { warning: [], critical: ['S0DATAENG'] },
    });
    expect(await tick(alert, new Date('2026-12-07T09:00:00Z'))).toMatchObject({ state: 'SUCCESS' });
    const [posted] = tops(ALERTS, alert);
    const blocks = JSON.stringify(posted?.blocks ?? []);
    expect(blocks).toContain(`<@${ALICE}>`);
    expect(blocks).toContain(`<@${BOB}>`);
    expect(blocks).toContain('<!subteam^S0DATAENG>');
    expect(blocks).toContain('Not found in Slack, so not mentioned: ghost@example.com');
    expect(blocks.split('Not found in Slack')).toHaveLength(2);
    expect(e2e.sim.calls('users.lookupByEmail').length).toBeGreaterThan(0);
  });
});

describe('routing by level', () => {
  it('warning goes to #alerts, critical to #oncall with its mention, and both hear it resolved', async () => {
    const alert = await stored({
      warning: { op: '>', threshold: 5 },
      condition: { op: '>', threshold: 50 },
      recipients: [
        { kind: 'slack_channel', id: ALERTS, levels: ['warning'] },
        { kind: 'slack_channel', id: ONCALL, levels: ['critical'] },
      ],
      mentions: { warning: [], critical: [BOB] },
    });
    alert.set(20);
    expect(await tick(alert, new Date('2026-12-08T09:00:00Z'))).toMatchObject({ state: 'SUCCESS' });
    expect(tops(ALERTS, alert)).toHaveLength(1);
    expect(tops(ONCALL, alert)).toHaveLength(0);
    expect(JSON.stringify(tops(ALERTS, alert)[0]?.blocks)).not.toContain(`<@${BOB}>`);

    alert.set(80);
    expect(await tick(alert, new Date('2026-12-08T09:15:00Z'))).toMatchObject({ state: 'SUCCESS' });
    const [paged] = tops(ONCALL, alert);
    expect(words(paged)).toContain('critical');
    expect(JSON.stringify(paged?.blocks)).toContain(`<@${BOB}>`);
    expect(replies(ALERTS, tops(ALERTS, alert)[0]!)).toHaveLength(0);

    alert.set(0);
    expect(await tick(alert, new Date('2026-12-08T09:30:00Z'))).toMatchObject({ state: 'NOOP' });
    expect(replies(ONCALL, paged!).map(words)).toEqual([expect.stringContaining('resolved')]);
    expect(replies(ALERTS, tops(ALERTS, alert)[0]!).map(words)).toEqual([expect.stringContaining('resolved')]);
  });

  it("a channel told only of warnings does not show its members the critical runs it never saw", async () => {
    // Bob is in #alerts and #oncall, not an owner; Alice owns both alerts.
    const dmCritical = await stored({
      warning: { op: '>', threshold: 5 },
      condition: { op: '>', threshold: 50 },
      recipients: [
        { kind: 'slack_channel', id: ALERTS, levels: ['warning'] },
        { kind: 'slack_user', id: ALICE, levels: ['critical'] },
      ],
    });
    dmCritical.set(20);
    expect(await tick(dmCritical, new Date('2026-12-09T09:00:00Z'))).toMatchObject({ state: 'SUCCESS' });
    dmCritical.set(80);
    expect(await tick(dmCritical, new Date('2026-12-09T09:15:00Z'))).toMatchObject({ state: 'SUCCESS' });
    const hidden = await e2e.command(BOB, `history "${dmCritical.name}"`);
    expect(hidden.text).toMatch(/No alert or report matches/);
    expect(JSON.stringify(hidden)).not.toMatch(/\b80\b|critical/i);
    expect((await e2e.command(ALICE, `history "${dmCritical.name}"`)).text).not.toMatch(/No alert or report matches/);
    // Nor does acknowledging it in #alerts (by Bob there, or Alice in her DM) redraw #alerts' message with the critical status.
    const [inAlerts] = tops(ALERTS, dmCritical);
    expect(words(inAlerts)).toContain('20');
    await e2e.sim.blockAction({ user: BOB, action_id: ACTION.acknowledge, message: { channel: ALERTS, ts: inAlerts!.ts } });
    await eventually(async () => (await e2e.lookout.store.getAlert(dmCritical.id))?.ack?.by === BOB || undefined, 15_000, 'the acknowledgement to be stored');
    const redrawn = await eventually(async () => {
      const now = e2e.sim.messages(ALERTS).find((m) => m.ts === inAlerts!.ts);
      return now !== undefined && words(now).includes(`<@${BOB}>`) ? now : undefined;
    }, 15_000, 'the #alerts message to show the acknowledgement');
    // Still the warning it was sent (20), not the critical status (🔴, value 80) it never saw.
    const critical = /🔴|\b80\b/;
    expect(words(redrawn)).toContain('20');
    expect(words(redrawn)).not.toMatch(critical);
    const dm = e2e.sim.messages().find((m) => m.channel.startsWith('D') && (m.text ?? '').includes(dmCritical.name));
    expect(dm).toBeDefined();
    await eventually(async () => (words(e2e.sim.messages().find((m) => m.ts === dm!.ts)).includes(`<@${BOB}>`) ? true : undefined), 15_000, 'the DM to show the acknowledgement');
    expect(words(e2e.sim.messages(ALERTS).find((m) => m.ts === inAlerts!.ts))).not.toMatch(critical);

    // Critical to #oncall instead: Bob is in both channels, so he saw every level there.
    const bothChannels = await stored({
      warning: { op: '>', threshold: 5 },
      condition: { op: '>', threshold: 50 },
      recipients: [
        { kind: 'slack_channel', id: ALERTS, levels: ['warning'] },
        { kind: 'slack_channel', id: 'C0ONCALL1', levels: ['critical'] },
      ],
    });
    bothChannels.set(80);
    expect(await tick(bothChannels, new Date('2026-12-09T09:00:00Z'))).toMatchObject({ state: 'SUCCESS' });
    expect((await e2e.command(BOB, `history "${bothChannels.name}"`)).text).not.toMatch(/No alert or report matches/);
  });
});
