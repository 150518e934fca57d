// A ValidationError's field keys onto the modal's blocks (response_action: errors): each key to the
// block that shows it, or to the nearest block the modal shows for the person's current choices.
import { BLOCK } from '../messages/slack/ids.js';
import { CONDITION_FIELDS } from './blocks/condition-fields.js';
import { CONTENT_FIELDS } from './blocks/content-fields.js';
import { shownBlockFor, type ModalChoices } from './blocks/modal-visibility.js';
import { ROUTE_BLOCKS, splitAddresses, type RouteValues } from './blocks/triage-fields.js';

/** What the modal shows, when it matters for where an error goes (ModalValues fits). */
export interface ErrorRouting extends ModalChoices {
  timezoneOther?: string;
  /**
   * The recipients in the order modalValuesToAlertInput() lists them: channels, users, emails of
   * every level, then those of warning and of critical (when the modal shows them).
   */
  channels?: readonly string[];
  users?: readonly string[];
  emails?: string;
  triage?: ModalChoices['triage'] & { routes?: Record<'warning' | 'critical', RouteValues> };
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
  // Triage (issue 4/6): the service's keys are the blocks.
  ...Object.fromEntries(
    [
      BLOCK.remindersMode,
      BLOCK.remindersFirst,
      BLOCK.remindersFactor,
      BLOCK.remindersCap,
      BLOCK.quietTimezone,
      BLOCK.quietWindows,
      BLOCK.mentionColumn,
      BLOCK.mentionWarningUsers,
      BLOCK.mentionWarningGroups,
      BLOCK.mentionCriticalUsers,
      BLOCK.mentionCriticalGroups,
    ].map((b) => [b, b]),
  ),
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
  if (key.startsWith('reminders.')) return BLOCK.remindersMode;
  if (key.startsWith('quietHours.')) return BLOCK.quietWindows;
  if (key.startsWith('mentions.warning')) return BLOCK.mentionWarningUsers;
  if (key.startsWith('mentions.')) return BLOCK.mentionCriticalUsers;
  return null;
}

/**
 * `recipients.<i>[.field]`: the position says which list it came from — channels, users, emails
 * of every level, then of warning, then of critical. Without the lists, by field alone.
 */
function recipientBlock(key: string, shown: ErrorRouting): string {
  const [, indexText, field] = key.split('.');
  const index = Number(indexText);
  if (!Number.isInteger(index) || shown.channels === undefined) return field === 'address' ? BLOCK.recipientEmails : BLOCK.recipientChannels;
  const lists: [string, number][] = [
    [BLOCK.recipientChannels, shown.channels.length],
    [BLOCK.recipientUsers, shown.users?.length ?? 0],
    [BLOCK.recipientEmails, splitAddresses(shown.emails ?? '').length],
  ];
  // The level lists count only when the modal sends them (an alert that fires at a level).
  const routes = shown.triage?.routes;
  if (routes !== undefined && shownBlockFor(BLOCK.warningChannels, shown) === BLOCK.warningChannels) {
    for (const level of ['warning', 'critical'] as const) {
      lists.push([ROUTE_BLOCKS[level].channels, routes[level].channels.length], [ROUTE_BLOCKS[level].users, routes[level].users.length], [ROUTE_BLOCKS[level].emails, splitAddresses(routes[level].emails).length]);
    }
  }
  let start = 0;
  for (const [block, count] of lists) {
    if (index < start + count) return block;
    start += count;
  }
  return field === 'address' ? BLOCK.recipientEmails : BLOCK.recipientChannels;
}
