// Every kind of message drawn as Block Kit: what each says, the buttons it carries, Slack's own
// table and chart blocks where they fit, escaping of everything from outside, and the limits.
import { describe, expect, it } from '@jest/globals';
import type { ActionsBlock } from '@slack/types';
import type { Attachment } from '../../../../src/content/port.js';
import type { QueryResult } from '../../../../src/domain/types.js';
import { composeMessage } from '../../../../src/messages/compose.js';
import { firingStatusDoc } from '../../../../src/messages/firing-status.js';
import type { OutgoingMessage } from '../../../../src/messages/outgoing.js';
import { ACTION, alertActionsBlockId, alertIdFromBlockId, BLOCK } from '../../../../src/messages/slack/ids.js';
import { blocksSize, SLACK_LIMITS, type SlackBlock, type SlackMessage } from '../../../../src/messages/slack/limits.js';
import { renderSlack } from '../../../../src/messages/slack/render-slack.js';
import { makeAlert, makeMessage, NOW, screenshotContent } from '../../../support/fixtures.js';
import { texts, walk } from '../../../support/slack-blocks.js';

const slack = (msg: OutgoingMessage, native = true): SlackMessage => renderSlack(composeMessage(msg), { surface: 'message', native, now: NOW }).message;
const firing = (overrides: Partial<OutgoingMessage & { kind: 'firing' }> = {}) =>
  makeMessage('firing', { alert: makeAlert({ condition: { op: '>', threshold: 10 } }), value: '42', result: { columns: ['n'], rows: [[42]], truncated: false }, ...overrides });

function actionsOf(blocks: SlackBlock[]): ActionsBlock | undefined {
  return blocks.find((b): b is ActionsBlock => b.type === 'actions');
}

function expectWithinLimits({ blocks, text }: SlackMessage): void {
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocks);
  expect(blocksSize(blocks)).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocksChars);
  expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
  for (const t of texts(blocks)) {
    const max = t.where === 'header' ? SLACK_LIMITS.headerText : t.where === 'field' ? SLACK_LIMITS.fieldText : SLACK_LIMITS.sectionText;
    expect(t.text.length).toBeLessThanOrEqual(max);
  }
  expect(blocks.filter((b) => b.type === 'table').length).toBeLessThanOrEqual(1);
}

const hugeResult: QueryResult = {
  columns: Array.from({ length: 50 }, (_, i) => `c${i}_${'x'.repeat(100)}`),
  rows: Array.from({ length: 1000 }, () => Array.from({ length: 50 }, () => '<&>'.repeat(300))),
  truncated: true,
};

describe('a firing message', () => {
  it('has the header, value vs condition, data source, time in the alert\'s zone, a table and buttons', () => {
    const { text, blocks } = slack(firing());
    expect(text).toBe('🔴 Orders stalled is firing: 42 (value &gt; 10)');
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: '🔴 Orders stalled' } });
    const json = walk(blocks).json;
    expect(json).toContain('Value: *42* — condition: value &gt; 10');
    expect(json).toContain('Data source: *sample* · Evaluated 2026-11-25 09:00 (Asia/Seoul)');
    expect(json).toContain('No orders in the last hour');
    expect(blocks.find((b) => b.type === 'table')).toMatchObject({ rows: [[{ type: 'raw_text', text: 'n' }], [{ type: 'raw_text', text: '42' }]], column_settings: [{ align: 'right' }] });
    const actions = actionsOf(blocks);
    expect(actions?.block_id).toBe(alertActionsBlockId(makeAlert().id));
    expect(alertIdFromBlockId(actions?.block_id ?? '')).toBe(makeAlert().id);
    expect(actions?.elements.map((e) => ('action_id' in e ? e.action_id : ''))).toEqual([
      ACTION.acknowledge, ACTION.runNow, ACTION.snooze1h, ACTION.snooze1d, ACTION.snoozeUntil, ACTION.pause, ACTION.history,
    ]);
    // Acknowledge names the incident too (this tick starts it); the others the alert.
    for (const e of actions?.elements ?? []) {
      if (e.type === 'button') expect(e.value).toBe(e.action_id === ACTION.acknowledge ? `${makeAlert().id}@${NOW.getTime()}` : makeAlert().id);
    }
    expect(actions?.elements.find((e) => e.type === 'datetimepicker')).toMatchObject({ initial_date_time: NOW.getTime() / 1000 + 24 * 3600 });
    expectWithinLimits({ text, blocks });
  });

  it('a repeat says it is still firing', () => {
    const { text, blocks } = slack(makeMessage('repeat', { value: '42' }));
    expect(text).toBe('🔴 Orders stalled is still firing: 42 (value &lt; 1)');
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: '🔴 Orders stalled — still firing' } });
  });

  it('offers Resume instead of Pause on a paused alert', () => {
    const ids = walk(slack(firing({ alert: makeAlert({ active: false }) })).blocks).actionIds;
    expect(ids).toContain(ACTION.resume);
    expect(ids).not.toContain(ACTION.pause);
  });

  it('optional parts disappear: no description, no rows, no screenshot link', () => {
    const { blocks } = slack(firing({ alert: makeAlert({ description: '  ' }), result: { columns: ['n'], rows: [], truncated: false }, value: null }));
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
    expect(walk(blocks).json).not.toMatch(/```|🔗|"table"/);
  });

  it('shows the first rows of a long result in Slack\'s table block, numbers right-aligned, with how many', () => {
    const rows = Array.from({ length: 300 }, (_, i) => [`region ${i}`, i * 10]);
    const { blocks } = slack(firing({ result: { columns: ['region', 'orders'], rows, truncated: false } }));
    const table = blocks.find((b) => b.type === 'table') as { rows: { text: string }[][]; column_settings: unknown[] };
    expect(table.rows.length - 1).toBe(20);
    expect(table.rows[1]?.map((c) => c.text)).toEqual(['region 0', '0']);
    expect(table.column_settings).toEqual([{ align: 'left' }, { align: 'right' }]);
    expect(walk(blocks).json).toContain('_First 20 of 300 rows_');
  });

  it('falls back to a text table when Slack\'s own blocks are not wanted (after invalid_blocks)', () => {
    const { blocks } = slack(firing(), false);
    expect(blocks.some((b) => b.type === 'table')).toBe(false);
    expect(walk(blocks).json).toContain('```\\nn\\n--\\n42\\n```');
  });

  it('links the screenshot\'s public URL, never the internal one', () => {
    const content = screenshotContent({ url: 'http://grafana.internal:3000/d/x', linkUrl: 'https://grafana.example.com/d/x' });
    const json = walk(slack(firing({ alert: makeAlert({ content }) })).blocks).json;
    expect(json).toContain('<https://grafana.example.com/d/x|Open the dashboard>');
    expect(json).not.toContain('grafana.internal');
    expect(walk(slack(firing({ alert: makeAlert({ content: { ...content, linkUrl: null } }) })).blocks).json).not.toContain('grafana');
  });

  it('escapes user text: a name or description cannot ping the channel', () => {
    const alert = makeAlert({ name: '<!channel> down', description: 'see <https://evil.example|bank> & <@U1>' });
    const { text, blocks } = slack(firing({ alert, value: '<!here>' }));
    // mrkdwn is parsed for mentions and links; plain_text (the header) is shown as typed.
    const mrkdwn = texts(blocks).filter((t) => t.type === 'mrkdwn').map((t) => t.text).join('\n');
    expect(mrkdwn).not.toMatch(/<!channel>|<!here>|<https:\/\/evil|<@U1>/);
    expect(mrkdwn).toContain('&lt;https://evil.example|bank&gt; &amp; &lt;@U1&gt;');
    expect(texts(blocks).find((t) => t.where === 'header')).toMatchObject({ type: 'plain_text', text: '🔴 <!channel> down' });
    expect(text).toBe('🔴 &lt;!channel&gt; down is firing: &lt;!here&gt; (value &lt; 1)');
  });

  it('stays within the limits with a huge result and huge texts', () => {
    const alert = makeAlert({ name: 'n'.repeat(500), description: 'd'.repeat(5000) });
    const message = slack(firing({ alert, result: hugeResult, value: 'v'.repeat(5000) }));
    expectWithinLimits(message);
    expect(actionsOf(message.blocks)).toBeDefined();
  });

  it('says why content is missing, with ⚠️', () => {
    const notes = ['the screenshot failed: <timeout> after 30 s', 'the CSV is too large to attach'];
    for (const msg of [firing({ contentNotes: notes }), makeMessage('report', { contentNotes: notes })]) {
      const json = walk(slack(msg).blocks).json;
      expect(json).toContain('⚠️ The screenshot failed: &lt;timeout&gt; after 30 s');
      expect(json).toContain('⚠️ The CSV is too large to attach');
    }
    expect(walk(slack(firing()).blocks).json).not.toContain('⚠️');
  });
});

describe("Slack's own chart", () => {
  const png: Attachment = { kind: 'image', filename: 'c.png', mimeType: 'image/png', bytes: Buffer.from('png'), title: 't', altText: 'a chart' };
  const chart = (chartType: 'line' | 'bar' | 'area' | 'pie', native = true) =>
    makeAlert({ content: { kind: 'chart', chart: chartType, csv: false, native, bom: false, keepFormulas: false } });
  const days = { columns: ['day', 'orders', 'refunds'], rows: [['Mon', 3, 1], ['Tue', 5, 0], ['Wed', 4, 2]], truncated: false };

  it('goes as a data_visualization block with its summary beside it when the data fit', () => {
    const rendered = renderSlack(composeMessage(firing({ alert: chart('line'), result: days, attachments: [png] })), { surface: 'message', now: NOW });
    expect(rendered.picture).toBe('native');
    const block = rendered.message.blocks.find((b) => b.type === 'data_visualization');
    expect(block).toEqual({
      type: 'data_visualization',
      title: 'Orders stalled',
      chart: {
        type: 'line',
        series: [
          { name: 'orders', data: [{ label: 'Mon', value: 3 }, { label: 'Tue', value: 5 }, { label: 'Wed', value: 4 }] },
          { name: 'refunds', data: [{ label: 'Mon', value: 1 }, { label: 'Tue', value: 0 }, { label: 'Wed', value: 2 }] },
        ],
        axis_config: { categories: ['Mon', 'Tue', 'Wed'], x_label: 'day' },
      },
    });
    expect(walk(rendered.message.blocks).json).toContain('Line chart of orders, refunds by day, 3 points from Mon to Wed; Wed: orders 4, refunds 2');
  });

  it('is the PNG when the alert chooses the picture, or the data do not fit', () => {
    const picture = renderSlack(composeMessage(firing({ alert: chart('bar', false), result: days, attachments: [png] })), { surface: 'message' });
    expect(picture.picture).toBe('image');
    expect(picture.message.blocks.some((b) => b.type === 'data_visualization')).toBe(false);
    const wide = { columns: ['day', ...Array.from({ length: 30 }, (_, i) => `s${i}`)], rows: [['Mon', ...Array.from({ length: 30 }, (_, i) => i)]], truncated: false };
    expect(renderSlack(composeMessage(firing({ alert: chart('line'), result: wide, attachments: [png] })), { surface: 'message' }).picture).toBe('image');
  });
});

describe('other kinds', () => {
  it('report: 📊, no condition line', () => {
    const alert = makeAlert({ type: 'report', condition: null });
    const { text, blocks } = slack(makeMessage('report', { alert }));
    expect(text).toBe('📊 Orders stalled');
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: '📊 Orders stalled' } });
    expect(walk(blocks).json).not.toContain('condition');
  });

  it('resolved: ✅ for the thread, with the value now', () => {
    const { text, blocks } = slack(makeMessage('resolved', { alert: makeAlert({ condition: { op: '>', threshold: 10 } }), value: '3' }));
    expect(text).toBe('✅ Orders stalled resolved');
    expect(walk(blocks).json).toContain('✅ *Orders stalled* resolved.');
    expect(walk(blocks).json).toContain('Value now: *3* — condition: value &gt; 10');
  });

  it('error notice: the error, the step, the last good run, what to do, and its buttons', () => {
    const msg = makeMessage('error_notice', { error: 'relation "orders" does not exist', failedStep: 'query', lastGoodRunAt: new Date('2026-11-24T00:00:00Z') });
    const { text, blocks } = slack(msg);
    expect(text).toBe('⚠️ Orders stalled failed: relation "orders" does not exist');
    const json = walk(blocks).json;
    expect(json).toContain('relation \\"orders\\" does not exist');
    expect(json).toContain('*Failed step:* the query (running the SQL on the data source) · *Last good run:* 2026-11-24 09:00 (Asia/Seoul)');
    expect(json).toContain('*What to do:* fix the SQL or the data source (`/alert edit \\"Orders stalled\\"`');
    expect(walk(blocks).actionIds).toEqual([ACTION.runNow, ACTION.pause, ACTION.history, ACTION.edit]);
    expect(walk(slack(makeMessage('error_notice')).blocks).json).toContain('*Last good run:* never');
    expectWithinLimits(slack(makeMessage('error_notice', { error: 'e'.repeat(50_000) })));
  });

  it('fallback notice: which recipient failed and where the email went', () => {
    const error = 'Slack delivery to <#C0OPS> failed (not_in_channel); sent by email to ops@example.com instead';
    const { text, blocks } = slack(makeMessage('fallback_notice', { error }));
    expect(text).toBe('✉️ Orders stalled: sent by email because Slack failed');
    expect(walk(blocks).json).toContain('Slack delivery to &lt;#C0OPS&gt; failed (not_in_channel); sent by email to ops@example.com instead');
    expect(walk(blocks).actionIds).toEqual([ACTION.runNow, ACTION.pause, ACTION.history, ACTION.edit]);
    expectWithinLimits(slack(makeMessage('fallback_notice', { error: 'e'.repeat(50_000) })));
  });

  it('uses only the id constants', () => {
    const known = new Set<string>(Object.values(ACTION));
    for (const kind of ['firing', 'repeat', 'report', 'resolved', 'error_notice', 'fallback_notice'] as const) {
      const { blocks } = slack(makeMessage(kind));
      for (const id of walk(blocks).actionIds) expect(known.has(id)).toBe(true);
      for (const id of walk(blocks).blockIds) expect(alertIdFromBlockId(id) === makeAlert().id || id === BLOCK.alertActions).toBe(true);
    }
  });
});

describe('the first message, rewritten in place', () => {
  it('shows the current state of a firing alert', () => {
    const alert = makeAlert({ firingSince: new Date('2026-11-24T00:00:00Z') });
    const { blocks } = renderSlack(firingStatusDoc(alert, 'firing', '7', NOW), { surface: 'message' }).message;
    expect(walk(blocks).json).toContain('*Firing* since 2026-11-24 09:00 (Asia/Seoul) — last value *7*');
    expect(walk(blocks).actionIds).toContain(ACTION.snooze1h);
  });

  it('says when it resolved', () => {
    const { text, blocks } = renderSlack(firingStatusDoc(makeAlert(), 'resolved', '0', NOW), { surface: 'message' }).message;
    expect(text).toBe('✅ Orders stalled resolved at 2026-11-25 09:00 (Asia/Seoul)');
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: '✅ Orders stalled' } });
    expect(walk(blocks).json).toContain('*Resolved* at 2026-11-25 09:00 (Asia/Seoul) — value now *0* — condition: value &lt; 1');
  });
});
