// Conditions over time and per series (issue 3/6) through the modal: a labelled alert with a
// warning level, pending and keep-firing is created and stored as typed; another kind of check
// re-renders the modal with its own fields; a warning more severe than critical is refused on
// its block with nothing stored; Test query lists what each series would do.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ACTION, BLOCK } from '../../src/messages/slack/ids.js';
import type { SlackView } from '../support/slack-simulator/index.js';
import { ALERTS, ALICE, blocksText, modalValues, startE2e, type AlertFields, type E2e } from './support/e2e.js';

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
  e2e.exec("CREATE TABLE rates (region TEXT, rate REAL); INSERT INTO rates VALUES ('eu', 7.2), ('us', 3.1), ('ap', 1.0);");
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

const byRegion = (name: string, overrides: Partial<AlertFields> = {}): AlertFields => ({
  name,
  sql: 'SELECT region, rate FROM rates',
  op: '>',
  threshold: '5',
  warning: '3',
  labels: 'region',
  pendingTicks: '2',
  keepFiringTicks: '1',
  preset: 'custom',
  cron: '0 9 * * *',
  timezone: 'UTC',
  channels: [ALERTS],
  ...overrides,
});

const hasBlock = (view: SlackView | undefined, block: string): boolean => view?.blocks.some((b) => b.block_id === block) === true;

async function rerendered(viewId: string, hash: string | undefined, until: (view: SlackView) => boolean): Promise<SlackView> {
  return e2e.sim.waitUntil(() => {
    const now = e2e.sim.view(viewId);
    return now !== undefined && now.hash !== hash && until(now) ? now : undefined;
  });
}

describe('the modal\'s condition', () => {
  it('opens with the only data source chosen', async () => {
    const view = await e2e.openCreateModal(ALICE);
    const source = view.blocks.find((b) => b.block_id === BLOCK.dataSource) as { element?: { initial_option?: { value?: string } } } | undefined;
    expect(source?.element?.initial_option?.value).toBe('sample');
  });

  it('creates an alert by region with warning and critical levels, pending 2 and keep-firing 1, stored as typed', async () => {
    const alert = await e2e.createAlert(ALICE, byRegion('Rates by region'));
    expect(alert).toMatchObject({
      measure: { kind: 'value' },
      labels: ['region'],
      condition: { op: '>', threshold: 5 },
      warning: { op: '>', threshold: 3 },
      pendingTicks: 2,
      keepFiringTicks: 1,
    });
  });

  it('a switch of what to check re-renders with that kind\'s fields; a change alert with a floor is stored', async () => {
    const { sim } = e2e;
    const view = await e2e.openCreateModal(ALICE);
    expect(hasBlock(view, 'measure.floor')).toBe(false);
    const fields: AlertFields = {
      name: 'Rate drop',
      sql: "SELECT rate FROM rates WHERE region = 'eu'",
      measure: 'change',
      op: '>=',
      threshold: '30',
      rules: { 'measure.mode': 'percent', 'measure.direction': 'down', 'measure.floor': '1' },
      preset: 'custom',
      cron: '0 9 * * *',
      timezone: 'UTC',
      channels: [ALERTS],
    };
    const filled = await e2e.fill(ALICE, view, fields);
    for (const block of ['measure.mode', 'measure.direction', 'measure.floor']) expect([block, hasBlock(filled, block)]).toEqual([block, true]);
    const dms = sim.messages(ALICE).length;
    const ack = await sim.viewSubmission({ view: view.id, values: modalValues(fields) });
    expect(ack).toEqual({});
    await sim.waitUntil(() => sim.messages(ALICE).length > dms);
    expect(await e2e.lookout.store.findAlertByName('Rate drop')).toMatchObject({
      measure: { kind: 'change', mode: 'percent', direction: 'down', floor: 1 },
      condition: { op: '>=', threshold: 30 },
      labels: [],
      warning: null,
    });
  });

  it('the operator re-renders: the threshold is required for a comparison, optional for "not null"', async () => {
    const { sim } = e2e;
    const view = await e2e.openCreateModal(ALICE);
    const threshold = (v: SlackView | undefined) => (v?.blocks.find((b) => b.block_id === BLOCK.conditionThreshold) as { optional?: boolean } | undefined)?.optional;
    expect(threshold(view)).toBe(false);
    const hash = sim.view(view.id)?.hash;
    await sim.blockAction({ user: ALICE, view: view.id, action_id: ACTION.conditionOpChanged, value: 'not null' });
    const updated = await rerendered(view.id, hash, () => true);
    expect(threshold(updated)).toBe(true);
    // No warning level with "not null".
    expect(hasBlock(updated, 'warning.threshold')).toBe(false);
  });

  it('a warning more severe than critical → the warning block, nothing stored', async () => {
    const { ack, view } = await e2e.submitAlertModal(ALICE, byRegion('Backwards levels', { warning: '9' }));
    expect(ack).toMatchObject({ response_action: 'errors', errors: { 'warning.threshold': 'must be lower than the critical threshold (> 5): the warning comes first' } });
    expect(Object.keys(ack.errors as Record<string, string>)).toEqual(['warning.threshold']);
    expect(e2e.sim.topView(ALICE)?.id).toBe(view.id);
    expect(await e2e.lookout.store.findAlertByName('Backwards levels')).toBeNull();
  });

  it('a new-rows alert without its key column → the key column block', async () => {
    const { ack } = await e2e.submitAlertModal(ALICE, {
      name: 'No key',
      sql: 'SELECT region, rate FROM rates',
      measure: 'new_rows',
      rules: { 'measure.keyColumn': ' ', 'measure.sendFirstRun': true },
      channels: [ALERTS],
    });
    expect(ack).toMatchObject({ response_action: 'errors', errors: { 'measure.keyColumn': 'a column name is required' } });
    expect(await e2e.lookout.store.findAlertByName('No key')).toBeNull();
  });

  it('Test query lists what each series would do at the next check', async () => {
    const { sim } = e2e;
    const view = await e2e.openCreateModal(ALICE);
    await e2e.fill(ALICE, view, byRegion('Probe by region', { pendingTicks: '1' }));
    const hash = sim.view(view.id)?.hash;
    await sim.blockAction({ user: ALICE, view: view.id, action_id: ACTION.testQuery });
    const updated = await rerendered(view.id, hash, (v) => hasBlock(v, BLOCK.testResult));
    const result = blocksText(updated.blocks.filter((b) => b.block_id === BLOCK.testResult));
    expect(result).toContain('At the next check this would send (3 series, 2 firing)');
    expect(result).toContain('*region=eu*: 7.2 &gt; 5 — would fire (critical)');
    expect(result).toContain('*region=us*: 3.1 &gt; 3 — would fire (warning)');
    expect(result).toContain('*region=ap*: 1 is not &gt; 5 — normal');
    // A label column the result lacks is the test's error.
    await e2e.fill(ALICE, updated, { labels: 'country' });
    const again = sim.view(view.id)?.hash;
    await sim.blockAction({ user: ALICE, view: view.id, action_id: ACTION.testQuery });
    const missing = await rerendered(view.id, again, (v) => hasBlock(v, BLOCK.testResult));
    expect(blocksText(missing.blocks.filter((b) => b.block_id === BLOCK.testResult))).toContain('As an alert this would fail: the label column \\"country\\" is not in the result');
  });
});
