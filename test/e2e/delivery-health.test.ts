// Delivery health through the real Bolt app and the simulator: an alert whose channel Lookout
// has left fails with not_in_channel; history says so under the run with "/invite @Lookout in
// #…", `/alert doctor` and the owner's Home list it, someone who may not see the alert is not
// told of it; once Lookout is invited back and a run gets through, doctor and Home drop it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Alert, Execution } from '../../src/domain/types.js';
import { ADMIN, ALICE, BOB, blocksText, eventually, firingAlert, startE2e, type E2e } from './support/e2e.js';

/** Alice and the admin; Lookout is invited at first, then leaves. Bob is not in it. */
const OPS = 'C0OPSHLTH';
const YEARLY = { cron: '0 9 1 1 *' };

let e2e: E2e;
let alert: Alert;

/** Runs the alert now and waits for that run to finish. */
async function runOnce(): Promise<Execution> {
  const before = (await e2e.lookout.store.history(alert.id, 50)).filter((x) => x.finishedAt !== null).length;
  expect((await e2e.command(ALICE, 'run "Ops revenue"')).text).toMatch(/Ops revenue/);
  const finished = await eventually(async () => {
    const done = (await e2e.lookout.store.history(alert.id, 50)).filter((x) => x.finishedAt !== null);
    return done.length > before ? done[0] : null;
  }, 20_000, 'the run');
  return finished;
}

async function openHome(user: string): Promise<string> {
  const published = e2e.sim.calls('views.publish').length;
  await e2e.sim.event({ type: 'app_home_opened', user, tab: 'home' });
  const call = await e2e.sim.waitUntil(() => e2e.sim.calls('views.publish').slice(published).find((c) => c.args.user_id === user));
  return blocksText((call.args.view as { blocks: unknown[] }).blocks);
}

beforeAll(async () => {
  e2e = await startE2e();
  e2e.sim.workspace.addChannel({ id: OPS, name: 'ops-health', members: [ALICE, ADMIN] });
  alert = await e2e.createAlert(ALICE, firingAlert('Ops revenue', { ...YEARLY, channels: [OPS] }));
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

describe('a channel Lookout is not in', () => {
  beforeAll(async () => {
    e2e.sim.workspace.botLeave(OPS);
    const run = await runOnce();
    expect(run.deliveries).toEqual([expect.objectContaining({ recipient: `channel:${OPS}`, ok: false })]);
  }, 60_000);

  it('history shows not_in_channel under the run, with /invite @Lookout in the channel', async () => {
    const history = blocksText((await e2e.command(ALICE, 'history "Ops revenue"')).blocks);
    expect(history).toContain(`↳ ❌ <#${OPS}> failed: not_in_channel — what to do: \`/invite @Lookout\` in <#${OPS}>`);
  });

  it('/alert doctor lists it for the owner and for an admin, with what to do', async () => {
    for (const user of [ALICE, ADMIN]) {
      const doctor = blocksText((await e2e.command(user, 'doctor')).blocks);
      expect(doctor).toContain('*Recipients failing now* (their latest delivery in the last 24 hours): 1');
      expect(doctor).toMatch(new RegExp(`\\*Ops revenue\\* → <#${OPS}> failed: not_in_channel at \`[^\`]+\` — what to do: \`/invite @Lookout\` in <#${OPS}>`));
    }
  });

  it('someone who may not see the alert is not told of it', async () => {
    const doctor = await e2e.command(BOB, 'doctor');
    const said = `${doctor.text} ${blocksText(doctor.blocks)}`;
    expect(said).toContain('*Recipients failing now*: none in the last 24 hours.');
    expect(said).not.toMatch(/Ops revenue|C0OPSHLTH|not_in_channel/);
    expect(said).not.toContain('Lookout doctor');
  });

  it("the owner's Home lists it", async () => {
    const home = await openHome(ALICE);
    expect(home).toContain('Recipients failing now');
    expect(home).toContain(`<#${OPS}> failed: not_in_channel`);
    expect(await openHome(BOB)).not.toContain('Recipients failing now');
  });
});

describe('after Lookout is invited back and a run gets through', () => {
  beforeAll(async () => {
    e2e.sim.workspace.botJoin(OPS);
    const run = await runOnce();
    expect(run.deliveries).toEqual([expect.objectContaining({ recipient: `channel:${OPS}`, ok: true })]);
  }, 60_000);

  it('/alert doctor no longer lists it', async () => {
    for (const user of [ALICE, ADMIN]) {
      const doctor = blocksText((await e2e.command(user, 'doctor')).blocks);
      expect(doctor).toContain('*Recipients failing now*: none in the last 24 hours.');
      expect(doctor).not.toContain('Ops revenue');
    }
  });

  it('history shows the run sent, linked to its message, above the failed one', async () => {
    const history = blocksText((await e2e.command(ALICE, 'history "Ops revenue"')).blocks);
    expect(history).toMatch(new RegExp(`↳ ✅ sent to <#${OPS}> \\(<https://lookout-test\\.slack\\.com/archives/${OPS}/p\\d+\\|message>\\)`));
    expect(history.indexOf('↳ ✅ sent to')).toBeLessThan(history.indexOf('failed: not_in_channel'));
  });

  it("the owner's Home drops it once refreshed after the run", async () => {
    await eventually(async () => !blocksText(e2e.sim.homeView(ALICE)?.blocks).includes('Recipients failing now'), 15_000, 'Home without the failing recipient');
    expect(await openHome(ALICE)).not.toContain('Recipients failing now');
  });
});
