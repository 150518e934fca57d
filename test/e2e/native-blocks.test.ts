// Slack's own chart and table blocks, end to end: a chart alert posts a data_visualization block
// (no picture uploaded) and records it; one whose data do not fit (30 series) posts the PNG; 300
// rows go as a table block of the first rows with a note; a workspace that refuses the blocks
// (invalid_blocks) gets the same message with the PNG and a text table; and the simulator refuses
// a block past Slack's limits, as Slack does.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataSourceConfig } from '../../src/config.js';
import type { Alert, Content, Execution } from '../../src/domain/types.js';
import { ALERTS, ALICE, blocksText, eventually, startE2e, type E2e } from './support/e2e.js';

let e2e: E2e;

beforeAll(async () => {
  // The sample file again under a larger row cap, so a 300-row result comes back whole.
  e2e = await startE2e({ extraSources: (path) => [dataSourceConfig({ name: 'big', kind: 'sqlite', path, maxRows: 1000 })] });
  const wide = Array.from({ length: 30 }, (_, i) => `${i} AS s${i}`).join(', ');
  e2e.exec(`CREATE TABLE days (day TEXT, orders INTEGER, refunds INTEGER);
    INSERT INTO days VALUES ('Mon', 3, 1), ('Tue', 5, 0), ('Wed', 4, 2);
    CREATE TABLE many (n INTEGER);
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300) INSERT INTO many SELECT x FROM c;
    CREATE VIEW wide AS SELECT 'Mon' AS day, ${wide};`);
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
}, 60_000);

const chart = (type: 'line' | 'bar', native = true): Content => ({ kind: 'chart', chart: type, csv: false, native, bom: false, keepFormulas: false });

async function runReport(name: string, sql: string, content: Content, dataSource = 'sample'): Promise<{ alert: Alert; execution: Execution }> {
  const alert = await e2e.lookout.service.create(
    { userId: ALICE },
    { name, owners: [ALICE], type: 'report', dataSource, sql, condition: null, schedule: { cron: '0 9 1 1 *', timezone: 'UTC' }, content, recipients: [{ kind: 'slack_channel', id: ALERTS }] },
  );
  await e2e.lookout.service.runNow({ userId: ALICE }, alert.id);
  const execution = await eventually(async () => (await e2e.lookout.store.history(alert.id, 1)).find((x) => x.finishedAt !== null), 20_000, `${name} to finish`);
  return { alert, execution };
}

const postOf = (name: string) => e2e.posts(ALERTS).find((m) => (m.text ?? '').includes(name));
const picturesOf = (name: string) => e2e.sim.files().filter((f) => f.channel === ALERTS && f.name.endsWith('.png') && f.name.startsWith(name.toLowerCase().replace(/\s+/g, '-')));

describe("Slack's own blocks", () => {
  it('a chart that fits goes as a data_visualization block, no picture is uploaded, and the run records it', async () => {
    const { execution } = await runReport('Daily orders', 'SELECT day, orders, refunds FROM days', chart('line'));
    expect(execution).toMatchObject({ state: 'SUCCESS', deliveries: [{ ok: true, picture: 'native' }] });
    const post = postOf('Daily orders');
    const block = (post?.blocks ?? []).find((b) => (b as { type: string }).type === 'data_visualization');
    expect(block).toMatchObject({ title: 'Daily orders', chart: { type: 'line', axis_config: { categories: ['Mon', 'Tue', 'Wed'] } } });
    expect(blocksText(post?.blocks)).toContain('Line chart of orders, refunds by day');
    expect(picturesOf('Daily orders')).toEqual([]);
  });

  it('a chart of 30 series does not fit: the PNG goes instead', async () => {
    const { execution } = await runReport('Wide chart', 'SELECT * FROM wide', chart('bar'));
    expect(execution).toMatchObject({ state: 'SUCCESS', deliveries: [{ ok: true, picture: 'image' }] });
    expect((postOf('Wide chart')?.blocks ?? []).some((b) => (b as { type: string }).type === 'data_visualization')).toBe(false);
    await e2e.sim.waitUntil(() => picturesOf('Wide chart').find((f) => f.completed), 20_000);
  });

  it('300 rows go as a table block of the first rows, with a note saying how many', async () => {
    await runReport('Many rows', 'SELECT n, n * 2 AS twice FROM many', { kind: 'none' }, 'big');
    const post = postOf('Many rows');
    const table = (post?.blocks ?? []).find((b) => (b as { type: string }).type === 'table') as { rows: { text: string }[][]; column_settings: unknown[] };
    expect(table.rows[0]?.map((c) => c.text)).toEqual(['n', 'twice']);
    expect(table.rows.length - 1).toBe(20);
    expect(table.column_settings).toEqual([{ align: 'right' }, { align: 'right' }]);
    expect(blocksText(post?.blocks)).toContain('First 20 of 300 rows');
  });

  it('a workspace that refuses them gets the same message with the PNG and a text table', async () => {
    e2e.sim.workspace.nativeBlocks = false;
    try {
      const { execution } = await runReport('Refused blocks', 'SELECT day, orders FROM days', chart('line'));
      expect(execution).toMatchObject({ state: 'SUCCESS', deliveries: [{ ok: true, picture: 'image' }] });
      const post = postOf('Refused blocks');
      expect((post?.blocks ?? []).some((b) => ['table', 'data_visualization'].includes((b as { type: string }).type))).toBe(false);
      expect(blocksText(post?.blocks)).toContain('```');
      await e2e.sim.waitUntil(() => picturesOf('Refused blocks').find((f) => f.completed), 20_000);
      // The refused attempt posted nothing: one message only.
      expect(e2e.posts(ALERTS).filter((m) => (m.text ?? '').includes('Refused blocks'))).toHaveLength(1);
    } finally {
      e2e.sim.workspace.nativeBlocks = true;
    }
  });

  it('the simulator refuses a block past Slack\'s limits, as Slack does', async () => {
    const tooLong = { type: 'data_visualization', title: 'x'.repeat(51), chart: { type: 'pie', segments: [{ label: 'a', value: 1 }] } };
    const refused = await e2e.lookout.slack!.client.chat.postMessage({ channel: ALERTS, text: 'x', blocks: [tooLong] as never }).catch((err: { data?: { error?: string } }) => err.data?.error);
    expect(refused).toBe('invalid_blocks');
  });
});
