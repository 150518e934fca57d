// The create/edit modal for alerts and reports. Pure: the handler passes the values (from an
// alert, the defaults, or view.state.values on a re-render) and gets a view for views.open /
// views.update. Switching type, what an alert checks, its operator, schedule preset, content
// kind or reminder mode dispatches an action so the handler re-renders with the fields that
// choice needs.
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { isNumericOperator } from '../../domain/condition.js';
import { MEASURE_KINDS, NUMERIC_OPERATORS, OPERATORS } from '../../domain/types.js';
import { LIMITS } from '../../services/alert-input.js';
import { renderSection } from '../../messages/slack/render-slack.js';
import { testQueryDoc, type TestQueryResult } from '../../messages/test-query-result.js';
import { ACTION, BLOCK, CALLBACK } from '../../messages/slack/ids.js';
import { actions, button, context, header, initialText, input, option, plain, section, staticSelect } from '../../messages/slack/kit.js';
import { SLACK_LIMITS } from '../../messages/slack/limits.js';
import { scheduleBlocks, schedulePreviewBlock } from './modal-schedule.js';
import { comparisonLabel, CONDITION_FIELDS, isMeasureOption, MEASURE_LABELS, thresholdHint } from './condition-fields.js';
import { CONTENT_FIELDS, type ContentKind, type FieldInput } from './content-fields.js';
import { effectiveTimezone, type ModalValues } from './modal-values.js';
import { mentionBlocks, reminderBlocks, routingBlocks } from './triage-fields.js';
import { isShown } from './modal-visibility.js';
import { bold, escapeMrkdwn } from '../../messages/slack/mrkdwn.js';

export * from './modal-values.js';
export * from './read-modal-values.js';

export interface AlertModalInput {
  mode: 'create' | 'edit';
  /** Required in edit mode; carried in private_metadata. */
  alertId?: string;
  values: ModalValues;
  /** Names of the data sources this person may pick (never URLs or credentials). */
  dataSources: string[];
  userTimezone: string;
  now: Date;
  /** Problems to list at the top (field key → message), e.g. ones no input block can show. */
  errors?: Record<string, string>;
  testResult?: TestQueryResult | null;
  /** The next runs, or why there are none; computed from `values` and `now` when omitted. */
  preview?: Date[] | string;
}

export interface ModalMetadata {
  mode: 'create' | 'edit';
  alertId: string | null;
}

/** Slack's plain_text_input holds at most 3000 characters, whatever the service allows. */
const SQL_INPUT_MAX = Math.min(LIMITS.sqlLength, SLACK_LIMITS.plainTextInput);
const TEMPLATE_INPUT_MAX = Math.min(LIMITS.templateLength, SLACK_LIMITS.plainTextInput);
const CONTENT_LABELS: Record<ContentKind, string> = {
  none: 'Message only',
  csv: 'Result as CSV',
  chart: 'Chart of the result',
  screenshot: 'Screenshot of a URL',
};
const OPERATOR_LABELS: Record<string, string> = {
  '>': '> greater than',
  '>=': '>= at least',
  '<': '< less than',
  '<=': '<= at most',
  '==': '== equal to',
  '!=': '!= not equal to',
  'not null': 'is not NULL',
  'rows exist': 'rows exist',
  'no rows': 'no rows',
};

export function buildAlertModal(modal: AlertModalInput): ModalView {
  const v = modal.values;
  const isAlert = v.type === 'alert';
  const noun = isAlert ? 'alert' : 'report';
  const blocks: KnownBlock[] = [
    ...errorSummary(modal.errors),
    input(BLOCK.name, 'Name', { type: 'plain_text_input', action_id: ACTION.value, max_length: LIMITS.nameLength, ...initialText(v.name, LIMITS.nameLength) }),
    input(
      BLOCK.description,
      'Description',
      { type: 'plain_text_input', action_id: ACTION.value, multiline: true, max_length: LIMITS.descriptionLength, ...initialText(v.description, LIMITS.descriptionLength) },
      { optional: true },
    ),
    input(
      BLOCK.owners,
      'Owners',
      { type: 'multi_users_select', action_id: ACTION.value, max_selected_items: LIMITS.owners, ...(v.owners.length > 0 ? { initial_users: v.owners.slice(0, LIMITS.owners) } : {}) },
      { optional: true, hint: 'Owners can edit, pause and snooze it, and are told when it fails. Empty: you.' },
    ),
    typeInput(v.type),
    header('Query'),
    ...dataSourceBlocks(v.dataSource, modal.dataSources),
    input(
      BLOCK.sql,
      'SQL',
      { type: 'plain_text_input', action_id: ACTION.value, multiline: true, max_length: SQL_INPUT_MAX, ...initialText(v.sql, SQL_INPUT_MAX) },
      { hint: isAlert ? 'Read-only. For > >= < <= == != and not null, return one row with one value.' : 'Read-only.' },
    ),
    ...(v.sql.length > SQL_INPUT_MAX
      ? [context([`⚠️ This SQL is ${v.sql.length} characters; Slack's input holds ${SQL_INPUT_MAX}, so only the start is shown and saving here would cut it.`], BLOCK.sqlTooLong)]
      : []),
    actions(BLOCK.testActions, [button('Test query', ACTION.testQuery, 'test')]),
    ...(modal.testResult ? [renderSection(testQueryDoc(modal.testResult), BLOCK.testResult)] : []),
    ...(isShown(BLOCK.measureKind, v) ? conditionBlocks(v) : []),
    header('Schedule'),
    ...scheduleBlocks(v, modal.userTimezone),
    schedulePreviewBlock(v, modal.now, modal.preview),
    header('Delivery'),
    ...contentBlocks(v),
    input(
      BLOCK.messageTemplate,
      'Message template',
      { type: 'plain_text_input', action_id: ACTION.value, multiline: true, max_length: TEMPLATE_INPUT_MAX, ...initialText(v.messageTemplate, TEMPLATE_INPUT_MAX) },
      { optional: true, hint: 'Replaces the description in the message. Placeholders: {{name}} {{value}} {{threshold}} {{rows.0.col}}' },
    ),
    input(
      BLOCK.recipientChannels,
      'Channels',
      {
        type: 'multi_conversations_select',
        action_id: ACTION.value,
        filter: { include: ['public', 'private'], exclude_bot_users: true },
        max_selected_items: LIMITS.recipients,
        ...(v.channels.length > 0 ? { initial_conversations: v.channels.slice(0, LIMITS.recipients) } : {}),
      },
      { optional: true, hint: 'Lookout must be a member: /invite it to private channels.' },
    ),
    input(
      BLOCK.recipientUsers,
      'People (direct message)',
      { type: 'multi_users_select', action_id: ACTION.value, max_selected_items: LIMITS.recipients, ...(v.users.length > 0 ? { initial_users: v.users.slice(0, LIMITS.recipients) } : {}) },
      { optional: true },
    ),
    input(
      BLOCK.recipientEmails,
      'Email addresses',
      { type: 'plain_text_input', action_id: ACTION.value, placeholder: plain('ana@example.com, ops@example.com', SLACK_LIMITS.placeholder), ...initialText(v.emails, SLACK_LIMITS.plainTextInput) },
      { optional: true, hint: 'Separate addresses with commas or spaces.' },
    ),
    ...routingBlocks(v.triage, v),
    checkbox(
      BLOCK.emailFallback,
      'Email fallback',
      'Email the message when Slack cannot deliver it',
      v.emailFallback,
      "A person gets it at their Slack profile's address; a channel's message goes to this alert's owners. The owners are told each time.",
    ),
    ...(isShown(BLOCK.notifyOnRecovery, v) ? [checkbox(BLOCK.notifyOnRecovery, 'Recovery', 'Post "resolved" in the thread when the condition stops holding', v.notifyOnRecovery)] : []),
    ...reminderBlocks(v.triage, v, { schedule: effectiveTimezone(v), user: modal.userTimezone }),
    ...mentionBlocks(v.triage, v),
    header('Limits'),
    numberInput(BLOCK.gracePeriodS, 'Grace period (seconds)', v.gracePeriodS, isAlert
      ? 'No repeat notification for this long after one is sent. Empty: 3600.'
      : 'Reports send every time; kept for when this becomes an alert. Empty: 3600.'),
    numberInput(BLOCK.workingTimeoutS, 'Working timeout (seconds)', v.workingTimeoutS, `A run taking longer fails. ${LIMITS.workingTimeoutS.min}–${LIMITS.workingTimeoutS.max}. Empty: 300.`),
    numberInput(BLOCK.logRetentionDays, 'Keep history for (days)', v.logRetentionDays, `${LIMITS.logRetentionDays.min}–${LIMITS.logRetentionDays.max}. Empty: 90.`),
  ];

  const metadata: ModalMetadata = { mode: modal.mode, alertId: modal.mode === 'edit' ? (modal.alertId ?? null) : null };
  const privateMetadata = JSON.stringify(metadata);
  // An alert id is a UUID; anything near the limit is a bug, not data to cut.
  if (privateMetadata.length > SLACK_LIMITS.privateMetadata) throw new RangeError('private_metadata would exceed Slack\'s 3000 characters');
  return {
    type: 'modal',
    callback_id: CALLBACK.alertModal,
    title: plain(`${modal.mode === 'create' ? 'New' : 'Edit'} ${noun}`, SLACK_LIMITS.modalTitle),
    submit: plain(modal.mode === 'create' ? 'Create' : 'Save', SLACK_LIMITS.modalButton),
    close: plain('Cancel', SLACK_LIMITS.modalButton),
    private_metadata: privateMetadata,
    notify_on_close: false,
    blocks: blocks.slice(0, SLACK_LIMITS.viewBlocks),
  };
}

/** The modal's private_metadata; anything unreadable counts as a new alert. */
export function parseModalMetadata(privateMetadata: string | undefined): ModalMetadata {
  try {
    const parsed: unknown = JSON.parse(privateMetadata ?? '');
    if (typeof parsed === 'object' && parsed !== null) {
      const { mode, alertId } = parsed as Record<string, unknown>;
      if (mode === 'edit' && typeof alertId === 'string' && alertId !== '') return { mode: 'edit', alertId };
    }
  } catch {
    // fall through: a modal we did not build, or none
  }
  return { mode: 'create', alertId: null };
}

// ---------------------------------------------------------------------------------------------

function errorSummary(errors: Record<string, string> | undefined): KnownBlock[] {
  const entries = Object.entries(errors ?? {});
  if (entries.length === 0) return [];
  const lines = entries.map(([field, message]) => `• ${bold(field)}: ${escapeMrkdwn(message)}`);
  return [section(`⚠️ Please fix:\n${lines.join('\n')}`)];
}

function typeInput(type: string): KnownBlock {
  const options: PlainTextOption[] = [
    { ...option('Alert', 'alert'), description: plain('Sends when its condition holds', SLACK_LIMITS.optionText) },
    { ...option('Report', 'report'), description: plain('Sends every time', SLACK_LIMITS.optionText) },
  ];
  const initial = options.find((o) => o.value === type);
  return input(BLOCK.type, 'Type', { type: 'radio_buttons', action_id: ACTION.typeChanged, options, ...(initial ? { initial_option: initial } : {}) }, { dispatch: true });
}

function dataSourceBlocks(selected: string, names: readonly string[]): KnownBlock[] {
  // An alert keeps a source its editor may no longer pick (the service allows it): list it too.
  const all = selected !== '' && !names.includes(selected) ? [selected, ...names] : [...names];
  if (all.length === 0) return [section('⚠️ No data source is available to you. Ask a Lookout admin to add one or give you access.')];
  const options = all.slice(0, SLACK_LIMITS.selectOptions).map((n) => option(n, n));
  return [input(BLOCK.dataSource, 'Data source', staticSelect(ACTION.value, options, selected, 'Choose a data source'))];
}

/**
 * The Condition section: what the alert checks (a select that re-renders), that kind's options,
 * the comparison (an operator that re-renders, so the threshold is required exactly when the
 * operator compares), the warning level, label columns, pending and keep-firing. Which of them
 * show is modal-visibility.ts's rule.
 */
function conditionBlocks(v: ModalValues): KnownBlock[] {
  const kinds: PlainTextOption[] = MEASURE_KINDS.map((k) => ({
    ...option(MEASURE_LABELS[k].text, k),
    description: plain(MEASURE_LABELS[k].description, SLACK_LIMITS.optionText),
  }));
  const shownFields = CONDITION_FIELDS.filter((f) => isShown(f.block, v));
  const fieldBlocks = (measureOptions: boolean) =>
    shownFields.filter((f) => isMeasureOption(f) === measureOptions).map((f) => fieldBlock(f.block, f.input, v.rules[f.block] ?? f.fallback));
  const operators = v.measureKind === 'value' ? OPERATORS : NUMERIC_OPERATORS;
  const comparison: KnownBlock[] = isShown(BLOCK.conditionOp, v)
    ? [
        input(
          BLOCK.conditionOp,
          comparisonLabel(v.measureKind),
          staticSelect(ACTION.conditionOpChanged, operators.map((op) => option(OPERATOR_LABELS[op] ?? op, op)), v.conditionOp, 'Choose a condition'),
          {
            dispatch: true,
            ...(v.measureKind === 'value' ? { hint: 'Compared with the single value the query returns; "rows exist" / "no rows" look at the row count.' } : {}),
          },
        ),
        input(
          BLOCK.conditionThreshold,
          'Threshold (critical level)',
          { type: 'plain_text_input', action_id: ACTION.value, ...initialText(v.threshold, 100) },
          { optional: !isNumericOperator(v.conditionOp), hint: thresholdHint(v.measureKind, v.conditionOp) },
        ),
      ]
    : [];
  return [
    header('Condition'),
    input(BLOCK.measureKind, 'Check', staticSelect(ACTION.measureChanged, kinds, v.measureKind, 'What to check'), { dispatch: true }),
    ...fieldBlocks(true),
    ...comparison,
    ...fieldBlocks(false),
  ];
}

function contentBlocks(v: ModalValues): KnownBlock[] {
  const kinds = (Object.keys(CONTENT_LABELS) as ContentKind[]).map((k) => option(CONTENT_LABELS[k], k));
  return [
    input(BLOCK.contentKind, 'Attach', staticSelect(ACTION.contentChanged, kinds, v.contentKind, 'What goes with the message'), { dispatch: true }),
    ...CONTENT_FIELDS.filter((f) => isShown(f.block, v)).map((f) => fieldBlock(f.block, f.input, v.content[f.name] ?? f.fallback)),
  ];
}

/** A field drawn from a table (content-fields.ts, condition-fields.ts). */
function fieldBlock(block: string, spec: FieldInput, value: string | boolean): KnownBlock {
  const hint = spec.hint !== undefined ? { hint: spec.hint } : {};
  switch (spec.kind) {
    case 'checkbox':
      return checkbox(block, spec.label, spec.text, value === true, spec.hint);
    case 'select': {
      const selected = String(value);
      const listed = spec.options.some((o) => o.value === selected) || spec.other === undefined || selected.trim() === '';
      const options = [...spec.options, ...(listed ? [] : [{ value: selected, text: spec.other?.(selected) ?? selected }])];
      return input(block, spec.label, staticSelect(ACTION.value, options.map((o) => option(o.text, o.value)), selected, spec.label), hint);
    }
    case 'text': {
      const max = spec.max ?? SLACK_LIMITS.plainTextInput;
      return input(
        block,
        spec.label,
        {
          type: 'plain_text_input',
          action_id: ACTION.value,
          ...(spec.max !== undefined ? { max_length: spec.max } : {}),
          ...(spec.placeholder !== undefined ? { placeholder: plain(spec.placeholder, SLACK_LIMITS.placeholder) } : {}),
          ...initialText(String(value), max),
        },
        { optional: spec.optional ?? false, ...hint },
      );
    }
  }
}

function checkbox(blockId: string, label: string, text: string, checked: boolean, hint?: string): KnownBlock {
  const only = option(text, 'on');
  return input(
    blockId,
    label,
    { type: 'checkboxes', action_id: ACTION.value, options: [only], ...(checked ? { initial_options: [only] } : {}) },
    { optional: true, ...(hint !== undefined ? { hint } : {}) },
  );
}

function numberInput(blockId: string, label: string, value: string, hint: string): KnownBlock {
  return input(blockId, label, { type: 'plain_text_input', action_id: ACTION.value, ...initialText(value, 20) }, { optional: true, hint });
}

