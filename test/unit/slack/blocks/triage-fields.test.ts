// The modal's triage part (issue 4/6): which blocks show for which choices, the defaults a person
// starts from, stored settings shown back and saved unchanged (alert → modal → state → values →
// input → the same spec), and every triage error on the block that shows it.
import { describe, expect, it } from '@jest/globals';
import type { InputBlock, KnownBlock, ModalView } from '@slack/types';
import type { Alert, AlertSpec } from '../../../../src/domain/types.js';
import { ACTION, BLOCK } from '../../../../src/messages/slack/ids.js';
import { SLACK_LIMITS } from '../../../../src/messages/slack/limits.js';
import { validateAlertInput } from '../../../../src/services/alert-input.js';
import { alertToModalValues, buildAlertModal, defaultModalValues, modalValuesToAlertInput, readModalValues, type ModalValues } from '../../../../src/slack/blocks/alert-modal.js';
import { fieldErrorsToBlockErrors } from '../../../../src/slack/field-errors.js';
import { makeAlert, NOW } from '../../../support/fixtures.js';
import { viewStateFor, walk } from '../../../support/slack-blocks.js';

const CONTEXT = { dataSources: ['sample'], allowedHosts: [], actor: 'UACTOR1' };
const ROUTES = [BLOCK.warningChannels, BLOCK.warningUsers, BLOCK.warningEmails, BLOCK.criticalChannels, BLOCK.criticalUsers, BLOCK.criticalEmails];
const BACKOFF = [BLOCK.remindersFirst, BLOCK.remindersFactor, BLOCK.remindersCap];
const LEVEL_MENTIONS = [BLOCK.mentionCriticalUsers, BLOCK.mentionCriticalGroups, BLOCK.mentionWarningUsers, BLOCK.mentionWarningGroups];
const ALL_TRIAGE = [BLOCK.levelRoutingNote, ...ROUTES, BLOCK.remindersMode, ...BACKOFF, BLOCK.quietWindows, BLOCK.quietTimezone, BLOCK.mentionColumn, ...LEVEL_MENTIONS];

function render(values: ModalValues, userTimezone = 'Asia/Seoul'): ModalView {
  return buildAlertModal({ mode: 'edit', alertId: 'a-1', values, dataSources: ['sample'], userTimezone, now: NOW });
}

const ids = (view: ModalView) => walk(view.blocks).blockIds;
const inputBlock = (view: ModalView, id: string) => (view.blocks as KnownBlock[]).find((b): b is InputBlock => b.type === 'input' && b.block_id === id);
const alertValues = (overrides: Partial<ModalValues> = {}): ModalValues => ({ ...defaultModalValues('U0ME', 'Europe/Berlin', ['sample']), ...overrides });

/** What the modal's values validate to: the alert's spec, with no key (the modal sends none; the service keeps the alert's). */
function specOf(alert: Alert): Omit<AlertSpec, 'key'> & { key: null } {
  const { id: _id, key: _key, managedBy: _managedBy, active: _a, snoozedUntil: _s, nextRunAt: _n, shard: _sh, createdBy: _cb, createdAt: _ca, updatedBy: _ub, updatedAt: _ua, lastState: _ls, lastEvaluatedAt: _le, lastSentAt: _lsa, lastSentTick: _lst, firingSince: _f, lastErrorNoticeAt: _len, threads: _t, drawn: _d, series: _se, keysSeededAt: _k, ack: _ack, reminded: _r, heldSince: _h, ...spec } = alert;
  return { ...spec, key: null };
}

describe('which triage blocks show', () => {
  it('an alert at a level: routing by level, reminders (grace: no backoff fields), quiet hours, mentions', () => {
    const shown = ids(render(alertValues()));
    for (const block of [BLOCK.levelRoutingNote, ...ROUTES, BLOCK.remindersMode, BLOCK.quietWindows, BLOCK.quietTimezone, BLOCK.mentionColumn, ...LEVEL_MENTIONS]) expect([block, shown.includes(block)]).toEqual([block, true]);
    for (const block of BACKOFF) expect(shown).not.toContain(block);
  });

  it('backoff shows its three fields, filled with 1 h, ×2 and 24 h', () => {
    const view = render(alertValues({ triage: { ...alertValues().triage, reminderMode: 'backoff' } }));
    expect(inputBlock(view, BLOCK.remindersFirst)?.element).toMatchObject({ initial_value: '1 h' });
    expect(inputBlock(view, BLOCK.remindersFactor)?.element).toMatchObject({ initial_value: '2' });
    expect(inputBlock(view, BLOCK.remindersCap)?.element).toMatchObject({ initial_value: '24 h' });
  });

  it('the reminder choice re-renders the modal, as the type and kind selects do', () => {
    const mode = inputBlock(render(alertValues()), BLOCK.remindersMode);
    expect(mode).toMatchObject({ dispatch_action: true, element: { type: 'radio_buttons', action_id: ACTION.remindersChanged, initial_option: { value: 'grace' } } });
    expect(mode?.element.type === 'radio_buttons' && mode.element.options.map((o) => o.text.text)).toEqual(['Repeat every grace period', 'Remind with backoff']);
  });

  it('new rows: quiet hours and the mention column only (they never fire at a level)', () => {
    const shown = ids(render(alertValues({ measureKind: 'new_rows' })));
    expect(ALL_TRIAGE.filter((b) => shown.includes(b))).toEqual([BLOCK.quietWindows, BLOCK.quietTimezone, BLOCK.mentionColumn]);
  });

  it('a report: none of it', () => {
    const shown = ids(render(alertValues({ type: 'report' })));
    expect(ALL_TRIAGE.filter((b) => shown.includes(b))).toEqual([]);
  });

  it("quiet hours' zone starts as the schedule's (the typed one when there is one), which it follows; another zone can be chosen", () => {
    const firstGroup = (values: ModalValues) => {
      const element = inputBlock(render(values), BLOCK.quietTimezone)?.element;
      return { element, first: element?.type === 'static_select' ? element.option_groups?.[0]?.options.map((o) => [o.text.text, o.value]) : [] };
    };
    const plain = firstGroup(alertValues());
    expect(plain.element).toMatchObject({ initial_option: { value: 'schedule' } });
    expect(plain.first).toEqual([['Same as the schedule (Europe/Berlin)', 'schedule'], ['Asia/Seoul', 'Asia/Seoul']]);
    expect(firstGroup(alertValues({ timezoneOther: 'Asia/Almaty' })).first?.[0]).toEqual(['Same as the schedule (Asia/Almaty)', 'schedule']);
    const chosen = firstGroup(alertValues({ triage: { ...alertValues().triage, quietTimezone: 'America/Lima' } }));
    expect(chosen.element).toMatchObject({ initial_option: { value: 'America/Lima' } });
    // Read back: the schedule's is '' (the service takes the schedule's zone when saving).
    expect(readModalValues(viewStateFor(render(alertValues()))).triage.quietTimezone).toBe('');
  });

  it('user groups are typed as IDs, and the hint says why (no picker, no usergroups:read)', () => {
    const groups = inputBlock(render(alertValues()), BLOCK.mentionCriticalGroups);
    expect(groups?.element.type).toBe('plain_text_input');
    expect(groups?.hint?.text).toContain('User group IDs (S…)');
    expect(inputBlock(render(alertValues()), BLOCK.mentionCriticalUsers)?.element).toMatchObject({ type: 'multi_users_select', max_selected_items: 10 });
  });

  it('the largest form (backoff, every field filled) stays within 100 blocks and Slack\'s input limits', () => {
    for (const contentKind of ['none', 'screenshot'] as const) {
      for (const measureKind of ['value', 'change'] as const) {
        const base = alertValues();
        const view = render({ ...base, contentKind, measureKind, schedulePreset: 'weekly', triage: { ...base.triage, reminderMode: 'backoff', quietWindows: 'x'.repeat(600), reminderFirst: 'y'.repeat(500) } });
        expect(view.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.viewBlocks);
        for (const block of view.blocks as KnownBlock[]) {
          if (block.type !== 'input' || block.element.type !== 'plain_text_input' || block.element.initial_value === undefined) continue;
          expect(block.element.initial_value.length).toBeLessThanOrEqual(block.element.max_length ?? SLACK_LIMITS.plainTextInput);
        }
      }
    }
  });
});

const TRIAGED: [string, Alert][] = [
  [
    'backoff, quiet hours in another zone, a mention column, people and groups per level, recipients per level',
    makeAlert({
      warning: { op: '<', threshold: 5 },
      reminders: { mode: 'backoff', firstS: 1800, factor: 1.5, capS: 21_600 },
      quietHours: { timezone: 'Europe/Berlin', windows: [{ days: [1, 2, 3, 4, 5], from: '20:00', to: '08:00' }, { days: [0, 6], from: '00:00', to: '24:00' }] },
      mentionColumn: 'owner_email',
      mentions: { warning: ['U0TEAM'], critical: ['U0ANA', 'S0ONCALL', 'S0DBA'] },
      // In the order the modal lists them: every level, then warning, then critical.
      recipients: [
        { kind: 'slack_channel', id: 'C0OPS' },
        { kind: 'slack_channel', id: 'C0TEAM', levels: ['warning'] },
        { kind: 'email', address: 'team@example.com', levels: ['warning'] },
        { kind: 'slack_user', id: 'U0PAGER', levels: ['critical'] },
        { kind: 'email', address: 'pager@example.com', levels: ['critical'] },
      ],
    }),
  ],
  ['reminders every grace period, quiet every night, nobody mentioned', makeAlert({ quietHours: { timezone: 'Asia/Seoul', windows: [{ days: [0, 1, 2, 3, 4, 5, 6], from: '22:00', to: '06:00' }] } })],
  ['new rows, quiet at weekends, mentioning the row\'s owner', makeAlert({ measure: { kind: 'new_rows', keyColumn: 'id', maxPerTick: 20, sendFirstRun: false, retentionDays: 30 }, condition: { op: 'rows exist' }, quietHours: { timezone: 'UTC', windows: [{ days: [0, 6], from: '00:00', to: '24:00' }] }, mentionColumn: 'assignee' })],
];

describe('stored triage settings are shown back and saved unchanged', () => {
  it.each(TRIAGED)('%s', (_, alert) => {
    const values = alertToModalValues(alert);
    const view = render(values);
    const read = readModalValues(viewStateFor(view));
    expect(read).toEqual(values);
    expect(validateAlertInput(modalValuesToAlertInput(read), CONTEXT)).toEqual({ ok: true, spec: specOf(alert) });
  });

  it('shows each setting where a person looks for it', () => {
    const view = render(alertToModalValues(TRIAGED[0]![1]));
    expect(inputBlock(view, BLOCK.remindersMode)?.element).toMatchObject({ initial_option: { value: 'backoff' } });
    expect(inputBlock(view, BLOCK.remindersFirst)?.element).toMatchObject({ initial_value: '30 min' });
    expect(inputBlock(view, BLOCK.remindersFactor)?.element).toMatchObject({ initial_value: '1.5' });
    expect(inputBlock(view, BLOCK.remindersCap)?.element).toMatchObject({ initial_value: '6 h' });
    expect(inputBlock(view, BLOCK.quietWindows)?.element).toMatchObject({ initial_value: 'Mon-Fri 20:00-08:00, Sat-Sun 00:00-24:00' });
    expect(inputBlock(view, BLOCK.quietTimezone)?.element).toMatchObject({ initial_option: { value: 'Europe/Berlin' } });
    expect(inputBlock(view, BLOCK.mentionColumn)?.element).toMatchObject({ initial_value: 'owner_email' });
    expect(inputBlock(view, BLOCK.mentionCriticalUsers)?.element).toMatchObject({ initial_users: ['U0ANA'] });
    expect(inputBlock(view, BLOCK.mentionCriticalGroups)?.element).toMatchObject({ initial_value: 'S0ONCALL, S0DBA' });
    expect(inputBlock(view, BLOCK.mentionWarningUsers)?.element).toMatchObject({ initial_users: ['U0TEAM'] });
    // Each recipient under its level; every-level recipients where they always were.
    expect(inputBlock(view, BLOCK.recipientChannels)?.element).toMatchObject({ initial_conversations: ['C0OPS'] });
    expect(inputBlock(view, BLOCK.recipientEmails)?.element).not.toHaveProperty('initial_value');
    expect(inputBlock(view, BLOCK.warningChannels)?.element).toMatchObject({ initial_conversations: ['C0TEAM'] });
    expect(inputBlock(view, BLOCK.warningEmails)?.element).toMatchObject({ initial_value: 'team@example.com' });
    expect(inputBlock(view, BLOCK.criticalUsers)?.element).toMatchObject({ initial_users: ['U0PAGER'] });
    expect(inputBlock(view, BLOCK.criticalEmails)?.element).toMatchObject({ initial_value: 'pager@example.com' });
  });

  it('a hidden part is not sent: a report switched from an alert keeps none of it', () => {
    const values = { ...alertToModalValues(TRIAGED[0]![1]), type: 'report' as const };
    const input = modalValuesToAlertInput(values);
    expect(input).not.toHaveProperty('reminders');
    expect(input.recipients).toEqual([{ kind: 'slack_channel', id: 'C0OPS' }]);
  });
});

describe('triage errors land on their blocks', () => {
  const shown = (overrides: Partial<ModalValues['triage']> = {}): ModalValues => {
    const base = alertValues({ channels: ['C1'], users: ['U1'], emails: 'a@x.com b@x.com' });
    return { ...base, triage: { ...base.triage, ...overrides } };
  };

  it('each key on its own block', () => {
    const keys = [BLOCK.remindersMode, ...BACKOFF, BLOCK.quietWindows, BLOCK.quietTimezone, BLOCK.mentionColumn, ...LEVEL_MENTIONS];
    const mapped = fieldErrorsToBlockErrors(Object.fromEntries(keys.map((k) => [k, `bad ${k}`])), shown({ reminderMode: 'backoff' }));
    expect(mapped).toEqual(Object.fromEntries(keys.map((k) => [k, `bad ${k}`])));
  });

  it('a backoff field hidden (grace chosen) goes to the reminder choice; anything of a report to the type', () => {
    expect(fieldErrorsToBlockErrors({ 'reminders.first': 'x' }, shown())).toEqual({ [BLOCK.remindersMode]: 'x' });
    expect(fieldErrorsToBlockErrors({ 'reminders.first': 'x', 'quietHours.windows': 'y' }, { ...shown(), type: 'report' })).toEqual({ [BLOCK.type]: 'x; y' });
  });

  it('a recipient by its position: every level, then warning, then critical (channels, people, emails each)', () => {
    const values = shown({ routes: { warning: { channels: ['C2'], users: [], emails: 'w@x.com' }, critical: { channels: [], users: ['U2', 'U3'], emails: 'c@x.com' } } });
    // 0 C1 · 1 U1 · 2-3 emails · 4 C2 (warning) · 5 w@ · 6-7 U2 U3 (critical) · 8 c@
    const errors = { 'recipients.0.id': 'a', 'recipients.1.id': 'b', 'recipients.3.address': 'c', 'recipients.4.levels': 'd', 'recipients.5.address': 'e', 'recipients.7.id': 'f', 'recipients.8.address': 'g' };
    expect(fieldErrorsToBlockErrors(errors, values)).toEqual({
      [BLOCK.recipientChannels]: 'a',
      [BLOCK.recipientUsers]: 'b',
      [BLOCK.recipientEmails]: 'c',
      [BLOCK.warningChannels]: 'd',
      [BLOCK.warningEmails]: 'e',
      [BLOCK.criticalUsers]: 'f',
      [BLOCK.criticalEmails]: 'g',
    });
    // The input lists them in the same order.
    expect(modalValuesToAlertInput(values).recipients).toEqual([
      { kind: 'slack_channel', id: 'C1' },
      { kind: 'slack_user', id: 'U1' },
      { kind: 'email', address: 'a@x.com' },
      { kind: 'email', address: 'b@x.com' },
      { kind: 'slack_channel', id: 'C2', levels: ['warning'] },
      { kind: 'email', address: 'w@x.com', levels: ['warning'] },
      { kind: 'slack_user', id: 'U2', levels: ['critical'] },
      { kind: 'slack_user', id: 'U3', levels: ['critical'] },
      { kind: 'email', address: 'c@x.com', levels: ['critical'] },
    ]);
  });

  it('bad triage input is refused with every error on a block the modal shows, and nothing saved', () => {
    const values = alertValues({
      name: 'CPU',
      sql: 'SELECT 1',
      threshold: '10',
      channels: ['C0OPS'],
      triage: {
        ...alertValues().triage,
        reminderMode: 'backoff',
        reminderFirst: '1 min',
        reminderCap: '30 d',
        reminderFactor: '0',
        quietWindows: 'Mon-Fry 20:00-08:00',
        mentionGroups: { warning: 'S0TEAM', critical: '@oncall' },
        routes: { warning: { channels: ['C0TEAM'], users: [], emails: '' }, critical: { channels: [], users: [], emails: '' } },
      },
    });
    const result = validateAlertInput(modalValuesToAlertInput(values), CONTEXT);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const shownIds = new Set(ids(render(values)));
    const mapped = fieldErrorsToBlockErrors(result.errors, values);
    expect(Object.keys(mapped).sort()).toEqual(
      [BLOCK.remindersFirst, BLOCK.remindersFactor, BLOCK.remindersCap, BLOCK.quietWindows, BLOCK.mentionCriticalGroups, BLOCK.mentionWarningGroups, BLOCK.warningChannels].sort(),
    );
    for (const block of Object.keys(mapped)) expect(shownIds.has(block)).toBe(true);
  });
});
