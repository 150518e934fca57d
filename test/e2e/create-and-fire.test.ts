// The main journey: `/alert create` opens the modal, a valid submission stores and schedules
// the alert, and at its next minute the delivery posts it to the channel with its buttons.
// Also the modal's Test query. Waits for one real minute boundary (≤ ~70 s).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ACTION, BLOCK, CALLBACK } from '../../src/messages/slack/ids.js';
import { ALERTS, ALICE, blocksText, eventually, firingAlert, startE2e, type E2e } from './support/e2e.js';

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

describe('creating an alert in Slack', () => {
  it('/alert create → views.open with the trigger → valid submission → stored and scheduled → posted on its tick', async () => {
    const { sim, lookout } = e2e;
    const view = await e2e.openCreateModal(ALICE);
    const [command] = sim.envelopes('slash_commands');
    const open = sim.calls('views.open')[0];
    expect(open?.args.trigger_id).toBe((command?.payload as { trigger_id?: string }).trigger_id);
    expect(view.callback_id).toBe(CALLBACK.alertModal);
    // Alice's timezone (users.info) is offered first.
    expect(blocksText(view.blocks)).toContain('Asia/Seoul');

    const filled = await e2e.fill(ALICE, view, firingAlert('Orders high', { preset: 'every_minutes', everyMinutes: '1', cron: undefined }));
    const ack = await sim.viewSubmission({ view: filled.id, values: {} });
    expect(ack).toEqual({});
    expect(sim.topView(ALICE)).toBeUndefined();

    const alert = await lookout.store.findAlertByName('Orders high');
    expect(alert).toMatchObject({ owners: [ALICE], schedule: { cron: '* * * * *', timezone: 'UTC' }, recipients: [{ kind: 'slack_channel', id: ALERTS }] });
    expect(alert?.nextRunAt).toBeInstanceOf(Date);
    // The confirmation DM names the next runs.
    const confirmation = await sim.waitUntil(() => sim.messages(ALICE).find((m) => /Created alert/.test(m.text ?? '')));
    expect(confirmation.text).toMatch(/Next runs:/);

    // The next minute's tick posts the firing message to the channel.
    const posted = await sim.waitUntil(() => e2e.posts(ALERTS).find((m) => (m.text ?? '').includes('Orders high')), 90_000);
    const blocks = blocksText(posted.blocks);
    expect(blocks).toContain('Orders high');
    expect(blocks).toContain('42');
    for (const action of [ACTION.runNow, ACTION.snooze1h, ACTION.pause, ACTION.history]) expect(blocks).toContain(action);
    const finished = await eventually(async () => (await lookout.store.history(alert!.id, 5)).find((x) => x.finishedAt !== null), 10_000, 'the execution to finish');
    expect(finished).toMatchObject({ trigger: 'schedule', state: 'SUCCESS', value: '42' });
  }, 120_000);
});

describe('the modal', () => {
  it('Test query shows the value in the modal', async () => {
    const { sim } = e2e;
    const view = await e2e.openCreateModal(ALICE);
    await e2e.fill(ALICE, view, { name: 'Probe', sql: 'SELECT v FROM metric', op: '>', threshold: '40' });
    const hash = sim.view(view.id)?.hash;
    await sim.blockAction({ user: ALICE, view: view.id, action_id: ACTION.testQuery });
    const updated = await sim.waitUntil(() => {
      const now = sim.view(view.id);
      return now && now.hash !== hash && now.blocks.some((b) => b.block_id === BLOCK.testResult) ? now : undefined;
    });
    const result = blocksText(updated.blocks.filter((b) => b.block_id === BLOCK.testResult));
    expect(result).toContain('42');
    expect(result).toMatch(/condition holds/);
    // What the person typed survives the re-render.
    expect(updated.state.values[BLOCK.sql]?.[ACTION.value]).toMatchObject({ value: 'SELECT v FROM metric' });
  });

  it('Test query with bad SQL shows the database\'s message', async () => {
    const { sim } = e2e;
    const view = await e2e.openCreateModal(ALICE);
    await e2e.fill(ALICE, view, { name: 'Broken', sql: 'SELEC v FROM metric' });
    const hash = sim.view(view.id)?.hash;
    await sim.blockAction({ user: ALICE, view: view.id, action_id: ACTION.testQuery });
    const updated = await sim.waitUntil(() => {
      const now = sim.view(view.id);
      return now && now.hash !== hash && now.blocks.some((b) => b.block_id === BLOCK.testResult) ? now : undefined;
    });
    const result = blocksText(updated.blocks.filter((b) => b.block_id === BLOCK.testResult));
    expect(result).toMatch(/Test query failed/);
    expect(result).toMatch(/SELEC/);
  });

  it('switching the schedule preset re-renders with its fields and a preview in the chosen zone', async () => {
    const { sim } = e2e;
    const view = await e2e.openCreateModal(ALICE);
    const filled = await e2e.fill(ALICE, view, { preset: 'custom' });
    expect(filled.blocks.some((b) => b.block_id === BLOCK.scheduleCron)).toBe(true);
    const hash = filled.hash;
    await sim.blockAction({ user: ALICE, view: view.id, action_id: ACTION.scheduleChanged, block_id: BLOCK.scheduleTimezoneOther, value: 'Mars/Olympus' });
    const updated = await sim.waitUntil(() => (sim.view(view.id)?.hash !== hash ? sim.view(view.id) : undefined));
    const preview = blocksText(updated.blocks.filter((b) => b.block_id === BLOCK.schedulePreview));
    expect(preview).toMatch(/⚠️/);
  });
});
