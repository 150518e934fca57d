// What a save checks about who saves, with the real alert service on a PostgreSQL store:
// Lookout's logins for screenshot pages (screenshots.auth) limited to some people — an alert whose
// page is on such an origin is saved only when the person saving and every owner may use it
// (admins may), as for a data source's allowedUsers; refused as a field error, nothing saved (the
// capture side is in test/integration/capture/screenshot.test.ts) — and a key clash that names
// the other alert only to someone who may see it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataSourceConfig } from '../../../src/config.js';
import { createDataSourceCatalog } from '../../../src/datasources/catalog.js';
import type { DataSourceCatalog } from '../../../src/datasources/port.js';
import { ValidationError } from '../../../src/errors.js';
import { createAlertService, type AlertService } from '../../../src/services/alert-service.js';
import type { AlertInput } from '../../../src/services/alert-input.js';
import type { Store } from '../../../src/store/port.js';
import { createPostgresStore } from '../../../src/store/postgres/store.js';
import { createTempDatabase, type TempDatabase } from '../../support/postgres.js';

const ALICE = 'U0ALICE01';
const BOB = 'U0BOB0001';
const ADMIN = 'U0ADMIN01';

let db: TempDatabase;
let store: Store;
let dataSources: DataSourceCatalog;
let service: AlertService;

beforeAll(async () => {
  db = await createTempDatabase('lookout_shot_creds');
  store = await createPostgresStore({ connectionString: db.url });
  dataSources = createDataSourceCatalog([dataSourceConfig({ name: 'main', kind: 'sqlite', path: ':memory:' })]);
  service = createAlertService({
    store,
    dataSources,
    clock: () => new Date('2026-12-07T00:00:00Z'),
    admins: [ADMIN],
    shards: 4,
    allowedHosts: ['grafana.internal', 'wiki.internal'],
    credentialUsers: { 'grafana.internal': [ALICE], 'https://wiki.internal': [] },
    runNow: async () => undefined,
  });
});

afterAll(async () => {
  await dataSources?.closeAll();
  await store?.close();
  await db?.drop();
});

let n = 0;
const report = (url: string, owners: string[]): AlertInput => ({
  name: `Dashboard ${++n}`,
  owners,
  type: 'report',
  dataSource: 'main',
  sql: 'SELECT 1',
  schedule: { cron: '0 9 * * *', timezone: 'UTC' },
  recipients: [{ kind: 'slack_channel', id: 'C0OPS0001' }],
  content: { kind: 'screenshot', url },
});

async function refusal(call: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await call;
  } catch (err) {
    if (err instanceof ValidationError) return err.fieldErrors;
    throw err;
  }
  throw new Error('saved');
}

describe('an alert screenshotting a page behind a limited login', () => {
  it.each([
    ['someone not listed, for themselves', BOB, [BOB], BOB],
    ['a listed person adding an owner who is not', ALICE, [ALICE, BOB], BOB],
    ['an admin, for an owner who is not listed', ADMIN, [BOB], BOB],
  ])('is refused for %s, naming who, and nothing is saved', async (_, actor, owners, barred) => {
    const before = (await store.listAlerts()).length;
    expect(await refusal(service.create({ userId: actor }, report('https://grafana.internal/d/sales', owners)))).toEqual({
      'content.url': `Lookout's login for https://grafana.internal is limited to some people (screenshots.auth allowedUsers), and ${barred} is not among them: ask an admin, or take a page that needs no login`,
    });
    expect(await store.listAlerts()).toHaveLength(before);
  });

  it('is saved for listed people and admins', async () => {
    await service.create({ userId: ALICE }, report('https://grafana.internal/d/sales', [ALICE]));
    await service.create({ userId: ADMIN }, report('https://grafana.internal/d/sales', [ALICE, ADMIN]));
    expect((await store.listAlerts()).filter((a) => a.content.kind === 'screenshot')).toHaveLength(2);
  });

  it('an edit moving an alert onto the limited login is refused to someone not listed', async () => {
    const saved = await service.create({ userId: BOB }, report('https://wiki.internal/page', [BOB]));
    expect(await refusal(service.update({ userId: BOB }, saved.id, report('https://grafana.internal/d/sales', [BOB])))).toHaveProperty(['content.url']);
    expect((await store.getAlert(saved.id))!.content).toMatchObject({ url: 'https://wiki.internal/page' });
  });

  it('another port of the host is not that origin: its login is not limited', async () => {
    await expect(service.create({ userId: BOB }, report('https://grafana.internal:3000/d/sales', [BOB]))).resolves.toBeDefined();
  });
});

describe('a key already taken', () => {
  it('names the alert holding it only to someone who may see it', async () => {
    const alices = await service.create({ userId: ALICE }, { ...report('https://wiki.internal/a', [ALICE]), name: 'Payroll run', key: 'payroll-run' } as AlertInput);
    const input = { ...report('https://wiki.internal/b', [BOB]), key: 'payroll-run' } as AlertInput;
    expect(await refusal(service.create({ userId: BOB }, input))).toEqual({ key: 'another alert already has the key "payroll-run"; choose another key' });
    expect(await refusal(service.create({ userId: ALICE }, { ...input, owners: [ALICE] }))).toEqual({
      key: 'the alert “Payroll run” already has the key "payroll-run"; choose another key',
    });
    expect((await store.findAlertByKey('payroll-run'))!.id).toBe(alices.id);
  });
});
