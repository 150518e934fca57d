import { describe, expect, it } from '@jest/globals';
import type { InputBlock, KnownBlock, ModalView } from '@slack/types';
import type { Alert, AlertSpec, Content } from '../../../../src/domain/types.js';
import { validateAlertInput } from '../../../../src/services/alert-input.js';
import {
  alertToModalValues,
  buildAlertModal,
  defaultModalValues,
  modalValuesToAlertInput,
  parseModalMetadata,
  readModalValues,
  type AlertModalInput,
  type ModalValues,
} from '../../../../src/slack/blocks/alert-modal.js';
import { presetFromCron } from '../../../../src/slack/blocks/modal-values.js';
import { CONDITION_FIELDS } from '../../../../src/slack/blocks/condition-fields.js';
import { CONTENT_FIELDS, contentBlock } from '../../../../src/slack/blocks/content-fields.js';
import { SLACK_LIMITS } from '../../../../src/messages/slack/limits.js';
import { ACTION, BLOCK, CALLBACK } from '../../../../src/messages/slack/ids.js';
import { fieldErrorsToBlockErrors } from '../../../../src/slack/field-errors.js';
import { makeAlert, NOW } from '../../../support/fixtures.js';
import { texts, viewStateFor, walk } from '../../../support/slack-blocks.js';

const CONTEXT = { dataSources: ['sample'], allowedHosts: ['dashboards.example.com'], actor: 'UACTOR1' };

function render(values: ModalValues, extra: Partial<AlertModalInput> = {}): ModalView {
  return buildAlertModal({ mode: 'edit', alertId: 'a-1', values, dataSources: ['sample', 'warehouse'], userTimezone: 'Asia/Seoul', now: NOW, ...extra });
}

/** What the modal's values validate to: the alert's spec, with no key (the modal sends none; the service keeps the alert's). */
function specOf(alert: Alert): Omit<AlertSpec, 'key'> & { key: null } {
  const { name, description, owners, type, dataSource, sql, condition, measure, labels, warning, pendingTicks, keepFiringTicks, schedule, gracePeriodS, workingTimeoutS, logRetentionDays, content, messageTemplate, recipients, emailFallback, notifyOnRecovery, reminders, quietHours, mentionColumn, mentions } = alert;
  return { key: null, reminders, quietHours, mentionColumn, mentions, name, description, owners, type, dataSource, sql, condition, measure, labels, warning, pendingTicks, keepFiringTicks, schedule, gracePeriodS, workingTimeoutS, logRetentionDays, content, messageTemplate, recipients, emailFallback, notifyOnRecovery };
}

function inputBlock(view: ModalView, blockId: string): InputBlock | undefined {
  return (view.blocks as KnownBlock[]).find((b): b is InputBlock => b.type === 'input' && b.block_id === blockId);
}

const screenshot: Content = {
  kind: 'screenshot',
  url: 'https://dashboards.example.com/d/sales',
  linkUrl: 'https://bi.example.com/d/sales',
  width: 1280,
  height: 720,
  scale: 2,
  selector: '#chart',
  fullPage: false,
  waitFor: '.dashboard-loaded',
  waitForGone: '.spinner',
  csv: true,
  bom: false, keepFormulas: false,
};
/** The fields the modal offers for each content kind beyond the kind select itself. */
const CONTENT_BLOCKS = {
  none: [],
  csv: [contentBlock('bom'), contentBlock('keepFormulas')],
  chart: [contentBlock('chart'), contentBlock('native'), contentBlock('csv'), contentBlock('bom'), contentBlock('keepFormulas')],
  screenshot: [
    contentBlock('url'), contentBlock('linkUrl'), contentBlock('width'), contentBlock('height'), contentBlock('scale'), contentBlock('fullPage'),
    contentBlock('selector'), contentBlock('waitFor'), contentBlock('waitForGone'), contentBlock('csv'), contentBlock('bom'), contentBlock('keepFormulas'),
  ],
} as const;

const CASES: [string, Alert][] = [
  ['alert, daily, no content', makeAlert()],
  ['alert, every 5 minutes, CSV', makeAlert({ schedule: { cron: '*/5 * * * *', timezone: 'UTC' }, content: { kind: 'csv', bom: false, keepFormulas: false }, condition: { op: '>=', threshold: 2.5 } })],
  ['alert, every minute, rows exist', makeAlert({ schedule: { cron: '* * * * *', timezone: 'Europe/Berlin' }, condition: { op: 'rows exist' } })],
  ['alert, hourly, bar chart', makeAlert({ schedule: { cron: '15 * * * *', timezone: 'America/New_York' }, content: { kind: 'chart', chart: 'bar', csv: false, native: true, bom: false, keepFormulas: false }, condition: { op: 'not null' } })],
  [
    'report, weekly, screenshot',
    makeAlert({
      type: 'report',
      condition: null,
      schedule: { cron: '30 8 * * 1', timezone: 'Asia/Seoul' },
      content: screenshot,
      recipients: [{ kind: 'slack_channel', id: 'C0OPS' }, { kind: 'slack_user', id: 'U0ANA' }, { kind: 'email', address: 'ana@example.com' }],
      emailFallback: true,
      messageTemplate: 'Weekly {{name}}',
    }),
  ],
  [
    'report, custom cron, table chart, an uncommon zone',
    makeAlert({
      type: 'report',
      condition: null,
      schedule: { cron: '0 9 * * 1-5', timezone: 'Asia/Almaty' },
      content: { kind: 'chart', chart: 'table', csv: true, native: true, bom: true, keepFormulas: false },
      recipients: [{ kind: 'slack_user', id: 'U0ANA' }, { kind: 'email', address: 'ana@example.com' }, { kind: 'email', address: 'ops@example.com' }],
      owners: ['UOWNER1', 'UOWNER2'],
      gracePeriodS: 0,
      workingTimeoutS: 600,
      logRetentionDays: 7,
      description: '',
    }),
  ],
  ['alert, CSV with a byte order mark', makeAlert({ content: { kind: 'csv', bom: true, keepFormulas: false } })],
  [
    'report, whole-page screenshot at a scale the select does not offer, no waits, BOM without CSV',
    makeAlert({
      type: 'report',
      condition: null,
      content: { ...screenshot, linkUrl: null, scale: 1.5, selector: null, fullPage: true, waitFor: null, waitForGone: null, csv: false, bom: true, keepFormulas: false },
    }),
  ],
];

/** Alerts of issue 3/6: every measure, with labels, levels, pending and keep-firing. */
const RULE_CASES: [string, Alert][] = [
  [
    'value by region and tier, warning and critical, pending 3, keep firing 2',
    makeAlert({ labels: ['region', 'tier'], condition: { op: '>=', threshold: 95 }, warning: { op: '>=', threshold: 80 }, pendingTicks: 3, keepFiringTicks: 2 }),
  ],
  ['row count with a warning above a "<" critical', makeAlert({ measure: { kind: 'row_count' }, condition: { op: '<', threshold: 10 }, warning: { op: '<', threshold: 20 } })],
  ['row count by region, "=="', makeAlert({ measure: { kind: 'row_count' }, labels: ['region'], condition: { op: '==', threshold: 0 } })],
  [
    'freshness of a column, two days critical, 90 minutes warning',
    makeAlert({ measure: { kind: 'freshness', column: 'loaded_at' }, labels: ['source'], condition: { op: '>', threshold: 172_800 }, warning: { op: '>', threshold: 5400 } }),
  ],
  ['freshness of the single value, 45 seconds', makeAlert({ measure: { kind: 'freshness', column: null }, condition: { op: '>=', threshold: 45 } })],
  ['change: a 30 % drop, floor 100', makeAlert({ measure: { kind: 'change', mode: 'percent', direction: 'down', floor: 100 }, condition: { op: '>=', threshold: 30 } })],
  [
    'change: 50 either way, no floor, a warning at 20, by region',
    makeAlert({ measure: { kind: 'change', mode: 'absolute', direction: 'either', floor: null }, labels: ['region'], condition: { op: '>', threshold: 50 }, warning: { op: '>', threshold: 20 }, keepFiringTicks: 1 }),
  ],
  ['change: a rise, floor 0.5', makeAlert({ measure: { kind: 'change', mode: 'absolute', direction: 'up', floor: 0.5 }, condition: { op: '>', threshold: 2.5 } })],
  ['new rows with every option', makeAlert({ measure: { kind: 'new_rows', keyColumn: 'order_id', maxPerTick: 50, sendFirstRun: true, retentionDays: 365 }, condition: { op: 'rows exist' } })],
  ['new rows at their defaults', makeAlert({ measure: { kind: 'new_rows', keyColumn: 'id', maxPerTick: 20, sendFirstRun: false, retentionDays: 30 }, condition: { op: 'rows exist' } })],
];

describe('buildAlertModal round trip', () => {
  it.each([...CASES, ...RULE_CASES])('%s: alert → modal → state → values → AlertInput → the same spec', (_, alert) => {
    const values = alertToModalValues(alert);
    const view = render(values);
    const read = readModalValues(viewStateFor(view));
    expect(read).toEqual(values);
    const result = validateAlertInput(modalValuesToAlertInput(read), CONTEXT);
    expect(result).toEqual({ ok: true, spec: specOf(alert) });
  });

  it('turns each preset into its cron', () => {
    const base = defaultModalValues('U1', 'Asia/Seoul');
    const cron = (patch: Partial<ModalValues>) => modalValuesToAlertInput({ ...base, ...patch }).schedule?.cron;
    expect(cron({ schedulePreset: 'every_minutes', everyMinutes: '15' })).toBe('*/15 * * * *');
    expect(cron({ schedulePreset: 'every_minutes', everyMinutes: '1' })).toBe('* * * * *');
    expect(cron({ schedulePreset: 'hourly', minute: '7' })).toBe('7 * * * *');
    expect(cron({ schedulePreset: 'daily', time: '18:45' })).toBe('45 18 * * *');
    expect(cron({ schedulePreset: 'weekly', weekday: '5', time: '08:00' })).toBe('0 8 * * 5');
    expect(cron({ schedulePreset: 'custom', cron: ' 0 9 * * 1-5 ' })).toBe('0 9 * * 1-5');
    // A tampered preset leaves the cron empty: the service reports schedule.cron.
    expect(cron({ schedulePreset: 'every_minutes', everyMinutes: '7' })).toBe('');
    expect(cron({ schedulePreset: 'daily', time: 'soon' })).toBe('');
  });

  it('reads presets back from crons, and anything else as custom', () => {
    expect(presetFromCron('0 9 * * *')).toMatchObject({ schedulePreset: 'daily', time: '09:00', cron: '' });
    expect(presetFromCron('*/10 * * * *')).toMatchObject({ schedulePreset: 'every_minutes', everyMinutes: '10' });
    expect(presetFromCron('5 * * * *')).toMatchObject({ schedulePreset: 'hourly', minute: '5' });
    expect(presetFromCron('0 8 * * 0')).toMatchObject({ schedulePreset: 'weekly', weekday: '0', time: '08:00' });
    for (const cron of ['*/7 * * * *', '0 9 * * 1-5', '0 9 1 * *', '0 9 * * 7', '05 9 * * *', '0 9,17 * * *']) {
      expect(presetFromCron(cron)).toMatchObject({ schedulePreset: 'custom', cron });
    }
  });

  it('the typed timezone wins over the selected one', () => {
    const values = { ...defaultModalValues('U1', 'Asia/Seoul'), timezoneOther: ' Asia/Almaty ' };
    expect(modalValuesToAlertInput(values).schedule?.timezone).toBe('Asia/Almaty');
  });

  it('splits emails on commas, semicolons and spaces; lists channels, people, then emails', () => {
    const values = { ...defaultModalValues('U1', 'UTC'), channels: ['C1'], users: ['U2'], emails: 'a@x.com, b@x.com;c@x.com  d@x.com' };
    expect(modalValuesToAlertInput(values).recipients).toEqual([
      { kind: 'slack_channel', id: 'C1' },
      { kind: 'slack_user', id: 'U2' },
      { kind: 'email', address: 'a@x.com' },
      { kind: 'email', address: 'b@x.com' },
      { kind: 'email', address: 'c@x.com' },
      { kind: 'email', address: 'd@x.com' },
    ]);
  });

  it('a report has no condition; blank numbers are left for the service to default', () => {
    const values = { ...defaultModalValues('U1', 'UTC'), type: 'report' as const, gracePeriodS: '', workingTimeoutS: '', logRetentionDays: '' };
    const input = modalValuesToAlertInput(values);
    expect(input.condition).toBeNull();
    expect(input).toMatchObject({ gracePeriodS: '', workingTimeoutS: '', logRetentionDays: '' });
  });

  it('is robust to missing blocks: hidden fields get defaults', () => {
    const read = readModalValues({});
    expect(read).toMatchObject({ name: '', type: 'alert', schedulePreset: 'daily', contentKind: 'none', notifyOnRecovery: true, channels: [] });
    expect(readModalValues({ [BLOCK.type]: { [ACTION.typeChanged]: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: 'Report' }, value: 'report' } } } }).type).toBe('report');
    expect(readModalValues({ [BLOCK.type]: { [ACTION.typeChanged]: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: '?' }, value: 'bogus' } } } }).type).toBe('alert');
  });

  it('preselects the data source when there is exactly one to choose', () => {
    expect(defaultModalValues('U1', 'UTC', ['sample']).dataSource).toBe('sample');
    expect(defaultModalValues('U1', 'UTC', ['sample', 'warehouse']).dataSource).toBe('');
    expect(defaultModalValues('U1', 'UTC', []).dataSource).toBe('');
    const view = buildAlertModal({ mode: 'create', values: defaultModalValues('U1', 'UTC', ['sample']), dataSources: ['sample'], userTimezone: 'UTC', now: NOW });
    expect(inputBlock(view, BLOCK.dataSource)?.element).toMatchObject({ initial_option: { value: 'sample' } });
    expect(modalValuesToAlertInput(readModalValues(viewStateFor(view))).dataSource).toBe('sample');
  });

  it('the create defaults round-trip and prefill the person as owner and their zone', () => {
    const values = defaultModalValues('U0ME', 'America/New_York');
    const view = buildAlertModal({ mode: 'create', values, dataSources: ['sample'], userTimezone: 'America/New_York', now: NOW });
    expect(readModalValues(viewStateFor(view))).toEqual(values);
    expect(inputBlock(view, BLOCK.owners)?.element).toMatchObject({ initial_users: ['U0ME'] });
    expect(inputBlock(view, BLOCK.scheduleTimezone)?.element).toMatchObject({ initial_option: { value: 'America/New_York' } });
  });
});

describe('buildAlertModal shape', () => {
  it('is a modal with our callback, a short title and only mode + id in private_metadata', () => {
    const view = render(alertToModalValues(makeAlert()));
    expect(view).toMatchObject({ type: 'modal', callback_id: CALLBACK.alertModal, notify_on_close: false, submit: { type: 'plain_text' }, close: { type: 'plain_text' } });
    expect(view.title.text.length).toBeLessThanOrEqual(SLACK_LIMITS.modalTitle);
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({ mode: 'edit', alertId: 'a-1' });
    expect(parseModalMetadata(view.private_metadata)).toEqual({ mode: 'edit', alertId: 'a-1' });
    expect(parseModalMetadata('not json')).toEqual({ mode: 'create', alertId: null });
    const created = buildAlertModal({ mode: 'create', values: defaultModalValues('U1', 'UTC'), dataSources: [], userTimezone: 'UTC', now: NOW });
    expect(parseModalMetadata(created.private_metadata)).toEqual({ mode: 'create', alertId: null });
  });

  it('switches re-render: type, preset and content dispatch their actions', () => {
    const view = render(alertToModalValues(makeAlert()));
    expect(inputBlock(view, BLOCK.type)).toMatchObject({ dispatch_action: true, element: { action_id: ACTION.typeChanged } });
    expect(inputBlock(view, BLOCK.schedulePreset)).toMatchObject({ dispatch_action: true, element: { action_id: ACTION.schedulePresetChanged } });
    expect(inputBlock(view, BLOCK.contentKind)).toMatchObject({ dispatch_action: true, element: { action_id: ACTION.contentChanged } });
  });

  it('shows condition fields only for alerts and screenshot fields only for screenshots', () => {
    const alertView = walk(render(alertToModalValues(makeAlert())).blocks);
    expect(alertView.blockIds).toEqual(expect.arrayContaining([BLOCK.conditionOp, BLOCK.conditionThreshold, BLOCK.notifyOnRecovery]));
    expect(alertView.blockIds).not.toContain(contentBlock('url'));
    const reportView = walk(render(alertToModalValues(makeAlert({ type: 'report', condition: null, content: screenshot }))).blocks);
    expect(reportView.blockIds).not.toContain(BLOCK.conditionOp);
    expect(reportView.blockIds).not.toContain(BLOCK.notifyOnRecovery);
    expect(reportView.blockIds).toEqual(expect.arrayContaining([contentBlock('url'), contentBlock('linkUrl'), contentBlock('width'), contentBlock('height'), contentBlock('selector')]));
  });

  it('offers each content kind its own fields, and none when there is no content', () => {
    const all = new Set<string>(Object.values(CONTENT_BLOCKS).flat());
    for (const kind of ['none', 'csv', 'chart', 'screenshot'] as const) {
      const ids = walk(render({ ...defaultModalValues('U1', 'UTC'), contentKind: kind }).blocks).blockIds;
      const shown = ids.filter((id) => all.has(id));
      expect([kind, shown]).toEqual([kind, CONTENT_BLOCKS[kind]]);
    }
  });

  it('prefills the content options from the stored alert', () => {
    const view = render(alertToModalValues(makeAlert({ content: { ...screenshot, fullPage: true, bom: true, keepFormulas: false } })));
    expect(inputBlock(view, contentBlock('scale'))?.element).toMatchObject({ type: 'static_select', initial_option: { value: '2' } });
    expect(inputBlock(view, contentBlock('waitFor'))?.element).toMatchObject({ initial_value: '.dashboard-loaded', max_length: 500 });
    expect(inputBlock(view, contentBlock('waitForGone'))?.element).toMatchObject({ initial_value: '.spinner', max_length: 500 });
    for (const id of [contentBlock('fullPage'), contentBlock('csv'), contentBlock('bom')]) {
      expect({ id, element: inputBlock(view, id)?.element }).toMatchObject({ id, element: { type: 'checkboxes', initial_options: [{ value: 'on' }] } });
    }
    const plain = render(alertToModalValues(makeAlert({ content: { kind: 'chart', chart: 'line', csv: false, native: true, bom: false, keepFormulas: false } })));
    expect(inputBlock(plain, contentBlock('csv'))?.element).not.toHaveProperty('initial_options');
    expect(inputBlock(plain, contentBlock('bom'))?.element).not.toHaveProperty('initial_options');
  });

  it('offers 1× and 2×, and keeps a stored scale the select does not list', () => {
    const scales = (scale: number) => {
      const element = inputBlock(render(alertToModalValues(makeAlert({ content: { ...screenshot, scale } }))), contentBlock('scale'))?.element;
      return element?.type === 'static_select' ? { values: element.options?.map((o) => o.value), initial: element.initial_option?.value } : null;
    };
    expect(scales(1)).toEqual({ values: ['1', '2'], initial: '1' });
    expect(scales(3)).toEqual({ values: ['1', '2', '3'], initial: '3' });
    expect(inputBlock(render({ ...defaultModalValues('U1', 'UTC'), contentKind: 'screenshot' }), contentBlock('scale'))?.element).toMatchObject({
      initial_option: { value: '1' },
    });
  });

  it('new screenshot content defaults to no CSV, no BOM, scale 1, the window and no waits', () => {
    const defaults = defaultModalValues('U1', 'UTC');
    const values = { ...defaults, contentKind: 'screenshot' as const, content: { ...defaults.content, url: 'https://dashboards.example.com/x' } };
    const read = readModalValues(viewStateFor(render(values)));
    expect(modalValuesToAlertInput(read).content).toEqual({
      kind: 'screenshot',
      url: 'https://dashboards.example.com/x',
      linkUrl: '',
      width: '1920',
      height: '1080',
      scale: '1',
      fullPage: false,
      selector: '',
      waitFor: '',
      waitForGone: '',
      csv: false,
      bom: false, keepFormulas: false,
    });
  });

  it('the channel picker offers public and private channels, no bots', () => {
    const view = render(alertToModalValues(makeAlert()));
    expect(inputBlock(view, BLOCK.recipientChannels)?.element).toMatchObject({
      type: 'multi_conversations_select',
      filter: { include: ['public', 'private'], exclude_bot_users: true },
      initial_conversations: ['C0OPS'],
    });
  });

  it('uses only the id constants', () => {
    const view = render(alertToModalValues(makeAlert({ content: screenshot })), {
      testResult: { ok: true, columns: ['n'], rows: [[1]], rowCount: 1, truncated: false, verdict: null },
    });
    const { blockIds, actionIds } = walk(view.blocks);
    const known = new Set<string>([...Object.values(BLOCK), ...CONTENT_FIELDS.map((f) => f.block), ...CONDITION_FIELDS.map((f) => f.block), ...Object.values(ACTION)]);
    for (const id of [...blockIds, ...actionIds]) expect([id, known.has(id)]).toEqual([id, true]);
    expect(new Set(blockIds).size).toBe(blockIds.length);
  });

  it('previews the next 3 runs in the schedule\'s zone, or says what is wrong', () => {
    const view = render(alertToModalValues(makeAlert()));
    const preview = walk(view.blocks).json;
    expect(preview).toContain('every day at 09:00 (Asia/Seoul)');
    expect(preview).toContain('Next: 2026-11-26 09:00 (Asia/Seoul) · 2026-11-27 09:00 (Asia/Seoul) · 2026-11-28 09:00 (Asia/Seoul)');
    const bad = render({ ...alertToModalValues(makeAlert()), schedulePreset: 'custom', cron: '61 * * * *' });
    expect(walk(bad.blocks).json).toMatch(/⚠️ .*minute field/);
    const given = render(alertToModalValues(makeAlert()), { preview: 'the service says <no>' });
    expect(walk(given.blocks).json).toContain('⚠️ the service says &lt;no&gt;');
  });

  it('offers the alert\'s data source even when the editor may not pick it, and never more than names', () => {
    const view = buildAlertModal({ mode: 'edit', alertId: 'a', values: { ...alertToModalValues(makeAlert()), dataSource: 'legacy' }, dataSources: ['sample'], userTimezone: 'UTC', now: NOW });
    const element = inputBlock(view, BLOCK.dataSource)?.element;
    expect(element?.type === 'static_select' && element.options?.map((o) => o.value)).toEqual(['legacy', 'sample']);
    expect(element).toMatchObject({ initial_option: { value: 'legacy' } });
  });

  it('no data-source credential can appear: the builder only ever sees names', () => {
    const view = render(alertToModalValues(makeAlert()), {
      testResult: { ok: false, error: 'connection refused' },
    });
    expect(walk(view.blocks).json).not.toMatch(/postgres(ql)?:\/\/|password|secret/i);
  });
});

describe('buildAlertModal condition section (issue 3/6)', () => {
  const base = (patch: Partial<ModalValues> = {}): ModalValues => ({ ...defaultModalValues('U1', 'UTC'), ...patch });
  const conditionIds = (values: ModalValues): string[] => {
    const ids = walk(render(values).blocks).blockIds;
    const condition = new Set<string>([BLOCK.measureKind, BLOCK.conditionOp, BLOCK.conditionThreshold, ...CONDITION_FIELDS.map((f) => f.block)]);
    return ids.filter((id) => condition.has(id));
  };

  it.each<[string, Partial<ModalValues>, string[]]>([
    ['a value', { measureKind: 'value' }, ['measure.kind', 'condition.op', 'condition.threshold', 'warning.threshold', 'labels', 'pendingTicks', 'keepFiringTicks']],
    ['a row count', { measureKind: 'row_count' }, ['measure.kind', 'condition.op', 'condition.threshold', 'warning.threshold', 'labels', 'pendingTicks', 'keepFiringTicks']],
    ['an age', { measureKind: 'freshness' }, ['measure.kind', 'measure.column', 'condition.op', 'condition.threshold', 'warning.threshold', 'labels', 'pendingTicks', 'keepFiringTicks']],
    ['a change', { measureKind: 'change' }, ['measure.kind', 'measure.mode', 'measure.direction', 'measure.floor', 'condition.op', 'condition.threshold', 'warning.threshold', 'labels', 'pendingTicks', 'keepFiringTicks']],
    ['new rows', { measureKind: 'new_rows' }, ['measure.kind', 'measure.keyColumn', 'measure.maxPerTick', 'measure.sendFirstRun', 'measure.retentionDays']],
    ['a value with ==: no warning level', { measureKind: 'value', conditionOp: '==' }, ['measure.kind', 'condition.op', 'condition.threshold', 'labels', 'pendingTicks', 'keepFiringTicks']],
    ['a value with "not null": no warning level', { measureKind: 'value', conditionOp: 'not null' }, ['measure.kind', 'condition.op', 'condition.threshold', 'labels', 'pendingTicks', 'keepFiringTicks']],
    ['a report: none of it', { type: 'report', measureKind: 'change' }, []],
  ])('shows only what %s needs', (_, patch, expected) => {
    expect(conditionIds(base(patch))).toEqual(expected);
  });

  it('offers the five kinds in words, and re-renders on a switch of kind or operator', () => {
    const view = render(base());
    const kind = inputBlock(view, BLOCK.measureKind);
    expect(kind).toMatchObject({ dispatch_action: true, element: { action_id: ACTION.measureChanged, initial_option: { value: 'value' } } });
    expect(kind?.element.type === 'static_select' && kind.element.options?.map((o) => [o.value, o.text.text])).toEqual([
      ['value', 'A value the query returns'],
      ['row_count', 'Number of rows'],
      ['freshness', 'Age of the newest timestamp'],
      ['change', 'Change since the last check'],
      ['new_rows', 'New rows'],
    ]);
    expect(inputBlock(view, BLOCK.conditionOp)).toMatchObject({ dispatch_action: true, element: { action_id: ACTION.conditionOpChanged } });
  });

  it('requires the threshold exactly when the operator compares with one', () => {
    for (const op of ['>', '>=', '<', '<=', '==', '!=']) expect([op, inputBlock(render(base({ conditionOp: op })), BLOCK.conditionThreshold)?.optional]).toEqual([op, false]);
    for (const op of ['not null', 'rows exist', 'no rows', '']) expect([op, inputBlock(render(base({ conditionOp: op })), BLOCK.conditionThreshold)?.optional]).toEqual([op, true]);
  });

  it('offers only comparisons beyond the single value, and asks for an age as a duration', () => {
    const ops = (values: ModalValues) => {
      const element = inputBlock(render(values), BLOCK.conditionOp)?.element;
      return element?.type === 'static_select' ? element.options?.map((o) => o.value) : null;
    };
    expect(ops(base())).toEqual(['>', '>=', '<', '<=', '==', '!=', 'not null', 'rows exist', 'no rows']);
    for (const measureKind of ['row_count', 'freshness', 'change'] as const) expect(ops(base({ measureKind }))).toEqual(['>', '>=', '<', '<=', '==', '!=']);
    // A kind that cannot take the operator chosen before: nothing preselected, the person chooses.
    expect(inputBlock(render(base({ measureKind: 'row_count', conditionOp: 'not null' })), BLOCK.conditionOp)?.element).not.toHaveProperty('initial_option');
    const age = render(alertToModalValues(makeAlert({ measure: { kind: 'freshness', column: null }, condition: { op: '>', threshold: 7200 } })));
    expect(inputBlock(age, BLOCK.conditionThreshold)).toMatchObject({ element: { initial_value: '2 h' }, hint: { text: 'An age: 90s, 15 min, 2h or 1d.' } });
    expect(inputBlock(age, BLOCK.conditionOp)?.label.text).toBe('Send when the age is');
  });

  it('sends the service only what the chosen kind shows: a change\'s options are dropped for a value', () => {
    const values = base({ measureKind: 'value', threshold: '5', rules: { ...base().rules, 'measure.mode': 'absolute', 'measure.keyColumn': 'id', labels: 'region', 'warning.threshold': '3' } });
    expect(modalValuesToAlertInput(values)).toMatchObject({ measure: { kind: 'value' }, condition: { op: '>', threshold: '5' }, warning: { op: '>', threshold: '3' }, labels: 'region' });
    const newRows = modalValuesToAlertInput({ ...values, measureKind: 'new_rows' });
    expect(newRows).toMatchObject({ measure: { kind: 'new_rows', keyColumn: 'id', maxPerTick: '20', sendFirstRun: false, retentionDays: '30' }, condition: null, warning: null });
    expect(newRows).not.toHaveProperty('labels');
    // Under == the warning is not on screen, so none is sent.
    expect(modalValuesToAlertInput({ ...values, conditionOp: '==' }).warning).toBeNull();
  });

  it('says what email fallback does: a person at their Slack address, a channel to the owners', () => {
    const fallback = inputBlock(render(base()), BLOCK.emailFallback);
    const text = JSON.stringify(fallback);
    expect(text).toContain('Email the message when Slack cannot deliver it');
    expect(text).toContain("a channel's message goes to this alert's owners");
    expect(text).not.toMatch(/Email people/);
  });
});

describe('buildAlertModal limits', () => {
  const huge = (n: number) => 'x'.repeat(n);
  const hugeValues: ModalValues = {
    ...alertToModalValues(makeAlert({ content: screenshot })),
    name: huge(500),
    description: huge(5000),
    sql: `SELECT '${huge(25_000)}'`,
    messageTemplate: huge(5000),
    content: { ...alertToModalValues(makeAlert({ content: screenshot })).content, waitFor: huge(5000), waitForGone: huge(5000) },
    emails: Array.from({ length: 500 }, (_, i) => `p${i}@example.com`).join(', '),
    owners: Array.from({ length: 50 }, (_, i) => `U${i}`),
    channels: Array.from({ length: 50 }, (_, i) => `C${i}`),
    timezone: 'Asia/Almaty',
  };
  const hugeResult = {
    ok: true as const,
    columns: Array.from({ length: 40 }, (_, i) => `col_${i}_${huge(80)}`),
    rows: Array.from({ length: 500 }, () => Array.from({ length: 40 }, () => `<&>${huge(300)}`)),
    rowCount: 500,
    truncated: true,
    verdict: { kind: 'error' as const, reason: huge(5000) },
  };

  it('stays within every limit with huge inputs, a huge result and many data sources', () => {
    const view = render(hugeValues, {
      testResult: hugeResult,
      dataSources: Array.from({ length: 300 }, (_, i) => `source ${i} ${huge(100)}`),
      errors: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`field${i}`, huge(100)])),
    });
    expect(view.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.viewBlocks);
    expect((view.private_metadata ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.privateMetadata);
    for (const t of texts(view.blocks)) expect(t.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    for (const block of view.blocks as KnownBlock[]) {
      if (block.type !== 'input') continue;
      const el = block.element;
      if (el.type === 'plain_text_input' && el.initial_value !== undefined) {
        expect(el.initial_value.length).toBeLessThanOrEqual(el.max_length ?? SLACK_LIMITS.plainTextInput);
      }
      if (el.type === 'static_select') {
        const count = (el.options?.length ?? 0) + (el.option_groups ?? []).reduce((n, g) => n + g.options.length, 0);
        expect(count).toBeLessThanOrEqual(SLACK_LIMITS.selectOptions);
        for (const o of [...(el.options ?? []), ...(el.option_groups ?? []).flatMap((g) => g.options)]) {
          expect(o.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.optionText);
        }
      }
    }
    // Slack keeps at most 3000 characters of SQL: the modal says so rather than cutting silently.
    expect(walk(view.blocks).blockIds).toContain(BLOCK.sqlTooLong);
  });

  it('stays within 100 blocks for every type, measure, operator, preset and content, with a test result and errors', () => {
    const testResult = { ...hugeResult, verdict: { kind: 'unchecked' as const, problems: [huge(4000)] } };
    for (const type of ['alert', 'report'] as const) {
      for (const measureKind of ['value', 'row_count', 'freshness', 'change', 'new_rows'] as const) {
        for (const conditionOp of ['>', '==', 'not null']) {
          for (const schedulePreset of ['weekly', 'custom'] as const) {
            for (const contentKind of ['none', 'screenshot'] as const) {
              const values: ModalValues = { ...hugeValues, type, measureKind, conditionOp, schedulePreset, contentKind, rules: Object.fromEntries(CONDITION_FIELDS.map((f) => [f.block, typeof f.fallback === 'boolean' ? true : huge(5000)])) };
              const view = render(values, { testResult, errors: { name: 'taken' } });
              expect([type, measureKind, conditionOp, schedulePreset, contentKind, view.blocks.length <= SLACK_LIMITS.viewBlocks]).toEqual([type, measureKind, conditionOp, schedulePreset, contentKind, true]);
              for (const block of view.blocks as KnownBlock[]) {
                if (block.type !== 'input' || block.element.type !== 'plain_text_input' || block.element.initial_value === undefined) continue;
                expect(block.element.initial_value.length).toBeLessThanOrEqual(block.element.max_length ?? SLACK_LIMITS.plainTextInput);
              }
            }
          }
        }
      }
    }
  });

  it('shows a failed test query with the database\'s message, escaped', () => {
    const view = render(alertToModalValues(makeAlert()), { testResult: { ok: false, error: 'syntax error near "<!channel>"' } });
    const section = (view.blocks as KnownBlock[]).find((b) => b.block_id === BLOCK.testResult);
    expect(section?.type === 'section' && section.text?.text).toContain('syntax error near "&lt;!channel&gt;"');
  });

  it('shows what the test query returned and what the condition makes of it', () => {
    const view = render(alertToModalValues(makeAlert()), {
      testResult: {
        ok: true,
        columns: ['count'],
        rows: [[0]],
        rowCount: 1,
        truncated: false,
        verdict: { kind: 'series', outcome: 'send', labelled: false, levelled: false, pendingTicks: 1, keepFiringTicks: 0, series: [{ labels: {}, event: 'fired', level: 'critical', value: '0', reason: '', held: 1, quiet: 0 }] },
      },
    });
    const section = (view.blocks as KnownBlock[]).find((b) => b.block_id === BLOCK.testResult);
    const text = section?.type === 'section' ? section.text?.text : '';
    expect(text).toContain('1 row');
    expect(text).toContain('The condition holds (value *0*)');
    expect(text).toContain('```\ncount\n-----\n0\n```');
  });

  it('optional parts disappear: no test result, no errors, no warning', () => {
    const view = render(alertToModalValues(makeAlert()));
    const ids = walk(view.blocks).blockIds;
    expect(ids).not.toContain(BLOCK.testResult);
    expect(ids).not.toContain(BLOCK.sqlTooLong);
    expect(walk(view.blocks).json).not.toContain('Please fix');
    const noDescription = inputBlock(render({ ...alertToModalValues(makeAlert()), description: '' }), BLOCK.description);
    expect(noDescription?.element).not.toHaveProperty('initial_value');
  });
});

describe('fieldErrorsToBlockErrors', () => {
  const SERVICE_KEYS = [
    'name', 'description', 'owners', 'type', 'dataSource', 'sql', 'condition.op', 'condition.threshold', 'schedule.cron',
    'schedule.timezone', 'gracePeriodS', 'workingTimeoutS', 'logRetentionDays', 'content.kind', 'content.url', 'content.linkUrl',
    'content.width', 'content.height', 'content.selector', 'content.chart', 'messageTemplate', 'recipients', 'emailFallback',
    'notifyOnRecovery', 'measure.kind', 'warning.op', 'warning.threshold', 'labels', 'pendingTicks', 'keepFiringTicks', ...CONTENT_FIELDS.map((f) => f.block),
  ];
  /** Keys of the measures' own options (shown for one kind each). */
  const MEASURE_KEYS = ['measure.column', 'measure.mode', 'measure.direction', 'measure.floor', 'measure.keyColumn', 'measure.maxPerTick', 'measure.sendFirstRun', 'measure.retentionDays'];
  const EXTRA_KEYS = ['owners.1', 'recipients.0.id', 'recipients.1.id', 'recipients.2.address', 'schedule.preset', 'snoozeUntil', 'content.other'];

  it('maps every service key to a block in the modal (screenshot content, so all blocks exist)', () => {
    const values = { ...alertToModalValues(makeAlert({ content: screenshot, recipients: [{ kind: 'slack_channel', id: 'C1' }, { kind: 'slack_user', id: 'U2' }] })), emails: 'a@x.com' };
    const ids = new Set(walk(render(values).blocks).blockIds);
    const errors = Object.fromEntries([...SERVICE_KEYS, ...EXTRA_KEYS].map((k) => [k, `bad ${k}`]));
    for (const shown of [values, {}]) {
      const mapped = fieldErrorsToBlockErrors(errors, shown);
      for (const block of Object.keys(mapped)) expect([block, ids.has(block)]).toEqual([block, true]);
      // Nothing dropped: every message is somewhere.
      const all = Object.values(mapped).join('\n');
      for (const key of Object.keys(errors)) expect(all).toContain(`bad ${key}`);
    }
  });

  it('names the input blocks after the service keys, one to one', () => {
    const keys = SERVICE_KEYS.filter((k) => k !== 'content.chart' && k !== 'content.native' && k !== 'warning.op');
    // (screenshot content shows every content option, so each error lands on its own block)
    const mapped = fieldErrorsToBlockErrors(Object.fromEntries(keys.map((k) => [k, `bad ${k}`])), { type: 'alert', measureKind: 'value', conditionOp: '>', schedulePreset: 'custom', contentKind: 'screenshot' });
    expect(mapped).toEqual(Object.fromEntries(keys.map((k) => [k === 'recipients' ? BLOCK.recipientChannels : k, `bad ${k}`])));
    expect(fieldErrorsToBlockErrors({ 'content.chart': 'x', 'content.native': 'y' }, { contentKind: 'chart' })).toEqual({ [contentBlock('chart')]: 'x', [contentBlock('native')]: 'y' });
    // A chart error while the screenshot fields are shown goes to the content select.
    expect(fieldErrorsToBlockErrors({ 'content.chart': 'x' }, { contentKind: 'screenshot' })).toEqual({ [BLOCK.contentKind]: 'x' });
  });

  it('routes a condition option to its block when its kind is chosen, else to the kind select, the operator or the type', () => {
    const alert = { type: 'alert', conditionOp: '>' };
    for (const key of MEASURE_KEYS) {
      const kind = CONDITION_FIELDS.find((f) => f.block === key)?.kinds[0];
      expect(fieldErrorsToBlockErrors({ [key]: 'x' }, { ...alert, measureKind: kind })).toEqual({ [key]: 'x' });
      expect(fieldErrorsToBlockErrors({ [key]: 'x' }, { ...alert, measureKind: kind === 'value' ? 'row_count' : 'value' })).toEqual({ [BLOCK.measureKind]: 'x' });
    }
    // The warning takes the critical operator: its problems go there when the warning is hidden.
    expect(fieldErrorsToBlockErrors({ 'warning.op': 'x' }, { ...alert, measureKind: 'value' })).toEqual({ [BLOCK.conditionOp]: 'x' });
    expect(fieldErrorsToBlockErrors({ 'warning.threshold': 'x' }, { ...alert, measureKind: 'value', conditionOp: '==' })).toEqual({ [BLOCK.conditionOp]: 'x' });
    expect(fieldErrorsToBlockErrors({ 'warning.threshold': 'x', labels: 'y', 'condition.op': 'z' }, { ...alert, measureKind: 'new_rows' })).toEqual({ [BLOCK.measureKind]: 'x; y; z' });
    expect(fieldErrorsToBlockErrors({ 'measure.floor': 'x', 'warning.threshold': 'y' }, { type: 'report', measureKind: 'change' })).toEqual({ [BLOCK.type]: 'x; y' });
  });

  it('routes errors to what the modal shows', () => {
    const shown = { type: 'alert', schedulePreset: 'daily', contentKind: 'chart', timezoneOther: '', channels: ['C1'], users: ['U1', 'U2'] };
    expect(fieldErrorsToBlockErrors({ 'schedule.cron': 'bad' }, shown)).toEqual({ [BLOCK.schedulePreset]: 'bad' });
    expect(fieldErrorsToBlockErrors({ 'schedule.cron': 'bad' }, { ...shown, schedulePreset: 'custom' })).toEqual({ [BLOCK.scheduleCron]: 'bad' });
    expect(fieldErrorsToBlockErrors({ 'schedule.timezone': 'bad' }, { ...shown, timezoneOther: 'Mars/Base' })).toEqual({ [BLOCK.scheduleTimezoneOther]: 'bad' });
    expect(fieldErrorsToBlockErrors({ 'content.chart': 'bad' }, shown)).toEqual({ [contentBlock('chart')]: 'bad' });
    expect(fieldErrorsToBlockErrors({ 'recipients.0.id': 'a', 'recipients.2.id': 'b', 'recipients.3.address': 'c' }, shown)).toEqual({
      [BLOCK.recipientChannels]: 'a',
      [BLOCK.recipientUsers]: 'b',
      [BLOCK.recipientEmails]: 'c',
    });
    expect(fieldErrorsToBlockErrors({ 'condition.op': 'x' }, { type: 'report' })).toEqual({ [BLOCK.type]: 'x' });
    expect(fieldErrorsToBlockErrors({ snoozeUntil: 'too far', name: 'taken' })).toEqual({ [BLOCK.name]: 'snoozeUntil: too far; taken' });
  });

  it('stays in step with the modal: for every type, measure, operator, preset and content, every key lands on a shown block', () => {
    const keys = Object.fromEntries(
      [...SERVICE_KEYS, ...EXTRA_KEYS, ...MEASURE_KEYS, 'schedule.time', 'schedule.weekday', 'schedule.minute', 'schedule.everyMinutes', 'measure.other', 'warning.other'].map((k) => [k, 'x']),
    );
    for (const type of ['alert', 'report'] as const) {
      for (const measureKind of ['value', 'row_count', 'freshness', 'change', 'new_rows'] as const) {
        for (const conditionOp of ['>', '==', 'not null', '']) {
          for (const schedulePreset of ['every_minutes', 'hourly', 'daily', 'weekly', 'custom'] as const) {
            for (const contentKind of ['none', 'csv', 'chart', 'screenshot'] as const) {
              const values: ModalValues = { ...defaultModalValues('U1', 'UTC'), type, measureKind, conditionOp, schedulePreset, contentKind };
              const ids = new Set(walk(render(values).blocks).blockIds);
              for (const block of Object.keys(fieldErrorsToBlockErrors(keys, values))) {
                const where = [type, measureKind, conditionOp, schedulePreset, contentKind, block];
                expect([...where, ids.has(block)]).toEqual([...where, true]);
              }
            }
          }
        }
      }
    }
  });

  it('service errors for the empty create form land on real blocks', () => {
    const values = defaultModalValues('U0ME1', 'UTC');
    const result = validateAlertInput(modalValuesToAlertInput(values), CONTEXT);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const mapped = fieldErrorsToBlockErrors(result.errors, values);
    expect(Object.keys(mapped).sort()).toEqual([BLOCK.dataSource, BLOCK.name, BLOCK.conditionThreshold, BLOCK.recipientChannels, BLOCK.sql].sort());
  });
});
