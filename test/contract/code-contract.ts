// The Store contract's cases for alerts as code (issue 5/6): each alert's unique key and the file
// that manages it, and the versions of its definition. Run by runStoreContract (store-contract.ts)
// on every adapter.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { AlertSpec } from '../../src/domain/types.js';
import { specOf, type NewAlertVersion } from '../../src/domain/versions.js';
import { ConflictError } from '../../src/errors.js';
import { MAX_VERSIONS_PER_ALERT, type Store } from '../../src/store/port.js';
import { T0, newAlertFixture, plusSeconds } from './store-fixtures.js';

interface CodeContractContext {
  /** The test's store, on an empty database. */
  store(): Store;
}

export function describeCodeContract({ store }: CodeContractContext): void {
  describe('keys and alert files', () => {
    it('finds an alert by its key, exactly', async () => {
      const created = await store().createAlert(newAlertFixture({ key: 'cpu-high' }));
      expect((await store().findAlertByKey('cpu-high'))?.id).toBe(created.id);
      expect(await store().findAlertByKey('CPU-HIGH')).toBeNull();
      expect(await store().findAlertByKey('cpu')).toBeNull();
      expect((await store().getAlert(created.id))?.key).toBe('cpu-high');
    });

    it('refuses a key another alert has, on create and on change, changing nothing', async () => {
      const first = await store().createAlert(newAlertFixture({ key: 'orders' }));
      const attempt = store().createAlert(newAlertFixture({ key: 'orders' }));
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      await expect(attempt).rejects.toMatchObject({ field: 'key', message: 'An alert with the key "orders" already exists.' });
      const second = await store().createAlert(newAlertFixture({ key: 'orders-2' }));
      const change = store().updateAlert(second.id, { key: 'orders', updatedBy: 'U2', updatedAt: T0 });
      await expect(change).rejects.toMatchObject({ field: 'key', code: 'conflict' });
      expect((await store().getAlert(second.id))?.key).toBe('orders-2');
      expect((await store().listAlerts()).map((a) => a.id).sort()).toEqual([first.id, second.id].sort());
    });

    it('keeps the file that manages an alert, and a change moves or clears it', async () => {
      const managed = await store().createAlert(newAlertFixture({ managedBy: 'team/sales.yml' }));
      const made = await store().createAlert(newAlertFixture());
      expect((await store().getAlert(managed.id))?.managedBy).toBe('team/sales.yml');
      expect((await store().getAlert(made.id))?.managedBy).toBeNull();
      expect((await store().updateAlert(managed.id, { managedBy: 'ops.yml', updatedBy: 'U2', updatedAt: T0 }))?.managedBy).toBe('ops.yml');
      // A change that does not name the file leaves it.
      expect((await store().updateAlert(managed.id, { description: 'x', updatedBy: 'U2', updatedAt: T0 }))?.managedBy).toBe('ops.yml');
      expect((await store().updateAlert(managed.id, { managedBy: null, updatedBy: 'U2', updatedAt: T0 }))?.managedBy).toBeNull();
    });
  });

  describe('versions', () => {
    function versionOf(alertId: string, spec: AlertSpec, overrides: Partial<NewAlertVersion> = {}): NewAlertVersion {
      return { alertId, spec, managedBy: null, changed: [], by: 'U1', at: T0, via: 'slack', restoredFrom: null, ...overrides };
    }

    it('numbers each alert\'s versions from 1 and reads them back whole, newest first', async () => {
      const alert = await store().createAlert(newAlertFixture({ key: 'revenue' }));
      const other = await store().createAlert(newAlertFixture());
      const spec = specOf(alert);
      const changedSpec: AlertSpec = {
        ...spec,
        sql: 'SELECT 2 -- “quoted” $1',
        measure: { kind: 'change', mode: 'percent', direction: 'down', floor: 0.5 },
        labels: ['region.name', '$tier'],
        warning: { op: '>', threshold: 0.1 },
        content: { kind: 'chart', chart: 'bar', csv: true, native: false, bom: true, keepFormulas: false },
        recipients: [{ kind: 'email', address: 'ops@example.com' }],
      };
      const first = await store().addVersion(versionOf(alert.id, spec));
      const second = await store().addVersion(
        versionOf(alert.id, changedSpec, { changed: ['sql', 'measure'], by: 'U2', at: plusSeconds(T0, 60.001), via: 'cli', managedBy: 'a/b.yml' }),
      );
      const third = await store().addVersion(versionOf(alert.id, spec, { changed: ['sql'], via: 'files', restoredFrom: 1, at: plusSeconds(T0, 120) }));
      const others = await store().addVersion(versionOf(other.id, specOf(other)));

      expect([first?.version, second?.version, third?.version, others?.version]).toEqual([1, 2, 3, 1]);
      expect(second).toEqual({
        alertId: alert.id,
        version: 2,
        spec: changedSpec,
        managedBy: 'a/b.yml',
        changed: ['sql', 'measure'],
        by: 'U2',
        at: plusSeconds(T0, 60.001),
        via: 'cli',
        restoredFrom: null,
      });
      expect(await store().getVersion(alert.id, 2)).toEqual(second);
      expect((await store().getVersion(alert.id, 3))?.restoredFrom).toBe(1);
      expect(await store().getVersion(alert.id, 4)).toBeNull();
      expect(await store().getVersion(randomUUID(), 1)).toBeNull();
      expect((await store().versions(alert.id, 10)).map((v) => v.version)).toEqual([3, 2, 1]);
      expect((await store().versions(alert.id, 2)).map((v) => v.version)).toEqual([3, 2]);
      expect(await store().versions(alert.id, 0)).toEqual([]);
      expect((await store().versions(other.id, 10)).map((v) => v.spec.key)).toEqual([other.key]);
    });

    it('adds nothing for an alert that does not exist', async () => {
      const alert = await store().createAlert(newAlertFixture());
      expect(await store().addVersion(versionOf(randomUUID(), specOf(alert)))).toBeNull();
      expect(await store().versions(alert.id, 10)).toEqual([]);
    });

    it('gives versions added at the same moment each their own number', async () => {
      const alert = await store().createAlert(newAlertFixture());
      const added = await Promise.all([1, 2, 3, 4].map((n) => store().addVersion(versionOf(alert.id, specOf(alert), { by: `U${n}` }))));
      expect(added.map((v) => v?.version).sort()).toEqual([1, 2, 3, 4]);
      expect((await store().versions(alert.id, 10)).map((v) => v.version)).toEqual([4, 3, 2, 1]);
    });

    it(`keeps an alert's newest ${MAX_VERSIONS_PER_ALERT} versions`, async () => {
      const alert = await store().createAlert(newAlertFixture());
      for (let n = 1; n <= MAX_VERSIONS_PER_ALERT + 2; n += 1) await store().addVersion(versionOf(alert.id, specOf(alert)));
      const kept = await store().versions(alert.id, MAX_VERSIONS_PER_ALERT + 10);
      expect(kept).toHaveLength(MAX_VERSIONS_PER_ALERT);
      expect([kept[0]?.version, kept.at(-1)?.version]).toEqual([MAX_VERSIONS_PER_ALERT + 2, 3]);
      expect(await store().getVersion(alert.id, 2)).toBeNull();
    });

    it('deletes an alert\'s versions with it', async () => {
      const alert = await store().createAlert(newAlertFixture());
      await store().addVersion(versionOf(alert.id, specOf(alert)));
      expect(await store().deleteAlert(alert.id)).toBe(true);
      expect(await store().versions(alert.id, 10)).toEqual([]);
      expect(await store().getVersion(alert.id, 1)).toBeNull();
    });
  });
}
