// view.state.values (block_id → action_id → value) back into the modal's ModalValues, on every
// re-render and on submit. Blocks the current type, preset or content kind hides are absent.
import type { ViewOutput } from '@slack/bolt';
import { PRESET_MINUTE_STEPS } from '../../domain/schedule.js';
import { ACTION, BLOCK } from '../../messages/slack/ids.js';
import { MEASURE_KINDS, type AlertType } from '../../domain/types.js';
import { CONDITION_FIELDS } from './condition-fields.js';
import { CONTENT_FIELDS, CONTENT_KINDS, type FieldInput } from './content-fields.js';
import { defaultModalValues, FALLBACK, SCHEDULE_PRESET_KINDS, type ModalValues } from './modal-values.js';
import { readTriageValues } from './triage-fields.js';

/** `view.state.values` of a view_submission or block_actions payload. */
export type ViewStateValues = ViewOutput['state']['values'];

/**
 * The form as the person left it. Blocks the current type, measure, operator, preset or content
 * kind hides are absent from the state: their fields get neutral defaults. Unknown option values
 * are ignored.
 */
export function readModalValues(stateValues: ViewStateValues): ModalValues {
  const d = defaultModalValues('', '');
  const get = (block: string, action: string = ACTION.value) => stateValues[block]?.[action];
  const has = (block: string): boolean => stateValues[block] !== undefined;
  const text = (block: string, fallback: string, action?: string): string =>
    has(block) ? (get(block, action)?.value ?? '') : fallback;
  const selected = (block: string, action?: string): string | undefined => get(block, action)?.selected_option?.value ?? undefined;
  const oneOf = <T extends string>(allowed: readonly T[], value: string | undefined, fallback: T): T =>
    value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
  const checked = (block: string, fallback: boolean): boolean =>
    has(block) ? (get(block)?.selected_options ?? []).length > 0 : fallback;

  // A hidden option reads as its fallback: only the chosen kind's options go to the service.
  const readField = (f: { block: string; input: FieldInput; fallback: string | boolean }): string | boolean => {
    switch (f.input.kind) {
      case 'text':
        return text(f.block, String(f.fallback));
      case 'checkbox':
        return checked(f.block, f.fallback === true);
      case 'select':
        return selected(f.block) ?? f.fallback;
    }
  };

  return {
    name: text(BLOCK.name, d.name),
    description: text(BLOCK.description, d.description),
    owners: get(BLOCK.owners)?.selected_users ?? [],
    type: oneOf<AlertType>(['alert', 'report'], selected(BLOCK.type, ACTION.typeChanged), d.type),
    dataSource: selected(BLOCK.dataSource) ?? '',
    sql: text(BLOCK.sql, d.sql),
    measureKind: oneOf(MEASURE_KINDS, selected(BLOCK.measureKind, ACTION.measureChanged), d.measureKind),
    conditionOp: has(BLOCK.conditionOp) ? (selected(BLOCK.conditionOp, ACTION.conditionOpChanged) ?? '') : d.conditionOp,
    threshold: text(BLOCK.conditionThreshold, d.threshold),
    rules: Object.fromEntries(CONDITION_FIELDS.map((f) => [f.block, readField(f)])),
    schedulePreset: oneOf(SCHEDULE_PRESET_KINDS, selected(BLOCK.schedulePreset, ACTION.schedulePresetChanged), d.schedulePreset),
    everyMinutes: oneOf(PRESET_MINUTE_STEPS.map(String), selected(BLOCK.scheduleEveryMinutes, ACTION.scheduleChanged), FALLBACK.everyMinutes),
    minute: selected(BLOCK.scheduleMinute, ACTION.scheduleChanged) ?? FALLBACK.minute,
    time: get(BLOCK.scheduleTime, ACTION.scheduleChanged)?.selected_time ?? FALLBACK.time,
    weekday: selected(BLOCK.scheduleWeekday, ACTION.scheduleChanged) ?? FALLBACK.weekday,
    cron: text(BLOCK.scheduleCron, '', ACTION.scheduleChanged),
    timezone: selected(BLOCK.scheduleTimezone, ACTION.scheduleChanged) ?? '',
    timezoneOther: text(BLOCK.scheduleTimezoneOther, '', ACTION.scheduleChanged),
    gracePeriodS: text(BLOCK.gracePeriodS, ''),
    workingTimeoutS: text(BLOCK.workingTimeoutS, ''),
    logRetentionDays: text(BLOCK.logRetentionDays, ''),
    contentKind: oneOf(CONTENT_KINDS, selected(BLOCK.contentKind, ACTION.contentChanged), d.contentKind),
    content: Object.fromEntries(CONTENT_FIELDS.map((f) => [f.name, readField(f)])),
    messageTemplate: text(BLOCK.messageTemplate, ''),
    channels: get(BLOCK.recipientChannels)?.selected_conversations ?? [],
    users: get(BLOCK.recipientUsers)?.selected_users ?? [],
    emails: text(BLOCK.recipientEmails, ''),
    emailFallback: checked(BLOCK.emailFallback, d.emailFallback),
    notifyOnRecovery: checked(BLOCK.notifyOnRecovery, d.notifyOnRecovery),
    triage: readTriageValues(stateValues),
  };
}
