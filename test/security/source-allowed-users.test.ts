// Vector: a co-owner outside a data source's allowedUsers rewrote the SQL, recipients and owners,
// pressed Run now and read the restricted data in their own channel. allowedUsers now holds for
// the person acting and for every owner — on create, edit, Test query, Run now and each
// scheduled run — and owners added must pass it too.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataSourceConfig } from '../../src/config.js';
import type { Alert } from '../../src/domain/types.js';
import { ACTION, BLOCK } from '../../src/messages/slack/ids.js';
import { ALERTS, ALICE, BOB, BOBS, blocksText, firingAlert, modalValues, startE2e, type E2e } from '../e2e/support/e2e.js';

const YEARLY = { preset: 'custom' as const, cron: '0 9 1 1 *' };
let e2e: E2e;
let alert: Alert;

beforeAll(async () => {
  // The sample file again, as a source only Alice (and admins) may use.
  e2e = await startE2e({ extraSources: (path) => [dataSourceConfig({ name: 'restricted', kind: 'sqlite', path, maxRows: 100, allowedUsers: [ALICE] })] });
  e2e.setMetric(777);
  alert = await e2e.createAlert(ALICE, firingAlert('Salaries', { ...YEARLY, dataSource: 'restricted' }));
  // Bob as co-owner, as an alert saved before this rule could have it.
  await e2e.lookout.store.updateAlert(alert.id, { owners: [ALICE, BOB], updatedBy: ALICE, updatedAt: new Date() });
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

/** Bob's messages and the channels he reads: none may carry the restricted value. */
function bobSaw(): string {
  return JSON.stringify([e2e.sim.messages(BOB), e2e.sim.messages(BOBS), e2e.sim.ephemerals(BOB)]);
}

describe('an owner outside allowedUsers', () => {
  it('cannot be added: saving with Bob as an owner is a field error on the owners, nothing saved', async () => {
    const { ack } = await e2e.submitAlertModal(ALICE, firingAlert('Salaries 2', { ...YEARLY, dataSource: 'restricted', owners: [ALICE, BOB] }));
    expect(ack).toMatchObject({ response_action: 'errors', errors: { [BLOCK.owners]: expect.stringContaining(`${BOB} may not use the data source "restricted"`) } });
    expect(await e2e.lookout.store.findAlertByName('Salaries 2')).toBeNull();
  });

  it('cannot rewrite its SQL or recipients through the edit modal', async () => {
    const opened = e2e.sim.calls('views.open').length;
    await e2e.sim.slashCommand({ user_id: BOB, text: 'edit Salaries' });
    const call = await e2e.sim.waitUntil(() => e2e.sim.calls('views.open')[opened]);
    const view = (call.response as { view: { id: string } }).view;
    const ack = await e2e.sim.viewSubmission({
      view: view.id,
      values: modalValues({ name: 'Salaries', sql: 'SELECT v * 2 FROM metric', dataSource: 'restricted', channels: [BOBS], op: '>', threshold: '1' }),
    });
    expect(ack).toMatchObject({ response_action: 'errors', errors: { [BLOCK.dataSource]: expect.stringMatching(/not a data source you may use/) } });
    const stored = await e2e.lookout.store.getAlert(alert.id);
    expect(stored).toMatchObject({ sql: 'SELECT v FROM metric', recipients: [{ kind: 'slack_channel', id: ALERTS }] });
  });

  /** Opens the create modal as `user`, fills it, presses Test query; the result block's text. */
  async function testQuery(user: string, owners: string[]): Promise<string> {
    const view = await e2e.openCreateModal(user);
    await e2e.fill(user, view, { name: 'Probe', sql: 'SELECT v FROM metric', dataSource: 'restricted', owners });
    const hash = e2e.sim.view(view.id)?.hash;
    await e2e.sim.blockAction({ user, view: view.id, action_id: ACTION.testQuery });
    const updated = await e2e.sim.waitUntil(() => {
      const now = e2e.sim.view(view.id);
      return now && now.hash !== hash && now.blocks.some((b) => b.block_id === BLOCK.testResult) ? now : undefined;
    });
    return blocksText(updated.blocks.filter((b) => b.block_id === BLOCK.testResult));
  }

  it('cannot Test query the source, nor be the owner of a Test query someone else runs', async () => {
    const bobs = await testQuery(BOB, [BOB]);
    expect(bobs).toMatch(/not a data source you may use/);
    expect(bobs).not.toContain('777');
    const alices = await testQuery(ALICE, [ALICE, BOB]);
    expect(alices).toContain(`${BOB} may not use the data source`);
    expect(alices).not.toContain('777');
  });

  it('cannot Run now, and neither can Alice while Bob owns it: nothing runs', async () => {
    expect((await e2e.command(BOB, 'run Salaries')).text).toMatch(new RegExp(`${BOB} may not use the data source "restricted"`));
    expect((await e2e.command(ALICE, 'run Salaries')).text).toMatch(new RegExp(`${BOB} may not use the data source "restricted"`));
    expect(await e2e.lookout.store.history(alert.id, 10)).toEqual([]);
  });

  it('stops its scheduled runs: the tick is an ERROR that says why, and nothing is posted', async () => {
    const summary = await e2e.lookout.runner.runTick({ alertId: alert.id, scheduledAt: new Date('2027-01-01T09:00:00Z'), trigger: 'schedule' });
    expect(summary).toMatchObject({ state: 'ERROR', reason: expect.stringContaining(`${BOB} may not use the data source "restricted"`), deliveries: [] });
    expect(e2e.posts(ALERTS).some((m) => (m.text ?? '').includes('777'))).toBe(false);
    expect(bobSaw()).not.toContain('777');
  });
});
