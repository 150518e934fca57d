// Vector: the modal said "Created" for SQL its source refuses (a DELETE, a syntax error, a
// missing table) and the owner learnt a minute later by DM. The SQL is now tried at save under
// the same read-only rules and caps as Test query: a refusal is a field error on the SQL and
// nothing is saved; a dry run that only runs out of time saves with a warning.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataSourceConfig } from '../../src/config.js';
import { BLOCK } from '../../src/messages/slack/ids.js';
import { ALICE, firingAlert, startE2e, type E2e } from '../e2e/support/e2e.js';

const YEARLY = { preset: 'custom' as const, cron: '0 9 1 1 *' };
/** Never ends on its own: SQLite counts an endless recursion. */
const ENDLESS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
let e2e: E2e;

beforeAll(async () => {
  // The sample file under a 1 s statement timeout, so the endless query's dry run ends quickly.
  e2e = await startE2e({ extraSources: (path) => [dataSourceConfig({ name: 'quick', kind: 'sqlite', path, statementTimeoutS: 1 })] });
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

describe('saving an alert tries its SQL first', () => {
  it.each([
    ['a write', 'DELETE FROM metric', /Writes, DDL and ATTACH are refused/],
    ['a syntax error', 'SELEC v FROM metric', /SELEC/],
    ['a missing table', 'SELECT v FROM no_such_table', /no_such_table/],
  ])('%s is a field error on the SQL and nothing is saved', async (_, sql, message) => {
    const name = `Dry run ${sql.slice(0, 12)}`;
    const { ack } = await e2e.submitAlertModal(ALICE, firingAlert(name, { ...YEARLY, sql }));
    expect(ack).toMatchObject({ response_action: 'errors', errors: { [BLOCK.sql]: expect.stringMatching(message) } });
    expect(await e2e.lookout.store.findAlertByName(name)).toBeNull();
  });

  it('the data is unchanged after the refused DELETE', async () => {
    const result = await e2e.lookout.dataSources.get('sample')?.query('SELECT count(*) FROM metric', { timeoutMs: 5000, maxRows: 1 });
    expect(result?.rows).toEqual([[1]]);
  });

  it('SQL that only runs out of time is saved, and the confirmation says it could not be checked', async () => {
    const dms = e2e.sim.messages(ALICE).length;
    const alert = await e2e.createAlert(ALICE, firingAlert('Slow but fine', { ...YEARLY, sql: ENDLESS, dataSource: 'quick' }));
    expect(alert.sql).toBe(ENDLESS);
    const confirmation = e2e.sim.messages(ALICE).slice(dms).map((m) => m.text ?? '').join('\n');
    expect(confirmation).toMatch(/Created alert “Slow but fine”/);
    expect(confirmation).toMatch(/⚠️ Saved, but Lookout could not check the SQL just now: .*statement timeout.*Test query/s);
  });
});
