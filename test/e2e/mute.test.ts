// The admins' mute through the real Bolt app and the simulator (issue 4/6): `/alert mute all 2h`
// by an admin is stored and shows on Home and in `/alert list` for everyone until it is lifted;
// anyone else is refused and nothing changes; a mute past 7 days and a duration Lookout cannot
// read are answered with what to type.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN, ALICE, ALERTS, BOB, blocksText, firingAlert, startE2e, type E2e } from './support/e2e.js';

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
  await e2e.createAlert(ALICE, firingAlert('Queue depth', { cron: '0 9 1 1 *', channels: [ALERTS] }));
}, 90_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

/** Alice's Home tab as Lookout publishes it when she opens it. */
async function homeOf(user: string): Promise<string> {
  const published = e2e.sim.calls('views.publish').length;
  await e2e.sim.event({ type: 'app_home_opened', user, tab: 'home' });
  await e2e.sim.waitUntil(() => e2e.sim.calls('views.publish').slice(published).find((c) => c.args.user_id === user), 15_000);
  return blocksText(e2e.sim.homeView(user)?.blocks);
}

describe('/alert mute all', () => {
  it('someone who is not an admin is refused, and nothing is muted', async () => {
    const answer = await e2e.command(BOB, 'mute all 2h');
    expect(answer.text).toBe('🚫 Not allowed: Only Lookout admins can mute everything.');
    expect(await e2e.lookout.store.getMute()).toBeNull();
    expect(blocksText((await e2e.command(ALICE, 'list')).blocks)).not.toContain('Everything muted');
  });

  it('a duration past 7 days, or one Lookout cannot read, says what to type', async () => {
    expect((await e2e.command(ADMIN, 'mute all 8d')).text).toBe('⚠️ A mute can last at most 7 days (`/alert mute all 7d`); pause the alerts that should stay quiet longer.');
    expect((await e2e.command(ADMIN, 'mute all later')).text).toContain('"later" is not a duration: use minutes, hours or days like 30m, 2h, 1d or 1h30m. Usage: `/alert mute all &lt;duration&gt;`');
    expect(await e2e.lookout.store.getMute()).toBeNull();
  });

  it('an admin mutes everything for 2 h: stored, confirmed, and shown on Home and in /alert list', async () => {
    const answer = await e2e.command(ADMIN, 'mute all 2h');
    expect(answer.text).toMatch(/^🔕 Everything is muted until <!date\^\d+\^\{date_short_pretty\} at \{time\}\|\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC>\. /);
    expect(answer.text).toContain('`/alert unmute all` ends it sooner.');
    const mute = await e2e.lookout.store.getMute();
    expect(mute).toMatchObject({ by: ADMIN });
    expect(mute!.until.getTime() - mute!.at.getTime()).toBe(2 * 3600_000);
    const line = `🔕 *Everything muted* until <!date^${Math.floor(mute!.until.getTime() / 1000)}^{date_short_pretty} at {time}|`;
    // Alice's list: the fallback time in her own zone (Asia/Seoul), then who muted.
    const list = blocksText((await e2e.command(ALICE, 'list')).blocks);
    expect(list).toContain(line);
    expect(list).toMatch(/\(Asia\/Seoul\)> by <@U0ADMIN01>/);
    expect(await homeOf(ALICE)).toContain(line);
    expect(await homeOf(BOB)).toContain(`by <@${ADMIN}>`);
  });

  it('unmute all by someone else is refused; by an admin it ends the mute, and Home and the list no longer show it', async () => {
    expect((await e2e.command(BOB, 'unmute all')).text).toBe('🚫 Not allowed: Only Lookout admins can unmute everything.');
    expect(await e2e.lookout.store.getMute()).not.toBeNull();
    expect((await e2e.command(ADMIN, 'unmute all')).text).toBe('🔔 The mute is over: Lookout sends again.');
    expect(await e2e.lookout.store.getMute()).toBeNull();
    expect(blocksText((await e2e.command(ALICE, 'list')).blocks)).not.toContain('Everything muted');
    expect(await homeOf(ALICE)).not.toContain('Everything muted');
    expect((await e2e.command(ADMIN, 'unmute all')).text).toBe('Nothing was muted.');
  });
});
