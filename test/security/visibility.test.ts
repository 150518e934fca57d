// Vector: `/alert history <name>` and a crafted History click showed the values, outcomes and
// recipients of any alert — even one that posts only to a private channel — to anyone. Now an
// alert's output is seen by its owners, admins and members of every channel it posts to; to
// anyone else it reads exactly like an alert that does not exist (DESIGN.md, "Access").
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Alert } from '../../src/domain/types.js';
import { ACTION } from '../../src/messages/slack/ids.js';
import type { SimMessage } from '../support/slack-simulator/index.js';
import { ADMIN, ALERTS, ALICE, BOB, blocksText, eventually, firingAlert, startE2e, type E2e } from '../e2e/support/e2e.js';

/** Alice and the bot: Bob is not in it. */
const SECRET = 'C0SECRET1';
/** Alice, Bob and the bot. */
const TEAM = 'C0TEAM001';
const YEARLY = { preset: 'custom' as const, cron: '0 9 1 1 *' };

let e2e: E2e;
let payroll: Alert;
let team: Alert;
let checkoutMessage: SimMessage;

async function ranOnce(alert: Alert): Promise<void> {
  await e2e.command(ALICE, `run "${alert.name}"`);
  await eventually(async () => (await e2e.lookout.store.history(alert.id, 5)).find((x) => x.finishedAt !== null), 15_000, `a run of ${alert.name}`);
}

/** Clicks History on the public Checkout message, with `value` put in by hand. */
async function craftedHistoryClick(user: string, value: string): Promise<string> {
  const before = e2e.sim.ephemerals(user).length;
  await e2e.sim.blockAction({ user, action_id: ACTION.history, value, message: { channel: ALERTS, ts: checkoutMessage.ts } });
  const answer = await e2e.sim.waitUntil(() => e2e.sim.ephemerals(user)[before]);
  return `${answer.text ?? ''} ${blocksText(answer.blocks as unknown[] | undefined)}`;
}

beforeAll(async () => {
  e2e = await startE2e();
  e2e.sim.workspace.addChannel({ id: SECRET, name: 'secret', members: [ALICE], isPrivate: true });
  e2e.sim.workspace.addChannel({ id: TEAM, name: 'team', members: [ALICE, BOB], isPrivate: true });
  e2e.setMetric(4242);
  payroll = await e2e.createAlert(ALICE, firingAlert('Payroll', { ...YEARLY, channels: [SECRET] }));
  team = await e2e.createAlert(ALICE, firingAlert('Team metric', { ...YEARLY, channels: [TEAM] }));
  const checkout = await e2e.createAlert(ALICE, firingAlert('Checkout', { ...YEARLY, channels: [ALERTS] }));
  for (const alert of [payroll, team, checkout]) await ranOnce(alert);
  checkoutMessage = await e2e.sim.waitUntil(() => e2e.posts(ALERTS).find((m) => (m.text ?? '').includes('Checkout')), 15_000);
}, 90_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

describe("an alert's output, to someone outside its channels", () => {
  it('/alert history reads exactly like an alert that does not exist', async () => {
    const hidden = await e2e.command(BOB, 'history Payroll');
    const missing = await e2e.command(BOB, 'history Payrolx');
    expect(hidden.text).toBe(missing.text.replace('Payrolx', 'Payroll'));
    expect(hidden.text).toMatch(/No alert or report matches "Payroll"/);
    expect(`${hidden.text}${blocksText(hidden.blocks)}`).not.toMatch(/4242|secret|C0SECRET1|SUCCESS/);
  });

  it('a crafted History click with its id shows nothing of it, like a made-up id', async () => {
    const hidden = await craftedHistoryClick(BOB, payroll.id);
    const madeUp = await craftedHistoryClick(BOB, '00000000-0000-4000-8000-000000000000');
    expect(hidden).toMatch(/No alert or report matches/);
    expect(hidden.replace(payroll.id, 'ID')).toBe(madeUp.replace('00000000-0000-4000-8000-000000000000', 'ID'));
    expect(hidden).not.toMatch(/4242|Payroll/);
  });

  it('run, pause, snooze and edit by name read the same: not found, nothing changed', async () => {
    for (const command of ['run Payroll', 'pause Payroll', 'snooze Payroll 1h', 'edit Payroll', 'delete Payroll']) {
      expect((await e2e.command(BOB, command)).text).toMatch(/No alert or report matches "Payroll"/);
    }
    const stored = await e2e.lookout.store.getAlert(payroll.id);
    expect(stored).toMatchObject({ active: true, snoozedUntil: null });
    expect((await e2e.lookout.store.history(payroll.id, 10)).length).toBe(1);
  });

  it('/alert list and list all show none of it to someone who is not an admin', async () => {
    const list = await e2e.command(BOB, 'list');
    expect(`${list.text}${blocksText(list.blocks)}`).not.toMatch(/Payroll|Team metric|Checkout/);
    const all = await e2e.command(BOB, 'list all');
    expect(all.text).toMatch(/Only Lookout admins can list all alerts/);
    expect(`${all.text}${blocksText(all.blocks)}`).not.toMatch(/Payroll/);
  });

  it('/alert doctor names no channel or alert of it to someone who is not an admin, and the channel read refuses them', async () => {
    const doctor = await e2e.command(BOB, 'doctor');
    expect(`${doctor.text}${blocksText(doctor.blocks)}`).not.toMatch(/Payroll|secret|C0SECRET1/);
    await expect(e2e.lookout.service.channelsInUse({ userId: BOB }, 100)).rejects.toThrow(/Only Lookout admins/);
    const forAdmin = await e2e.lookout.service.channelsInUse({ userId: ADMIN }, 100);
    expect(forAdmin.channels.find((c) => c.id === SECRET)?.alertNames).toEqual(['Payroll']);
  });
});

describe('those who may see it', () => {
  it('a member of every channel it posts to sees its history, but may not change it', async () => {
    const history = await e2e.command(BOB, 'history "Team metric"');
    expect(blocksText(history.blocks)).toContain('4242');
    expect((await e2e.command(BOB, 'run "Team metric"')).text).toMatch(/Not allowed: Only the owners/);
    expect((await e2e.lookout.store.history(team.id, 10)).length).toBe(1);
  });

  it('its owner and an admin see it', async () => {
    expect(blocksText((await e2e.command(ALICE, 'history Payroll')).blocks)).toContain('4242');
    expect(blocksText((await e2e.command(ADMIN, 'history Payroll')).blocks)).toContain('4242');
  });
});
