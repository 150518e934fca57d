// A data source whose database user can do more than read: its alerts do not run, the admins are
// told once by DM naming the source and the privilege, and /alert doctor shows it as a problem —
// or, with allowPrivilegedUser, as a warning while its alerts run.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataSourceConfig } from '../../src/config.js';
import { ADMIN, ALICE, firingAlert, startE2e, type E2e } from './support/e2e.js';

const SUPERUSER_URL = 'postgres://postgres@127.0.0.1:5432/test';
let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e({
    extraSources: [
      dataSourceConfig({ name: 'warehouse', kind: 'postgres', url: SUPERUSER_URL, poolSize: 1 }),
      dataSourceConfig({ name: 'legacy', kind: 'postgres', url: SUPERUSER_URL, poolSize: 1, allowPrivilegedUser: true }),
    ],
  });
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

const dmsTo = (user: string) => e2e.sim.messages(user).map((m) => m.text ?? '');

describe('a data source with a superuser', () => {
  it('is refused: the admins are told once, naming the source and the privilege', async () => {
    await e2e.sim.waitUntil(() => dmsTo(ADMIN).some((t) => t.includes('“warehouse”') || t.includes('"warehouse"')), 15_000);
    const about = dmsTo(ADMIN).filter((t) => t.includes('warehouse'));
    expect(about).toHaveLength(1);
    expect(about[0]).toMatch(/runs no queries: its database user can do more than read: superuser/);
    expect(about[0]).toMatch(/allowPrivilegedUser/);
  });

  it('runs no alert: saving one on it is a field error that says why', async () => {
    const { ack } = await e2e.submitAlertModal(ALICE, firingAlert('On warehouse', { preset: 'custom', cron: '0 9 1 1 *', dataSource: 'warehouse', sql: 'SELECT 1' }));
    expect(JSON.stringify(ack)).toMatch(/runs no queries: its database user can do more than read/);
    expect(await e2e.lookout.store.findAlertByName('On warehouse')).toBeNull();
  });

  it('/alert doctor lists the refused source as a problem and the allowed one as a warning', async () => {
    const text = (await e2e.command(ADMIN, 'doctor')).text;
    expect(text).toMatch(/⚠️ Data source "warehouse" runs no queries: its database user can do more than read: superuser/);
    expect(text).toMatch(/🟠 Data source "legacy" runs its alerts although its database user can do more than read \(allowPrivilegedUser is set\)/);
  });

  it('with allowPrivilegedUser, alerts run and the admins are warned once', async () => {
    const alert = await e2e.createAlert(ALICE, firingAlert('On legacy', { preset: 'custom', cron: '0 9 1 1 *', dataSource: 'legacy', sql: 'SELECT 50', threshold: '1' }));
    expect(alert.dataSource).toBe('legacy');
    expect(dmsTo(ADMIN).filter((t) => t.includes('"legacy"'))).toHaveLength(1);
  });
});
