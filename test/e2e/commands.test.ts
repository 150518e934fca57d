// `/alert` subcommands answered ephemerally through response_url, `/alert doctor` finding a
// dead data source, a channel Lookout left and a missing scope (admins; others get only the
// recipients failing now, delivery-health.test.ts), a DuckDB source said to have no database
// users, the App Home, and Lookout handling commands again after Slack drops its socket.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dirname } from 'node:path';
import type { Alert } from '../../src/domain/types.js';
import { ACTION, CALLBACK } from '../../src/messages/slack/ids.js';
import { ADMIN, ALICE, BOB, blocksText, eventually, firingAlert, startE2e, type E2e } from './support/e2e.js';
import { dataSourceConfig } from '../../src/config.js';
import { PACK_MAX_LINES } from '../../src/messages/slack/pack-lines.js';
import { HOME_ALERTS_MAX } from '../../src/slack/blocks/home.js';
import { newAlertFixture } from '../contract/store-fixtures.js';

let e2e: E2e;
let alert: Alert;
const DOOMED = 'C0DOOMED1';

beforeAll(async () => {
  e2e = await startE2e({
    extraSources: (sqlitePath) => [
      // Nothing listens on port 1: the doctor must say this source does not answer.
      dataSourceConfig({ name: 'warehouse', kind: 'postgres', url: 'postgres://lookout@127.0.0.1:1/warehouse', statementTimeoutS: 5, maxRows: 10, poolSize: 1 }),
      // Files, no database user: the doctor must say so instead of naming a user's rights.
      dataSourceConfig({ name: 'files', kind: 'duckdb', allowedDirs: [dirname(sqlitePath)], statementTimeoutS: 10, maxRows: 10, poolSize: 1 }),
    ],
  });
  e2e.sim.workspace.addChannel({ id: DOOMED, name: 'doomed', members: [ALICE] });
  alert = await e2e.createAlert(ALICE, firingAlert('Daily revenue', { cron: '0 9 1 1 *' }));
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

describe('/alert subcommands', () => {
  it('list → the person\'s alerts', async () => {
    const answer = await e2e.command(ALICE, 'list');
    expect(blocksText(answer.blocks)).toContain('Daily revenue');
    expect(e2e.sim.ephemerals(ALICE).at(-1)?.via).toBe('response_url');
    expect(blocksText((await e2e.command(BOB, 'list')).blocks)).toMatch(/no alerts or reports yet/);
  });

  it('list all → the service\'s refusal for others, everyone\'s alerts for admins', async () => {
    expect((await e2e.command(BOB, 'list all')).text).toMatch(/Only Lookout admins can list all alerts/);
    expect(blocksText((await e2e.command(ADMIN, 'list all')).blocks)).toContain('Daily revenue');
  });

  it('history <name> → its runs', async () => {
    await e2e.command(ALICE, 'run "Daily revenue"');
    await eventually(async () => (await e2e.lookout.store.history(alert.id, 5)).find((x) => x.finishedAt !== null), 15_000, 'the run');
    const answer = await e2e.command(ALICE, 'history Daily revenue');
    const text = blocksText(answer.blocks);
    expect(text).toContain('History of Daily revenue');
    expect(text).toMatch(/run now/);
    expect(text).toContain('42');
  });

  it('edit by someone who is not an owner → not allowed; by the owner → the modal, prefilled', async () => {
    expect((await e2e.command(BOB, 'edit "Daily revenue"')).text).toMatch(/Not allowed: Only the owners of this alert and Lookout admins can edit it/);
    const opened = e2e.sim.calls('views.open').length;
    await e2e.sim.slashCommand({ user_id: ALICE, text: 'edit "Daily revenue"' });
    const call = await e2e.sim.waitUntil(() => e2e.sim.calls('views.open')[opened]);
    const view = call.args.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
    expect(view.callback_id).toBe(CALLBACK.alertModal);
    expect(JSON.parse(view.private_metadata)).toEqual({ mode: 'edit', alertId: alert.id });
    expect(blocksText(view.blocks)).toContain('Daily revenue');
    expect(blocksText(view.blocks)).toContain('SELECT v FROM metric');
  });

  it('snooze <name> <duration>, snooze off, and a bad duration', async () => {
    expect((await e2e.command(ALICE, 'snooze "Daily revenue" 2h')).text).toMatch(/Snoozed “Daily revenue” until .*\(Asia\/Seoul\)/);
    expect((await e2e.lookout.store.getAlert(alert.id))?.snoozedUntil).toBeInstanceOf(Date);
    expect((await e2e.command(ALICE, 'snooze "Daily revenue" off')).text).toMatch(/no longer snoozed/);
    expect((await e2e.lookout.store.getAlert(alert.id))?.snoozedUntil).toBeNull();
    expect(blocksText((await e2e.command(ALICE, 'snooze "Daily revenue" soon')).blocks)).toMatch(/is not a duration/);
  });

  it('delete <name> → deleted with its history; not by someone who is not an owner', async () => {
    const doomed = await e2e.createAlert(ALICE, firingAlert('Short lived', { cron: '0 9 1 1 *' }));
    expect((await e2e.command(BOB, 'delete Short lived')).text).toMatch(/Not allowed/);
    expect(await e2e.lookout.store.getAlert(doomed.id)).not.toBeNull();
    expect((await e2e.command(ALICE, 'delete Short lived')).text).toMatch(/Deleted “Short lived” and its history/);
    expect(await e2e.lookout.store.getAlert(doomed.id)).toBeNull();
  });

  it('an unknown subcommand or a missing argument → usage', async () => {
    expect(blocksText((await e2e.command(ALICE, 'frobnicate')).blocks)).toMatch(/Unknown subcommand/);
    expect(blocksText((await e2e.command(ALICE, 'pause')).blocks)).toMatch(/needs the name or id of an alert/);
    expect(blocksText((await e2e.command(ALICE, 'help')).blocks)).toContain('/alert doctor');
  });

  it('an alert that does not exist → says so', async () => {
    expect((await e2e.command(ALICE, 'pause Nonexistent')).text).toMatch(/No alert or report matches "Nonexistent"/);
  });
});

describe('/alert doctor', () => {
  it('checks the set-up for admins only; others get the recipients failing now', async () => {
    const answer = await e2e.command(ALICE, 'doctor');
    expect(answer.text).toBe('Recipients failing now: none');
    expect(blocksText(answer.blocks)).toMatch(/set-up checks .* are for Lookout admins/);
    expect(blocksText(answer.blocks)).not.toMatch(/Data source “|Lookout doctor|lacks the scope/);
  });

  it('names a data source that does not answer, a channel Lookout left and a missing scope', async () => {
    const { sim } = e2e;
    await e2e.createAlert(ALICE, firingAlert('Doomed', { cron: '0 9 1 1 *', channels: [DOOMED] }));
    sim.workspace.botLeave(DOOMED);
    const scopes = sim.workspace.scopes;
    sim.workspace.scopes = scopes.filter((s) => s !== 'im:write');
    try {
      const { text } = await e2e.command(ADMIN, 'doctor');
      expect(text).toMatch(/Data source “warehouse” does not answer/);
      expect(text).toMatch(/Lookout is not in #doomed \(used by “Doomed”\)/);
      expect(text).toMatch(/lacks the scope `im:write`/);
      expect(text).toMatch(/Data source “sample” answers/);
      expect(text).toMatch(/Data source “files” answers, and has no database users to check: Lookout reads its files in memory, only under the directories allowed in its config/);
      expect(text).toMatch(/Browser \(screenshots\): fine/);
      expect(text).toMatch(/Email \(SMTP\): email is not set up: set SMTP_URL/);
      expect(text).not.toMatch(/#alerts/);
    } finally {
      sim.workspace.scopes = scopes;
    }
  });
});

describe('App Home', () => {
  it('app_home_opened → views.publish with the person\'s alerts', async () => {
    const { sim } = e2e;
    const published = sim.calls('views.publish').length;
    await sim.event({ type: 'app_home_opened', user: ALICE, tab: 'home' });
    const call = await sim.waitUntil(() => sim.calls('views.publish').slice(published).find((c) => c.args.user_id === ALICE));
    const home = blocksText((call.args.view as { blocks: unknown[] }).blocks);
    expect(home).toContain('Daily revenue');
    expect(home).toContain(ACTION.runNow);
    expect(blocksText(sim.homeView(ALICE)?.blocks)).toContain('Daily revenue');
  });

  it('a Home button answers by DM (Home has no channel)', async () => {
    const { sim } = e2e;
    const home = sim.homeView(ALICE);
    if (!home) throw new Error('no Home view');
    const dms = sim.messages(ALICE).length;
    await sim.blockAction({ user: ALICE, view: home.id, action_id: ACTION.snooze1h, block_id: `alert_actions:${alert.id}` });
    const dm = await sim.waitUntil(() => sim.messages(ALICE).slice(dms).find((m) => /Snoozed “Daily revenue”/.test(m.text ?? '')));
    expect(dm.via).toBe('chat.postMessage');
  });

  /** A new person with `total` paused alerts named `<prefix> 000`, … made a minute apart, oldest first. */
  async function seedMany(user: string, prefix: string, total: number): Promise<void> {
    e2e.sim.workspace.addUser({ id: user, name: user.toLowerCase() });
    for (let i = 0; i < total; i += 1) {
      const name = `${prefix} ${String(i).padStart(3, '0')}`;
      await e2e.lookout.store.createAlert(newAlertFixture({ name, owners: [user], active: false, nextRunAt: null, createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)) }));
    }
  }

  it('someone with more alerts than Home holds sees the oldest ones and how many more, counted', async () => {
    const { sim } = e2e;
    const many = 'U0MANYALERTS';
    const total = HOME_ALERTS_MAX + 12;
    await seedMany(many, 'Many', total);
    const published = sim.calls('views.publish').length;
    await sim.event({ type: 'app_home_opened', user: many, tab: 'home' });
    const call = await sim.waitUntil(() => sim.calls('views.publish').slice(published).find((c) => c.args.user_id === many));
    const home = blocksText((call.args.view as { blocks: unknown[] }).blocks);
    const shown = [...home.matchAll(/\*Many (\d{3})\*/g)].map((m) => Number(m[1]));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(shown.map((_, i) => i));
    expect(home).toContain(`and ${total - shown.length} more`);
  });

  it('/alert list with more alerts than one message holds shows the oldest ones and counts them all', async () => {
    const many = 'U0LISTMANY';
    const total = PACK_MAX_LINES + 20;
    await seedMany(many, 'Listed', total);
    const answer = await e2e.command(many, 'list');
    const text = blocksText(answer.blocks);
    expect(answer.text).toBe(`${total} alerts and reports`);
    const shown = [...text.matchAll(/\*Listed (\d{3})\*/g)].map((m) => Number(m[1]));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(shown.map((_, i) => i));
    expect(text).toContain(`…and ${total - shown.length} more`);
  });
});

describe('Socket Mode', () => {
  it('after Slack drops the socket, Lookout reconnects and handles the next command', async () => {
    const { sim, lookout } = e2e;
    expect(lookout.slack?.connected()).toBe(true);
    const opened = sim.connectionsOpened();
    expect(sim.dropConnections()).toBe(1);
    await sim.waitUntil(() => sim.connectionsOpened() > opened && sim.connectionCount() > 0, 30_000);
    const answer = await e2e.command(ALICE, 'list');
    expect(blocksText(answer.blocks)).toContain('Daily revenue');
    expect(lookout.slack?.connected()).toBe(true);
  }, 40_000);
});
