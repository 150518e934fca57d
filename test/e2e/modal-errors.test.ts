// Submitting the alert modal with something wrong: the ack carries `response_action: errors`
// on the block that holds the mistake, the modal stays open, and nothing is stored.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BLOCK } from '../../src/messages/slack/ids.js';
import { ALICE, BOBS, firingAlert, QUIET, startE2e, type AlertFields, type E2e } from './support/e2e.js';

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

async function refused(fields: AlertFields): Promise<Record<string, string>> {
  const { ack, view } = await e2e.submitAlertModal(ALICE, fields);
  expect(ack.response_action).toBe('errors');
  // Still open, with the errors shown.
  expect(e2e.sim.topView(ALICE)?.id).toBe(view.id);
  expect(await e2e.lookout.store.findAlertByName(fields.name)).toBeNull();
  return ack.errors as Record<string, string>;
}

describe('the alert modal refuses bad input, field by field', () => {
  it('an invalid cron → the cron block', async () => {
    const errors = await refused(firingAlert('Bad cron', { cron: '61 * * * *' }));
    expect(Object.keys(errors)).toEqual([BLOCK.scheduleCron]);
  });

  it('an unknown timezone → the timezone block it was typed in', async () => {
    const errors = await refused(firingAlert('Bad zone', { timezoneOther: 'Mars/Olympus' }));
    expect(Object.keys(errors)).toEqual([BLOCK.scheduleTimezoneOther]);
    expect(errors[BLOCK.scheduleTimezoneOther]).toMatch(/Mars\/Olympus|timezone/i);
  });

  it('empty SQL → the SQL block', async () => {
    const errors = await refused(firingAlert('No SQL', { sql: '   ' }));
    expect(Object.keys(errors)).toEqual([BLOCK.sql]);
    expect(errors[BLOCK.sql]).toMatch(/SQL is required/);
  });

  it('threshold "abc" → the threshold block', async () => {
    const errors = await refused(firingAlert('Bad threshold', { threshold: 'abc' }));
    expect(Object.keys(errors)).toEqual([BLOCK.conditionThreshold]);
  });

  it('a channel Lookout is not in → the channels block, saying to invite it', async () => {
    const errors = await refused(firingAlert('Quiet channel', { channels: [QUIET] }));
    expect(Object.keys(errors)).toEqual([BLOCK.recipientChannels]);
    expect(errors[BLOCK.recipientChannels]).toMatch(/Lookout is not in #quiet: type \/invite @Lookout/);
  });

  it('a channel the person is not in → the channels block', async () => {
    const errors = await refused(firingAlert('Not my channel', { channels: [BOBS] }));
    expect(Object.keys(errors)).toEqual([BLOCK.recipientChannels]);
    expect(errors[BLOCK.recipientChannels]).toMatch(/you are not a member of #bobs/);
  });

  it('several mistakes at once → each on its block, and nothing stored at all', async () => {
    const errors = await refused(firingAlert('Many', { threshold: 'abc', sql: ' ', cron: 'nope' }));
    expect(Object.keys(errors).sort()).toEqual([BLOCK.conditionThreshold, BLOCK.scheduleCron, BLOCK.sql].sort());
    expect(await e2e.lookout.store.listAlerts()).toEqual([]);
  });
});

describe('a slow save', () => {
  it('answers the modal within Slack\'s 3 s, then says by DM that it was saved', async () => {
    const { sim } = e2e;
    // The membership checks take longer than the modal may wait.
    sim.faults.latency({ method: 'conversations.info', ms: 1500, times: 1 });
    sim.faults.latency({ method: 'conversations.members', ms: 1200, times: 1 });
    const dms = sim.messages(ALICE).length;
    const { ack } = await e2e.submitAlertModal(ALICE, firingAlert('Slow save'));
    expect(ack.response_action).toBe('errors');
    expect((ack.errors as Record<string, string>)[BLOCK.name]).toMatch(/Lookout will send you a message/);
    const dm = await sim.waitUntil(() => sim.messages(ALICE).slice(dms).find((m) => /Slow save/.test(m.text ?? '')));
    expect(dm.text).toMatch(/Created alert “Slow save”/);
    expect(await e2e.lookout.store.findAlertByName('Slow save')).not.toBeNull();
  });
});
