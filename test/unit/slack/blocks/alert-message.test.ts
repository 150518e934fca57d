import { describe, expect, it } from '@jest/globals';
import type { ActionsBlock, KnownBlock } from '@slack/types';
import type { OutgoingMessage } from '../../../../src/delivery/port.js';
import type { QueryResult } from '../../../../src/domain/types.js';
import { buildAlertMessage, buildFiringMessageUpdate } from '../../../../src/slack/blocks/alert-message.js';
import { blocksSize, SLACK_LIMITS } from '../../../../src/slack/blocks/limits.js';
import { ACTION, alertActionsBlockId, alertIdFromBlockId, BLOCK } from '../../../../src/slack/ids.js';
import { makeAlert, NOW, texts, walk } from '../support.js';

function outgoing(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    kind: 'firing',
    alert: makeAlert({ condition: { op: '>', threshold: 10 } }),
    executionId: 'e1',
    scheduledAt: NOW,
    evaluatedAt: new Date('2026-11-25T00:00:03Z'),
    value: '42',
    result: { columns: ['n'], rows: [[42]], truncated: false },
    attachments: [],
    contentNotes: [],
    error: null,
    failedStep: null,
    lastGoodRunAt: null,
    threadRef: null,
    ...overrides,
  };
}

function actionsOf(blocks: KnownBlock[]): ActionsBlock | undefined {
  return blocks.find((b): b is ActionsBlock => b.type === 'actions');
}

function expectWithinLimits(blocks: KnownBlock[]): void {
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocks);
  expect(blocksSize(blocks)).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocksChars);
  for (const t of texts(blocks)) {
    const max = t.where === 'header' ? SLACK_LIMITS.headerText : t.where === 'field' ? SLACK_LIMITS.fieldText : SLACK_LIMITS.sectionText;
    expect(t.text.length).toBeLessThanOrEqual(max);
  }
}

const hugeResult: QueryResult = {
  columns: Array.from({ length: 50 }, (_, i) => `c${i}_${'x'.repeat(100)}`),
  rows: Array.from({ length: 1000 }, () => Array.from({ length: 50 }, () => '<&>'.repeat(300))),
  truncated: true,
};

describe('buildAlertMessage: firing', () => {
  it('has the header, value vs condition, data source, time in the alert\'s zone, table and buttons', () => {
    const { text, blocks } = buildAlertMessage(outgoing({ dataSourceLabel: 'Sample DB' } as Partial<OutgoingMessage>), { now: NOW });
    expect(text).toBe('🔴 Orders stalled: 42 (value &gt; 10)');
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: '🔴 Orders stalled' } });
    const json = walk(blocks).json;
    expect(json).toContain('*42* — condition: value &gt; 10');
    expect(json).toContain('Data source: *Sample DB*');
    expect(json).toContain('2026-11-25 09:00 (Asia/Seoul)');
    expect(json).toContain('No orders in the last hour');
    expect(json).toContain('```\\nn\\n--\\n42\\n```');
    const actions = actionsOf(blocks);
    expect(actions?.block_id).toBe(alertActionsBlockId(makeAlert().id));
    expect(alertIdFromBlockId(actions?.block_id ?? '')).toBe(makeAlert().id);
    expect(actions?.elements.map((e) => ('action_id' in e ? e.action_id : ''))).toEqual([
      ACTION.runNow, ACTION.snooze1h, ACTION.snooze1d, ACTION.snoozeUntil, ACTION.pause, ACTION.history,
    ]);
    for (const e of actions?.elements ?? []) if (e.type === 'button') expect(e.value).toBe(makeAlert().id);
    const picker = actions?.elements.find((e) => e.type === 'datetimepicker');
    expect(picker).toMatchObject({ initial_date_time: NOW.getTime() / 1000 + 24 * 3600 });
    expectWithinLimits(blocks);
  });

  it('offers Resume instead of Pause on a paused alert', () => {
    const { blocks } = buildAlertMessage(outgoing({ alert: makeAlert({ active: false }) }), {});
    const ids = walk(blocks).actionIds;
    expect(ids).toContain(ACTION.resume);
    expect(ids).not.toContain(ACTION.pause);
  });

  it('optional parts disappear: no description, no rows, no screenshot link', () => {
    const { blocks } = buildAlertMessage(outgoing({ alert: makeAlert({ description: '  ' }), result: { columns: ['n'], rows: [], truncated: false }, value: null }), {});
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
    const json = walk(blocks).json;
    expect(json).not.toContain('```');
    expect(json).not.toContain('🔗');
    const none = buildAlertMessage(outgoing({ result: null }), {});
    expect(walk(none.blocks).json).not.toContain('```');
  });

  it('links the screenshot\'s public URL, never the internal one', () => {
    const alert = makeAlert({
      content: {
        kind: 'screenshot',
        url: 'http://grafana.internal:3000/d/x',
        linkUrl: 'https://grafana.example.com/d/x',
        width: 1920,
        height: 1080,
        scale: 1,
        selector: null,
        fullPage: false,
        waitFor: null,
        waitForGone: null,
        csv: false,
        bom: false, keepFormulas: false,
      },
    });
    const json = walk(buildAlertMessage(outgoing({ alert }), {}).blocks).json;
    expect(json).toContain('<https://grafana.example.com/d/x|Open the dashboard>');
    expect(json).not.toContain('grafana.internal');
    const noLink = { ...alert, content: { ...alert.content, linkUrl: null } } as typeof alert;
    expect(walk(buildAlertMessage(outgoing({ alert: noLink }), {}).blocks).json).not.toContain('grafana');
  });

  it('escapes user text: a name or description cannot ping the channel', () => {
    const alert = makeAlert({ name: '<!channel> down', description: 'see <https://evil.example|bank> & <@U1>' });
    const { text, blocks } = buildAlertMessage(outgoing({ alert, value: '<!here>' }), {});
    // mrkdwn is parsed for mentions and links; plain_text (the header) is shown as typed.
    const mrkdwn = texts(blocks).filter((t) => t.type === 'mrkdwn').map((t) => t.text).join('\n');
    expect(mrkdwn).not.toMatch(/<!channel>|<!here>|<https:\/\/evil|<@U1>/);
    expect(mrkdwn).toContain('&lt;https://evil.example|bank&gt; &amp; &lt;@U1&gt;');
    expect(texts(blocks).find((t) => t.where === 'header')).toMatchObject({ type: 'plain_text', text: '🔴 <!channel> down' });
    expect(text).toBe('🔴 &lt;!channel&gt; down: &lt;!here&gt; (value &lt; 1)');
  });

  it('stays within the limits with a huge result and huge texts', () => {
    const alert = makeAlert({ name: 'n'.repeat(500), description: 'd'.repeat(5000) });
    const { blocks, text } = buildAlertMessage(outgoing({ alert, result: hugeResult, value: 'v'.repeat(5000) }), { now: NOW });
    expectWithinLimits(blocks);
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    expect(actionsOf(blocks)).toBeDefined();
  });

  it('renders a message template instead of the description', () => {
    const alert = makeAlert({ messageTemplate: '*{{name}}* is {{value}} (limit {{threshold}}), first: {{rows.0.n}}', condition: { op: '>', threshold: 10 } });
    const json = walk(buildAlertMessage(outgoing({ alert }), {}).blocks).json;
    expect(json).toContain('*Orders stalled* is 42 (limit 10), first: 42');
    expect(json).not.toContain('No orders in the last hour');
  });

  it('escapes a template and its values: neither can ping the channel', () => {
    const alert = makeAlert({ name: 'A<b>', messageTemplate: '<!channel> {{name}} = {{value}}' });
    const json = walk(buildAlertMessage(outgoing({ alert, value: '<!here>' }), {}).blocks).json;
    expect(json).toContain('&lt;!channel&gt; A&lt;b&gt; = &lt;!here&gt;');
    expect(json).not.toMatch(/<!channel>|<!here>/);
  });

  it('says why content is missing, with ⚠️, in firing and report messages', () => {
    const notes = ['the screenshot failed: <timeout> after 30 s', 'the CSV is too large to attach'];
    for (const kind of ['firing', 'report'] as const) {
      const { blocks } = buildAlertMessage(outgoing({ kind, contentNotes: notes }), {});
      const note = blocks.find((b) => b.type === 'context' && JSON.stringify(b).includes('⚠️'));
      expect(note).toBeDefined();
      expect(JSON.stringify(note)).toContain('⚠️ the screenshot failed: &lt;timeout&gt; after 30 s\\n⚠️ the CSV is too large to attach');
      expectWithinLimits(blocks);
    }
    const none = buildAlertMessage(outgoing({ contentNotes: [] }), {});
    expect(walk(none.blocks).json).not.toContain('⚠️');
  });
});

describe('buildAlertMessage: other kinds', () => {
  it('report: 📊, no condition line', () => {
    const alert = makeAlert({ type: 'report', condition: null });
    const { text, blocks } = buildAlertMessage(outgoing({ kind: 'report', alert, value: null }), {});
    expect(text).toBe('📊 Orders stalled');
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: '📊 Orders stalled' } });
    expect(walk(blocks).json).not.toContain('condition');
    expectWithinLimits(blocks);
  });

  it('resolved: ✅ for the thread, with the value now', () => {
    const { text, blocks } = buildAlertMessage(outgoing({ kind: 'resolved', value: '3' }), {});
    expect(text).toBe('✅ Orders stalled resolved');
    expect(walk(blocks).json).toContain('✅ *Orders stalled* resolved. Value now *3* — condition: value &gt; 10.');
    expectWithinLimits(blocks);
  });

  it('error notice: the error, the alert, the tick and what to do', () => {
    const alert = makeAlert({ name: 'Orders stalled' });
    const { text, blocks } = buildAlertMessage(outgoing({ kind: 'error_notice', alert, error: 'relation "orders" does not exist', value: null, result: null }), {});
    expect(text).toContain('⚠️ Orders stalled failed: relation "orders" does not exist');
    const json = walk(blocks).json;
    expect(json).toContain('relation \\"orders\\" does not exist');
    expect(json).toContain('2026-11-25 09:00 (Asia/Seoul)');
    expect(json).toContain('`/alert edit \\"Orders stalled\\"`');
    expect(json).toContain('*What to do:*');
    expect(walk(blocks).actionIds).toEqual([ACTION.runNow, ACTION.pause, ACTION.history, ACTION.edit]);
    const huge = buildAlertMessage(outgoing({ kind: 'error_notice', error: 'e'.repeat(50_000) }), {});
    expectWithinLimits(huge.blocks);
  });

  it('error notice: names the failed step and the last good run in the alert\'s zone', () => {
    const steps = { query: 'the query', condition: 'the condition check', delivery: 'delivery' } as const;
    for (const [step, words] of Object.entries(steps)) {
      const msg = outgoing({ kind: 'error_notice', failedStep: step as keyof typeof steps, lastGoodRunAt: new Date('2026-11-24T00:00:00Z'), error: 'boom' });
      const json = walk(buildAlertMessage(msg, {}).blocks).json;
      expect(json).toContain(`*Failed at:* ${words} · *Last good run:* 2026-11-24 09:00 (Asia/Seoul)`);
      expect(json).toContain('*What to do:*');
    }
    const never = walk(buildAlertMessage(outgoing({ kind: 'error_notice', error: 'boom' }), {}).blocks).json;
    expect(never).toContain('*Last good run:* never');
    expect(never).not.toContain('Failed at');
  });

  it('fallback notice: which recipient failed and where the email went, with the error notice\'s buttons', () => {
    const error = 'Slack delivery to <#C0OPS> failed (not_in_channel); sent by email to ops@example.com instead';
    const { text, blocks } = buildAlertMessage(outgoing({ kind: 'fallback_notice', error, value: null, result: null }), {});
    expect(text).toContain('Orders stalled: Slack delivery to &lt;#C0OPS&gt; failed (not_in_channel); sent by email to ops@example.com instead');
    const json = walk(blocks).json;
    expect(json).toContain('*Orders stalled*: Slack delivery to &lt;#C0OPS&gt; failed (not_in_channel); sent by email to ops@example.com instead');
    expect(walk(blocks).actionIds).toEqual([ACTION.runNow, ACTION.pause, ACTION.history, ACTION.edit]);
    expectWithinLimits(blocks);
    expectWithinLimits(buildAlertMessage(outgoing({ kind: 'fallback_notice', error: 'e'.repeat(50_000) }), {}).blocks);
  });

  it('uses only the id constants', () => {
    const known = new Set<string>(Object.values(ACTION));
    for (const kind of ['firing', 'report', 'resolved', 'error_notice', 'fallback_notice'] as const) {
      const { blocks } = buildAlertMessage(outgoing({ kind }), { now: NOW });
      for (const id of walk(blocks).actionIds) expect(known.has(id)).toBe(true);
      for (const id of walk(blocks).blockIds) expect(alertIdFromBlockId(id) ?? id).toBe(alertIdFromBlockId(id) === null ? BLOCK.alertActions : makeAlert().id);
    }
  });
});

describe('buildFiringMessageUpdate', () => {
  it('shows the current state of a firing alert', () => {
    const alert = makeAlert({ firingSince: new Date('2026-11-24T00:00:00Z') });
    const { blocks } = buildFiringMessageUpdate(alert, 'firing', '7', NOW);
    const json = walk(blocks).json;
    expect(json).toContain('*Firing* since 2026-11-24 09:00 (Asia/Seoul) — last value *7*');
    expect(walk(blocks).actionIds).toContain(ACTION.snooze1h);
  });

  it('says when it resolved', () => {
    const { text, blocks } = buildFiringMessageUpdate(makeAlert(), 'resolved', '0', NOW);
    expect(text).toBe('✅ Orders stalled resolved at 2026-11-25 09:00 (Asia/Seoul)');
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: '✅ Orders stalled' } });
    expect(walk(blocks).json).toContain('*Resolved* at 2026-11-25 09:00 (Asia/Seoul) — value now *0* — condition: value &lt; 1');
    expectWithinLimits(blocks);
  });
});
