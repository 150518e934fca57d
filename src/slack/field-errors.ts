// A ValidationError's field keys onto the modal's blocks (response_action: errors): each key to the
// block that shows it, or to the nearest block the modal shows for the person's current choices.
import { BLOCK } from '../messages/slack/ids.js';
import { CONDITION_FIELDS } from './blocks/condition-fields.js';
import { CONTENT_FIELDS } from './blocks/content-fields.js';
import { shownBlockFor, type ModalChoices } from './blocks/modal-visibility.js';

/** What the modal shows, when it matters for where an error goes (ModalValues fits). */
export interface ErrorRouting extends ModalChoices {
  timezoneOther?: string;
  /** The recipients in the order modalValuesToAlertInput() lists them: channels, users, emails. */
  channels?: readonly string[];
  users?: readonly string[];
}

/** Service keys whose block is always the same. */
const DIRECT: Record<string, string> = {
  name: BLOCK.name,
  description: BLOCK.description,
  owners: BLOCK.owners,
  type: BLOCK.type,
  dataSource: BLOCK.dataSource,
  sql: BLOCK.sql,
  'measure.kind': BLOCK.measureKind,
  'condition.op': BLOCK.conditionOp,
  'condition.threshold': BLOCK.conditionThreshold,
  // The warning takes the critical level's operator: a problem with it is the operator's.
  'warning.op': BLOCK.conditionOp,
  ...Object.fromEntries(CONDITION_FIELDS.map((f) => [f.block, f.block])),
  'schedule.preset': BLOCK.schedulePreset,
  'schedule.everyMinutes': BLOCK.scheduleEveryMinutes,
  'schedule.minute': BLOCK.scheduleMinute,
  'schedule.time': BLOCK.scheduleTime,
  'schedule.weekday': BLOCK.scheduleWeekday,
  gracePeriodS: BLOCK.gracePeriodS,
  workingTimeoutS: BLOCK.workingTimeoutS,
  logRetentionDays: BLOCK.logRetentionDays,
  'content.kind': BLOCK.contentKind,
  ...Object.fromEntries(CONTENT_FIELDS.map((f) => [f.block, f.block])),
  messageTemplate: BLOCK.messageTemplate,
  recipients: BLOCK.recipientChannels,
  emailFallback: BLOCK.emailFallback,
  notifyOnRecovery: BLOCK.notifyOnRecovery,
};

/**
 * Service field errors → `{ block_id: message }` for `response_action: 'errors'`. Every key lands
 * on a block the modal shows: a key without a block of its own goes to the nearest one
 * (`owners.2` → owners, `recipients.3.id` → channels or people by position, `schedule.cron` →
 * the preset unless it is custom, an unknown key → the name block, prefixed with the key). Two
 * messages for one block are joined. Pass the submitted ModalValues as `shown` so errors find
 * the blocks actually on screen; without it, an error for a block shown only for some choices
 * (condition, preset fields, chart, screenshot fields) goes to the always-shown block that
 * makes that choice (type, measure, operator, preset, content kind), since Slack refuses the
 * whole response when one block_id is not in the view.
 */
export function fieldErrorsToBlockErrors(fieldErrors: Record<string, string>, shown: ErrorRouting = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(fieldErrors)) {
    const preferred = preferredBlock(key, shown);
    const block = preferred === null ? BLOCK.name : shownBlockFor(preferred, shown);
    const text = preferred === null ? `${key}: ${message}` : message;
    const before = out[block];
    out[block] = before === undefined ? text : `${before}; ${text}`;
  }
  return out;
}

function preferredBlock(key: string, shown: ErrorRouting): string | null {
  if (key === 'schedule.cron') return BLOCK.scheduleCron;
  if (key === 'schedule.timezone') {
    return (shown.timezoneOther ?? '').trim() !== '' ? BLOCK.scheduleTimezoneOther : BLOCK.scheduleTimezone;
  }
  const direct = DIRECT[key];
  if (direct !== undefined) return direct;
  if (key.startsWith('owners.')) return BLOCK.owners;
  if (key.startsWith('recipients.')) return recipientBlock(key, shown);
  if (key.startsWith('condition.') || key.startsWith('warning.')) return BLOCK.conditionOp;
  if (key.startsWith('measure.')) return BLOCK.measureKind;
  if (key.startsWith('schedule.')) return BLOCK.schedulePreset;
  if (key.startsWith('content.')) return BLOCK.contentKind;
  return null;
}

/** `recipients.<i>[.field]`: the position says which list it came from (channels, users, emails). */
function recipientBlock(key: string, shown: ErrorRouting): string {
  const [, indexText, field] = key.split('.');
  if (field === 'address') return BLOCK.recipientEmails;
  const index = Number(indexText);
  if (!Number.isInteger(index) || shown.channels === undefined) return BLOCK.recipientChannels;
  if (index < shown.channels.length) return BLOCK.recipientChannels;
  if (index < shown.channels.length + (shown.users?.length ?? 0)) return BLOCK.recipientUsers;
  return BLOCK.recipientEmails;
}
