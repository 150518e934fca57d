// A ValidationError's field keys onto the modal's blocks (response_action: errors): each key to the
// block that shows it, or to the nearest block the modal shows for the person's current choices.
import { BLOCK } from '../messages/slack/ids.js';

/** What the modal shows, when it matters for where an error goes (ModalValues fits). */
export interface ErrorRouting {
  type?: string;
  schedulePreset?: string;
  contentKind?: string;
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
  'condition.op': BLOCK.conditionOp,
  'condition.threshold': BLOCK.conditionThreshold,
  'schedule.preset': BLOCK.schedulePreset,
  'schedule.everyMinutes': BLOCK.scheduleEveryMinutes,
  'schedule.minute': BLOCK.scheduleMinute,
  'schedule.time': BLOCK.scheduleTime,
  'schedule.weekday': BLOCK.scheduleWeekday,
  gracePeriodS: BLOCK.gracePeriodS,
  workingTimeoutS: BLOCK.workingTimeoutS,
  logRetentionDays: BLOCK.logRetentionDays,
  'content.kind': BLOCK.contentKind,
  'content.chart': BLOCK.contentChart,
  'content.url': BLOCK.contentUrl,
  'content.linkUrl': BLOCK.contentLinkUrl,
  'content.width': BLOCK.contentWidth,
  'content.height': BLOCK.contentHeight,
  'content.selector': BLOCK.contentSelector,
  'content.csv': BLOCK.contentCsv,
  'content.bom': BLOCK.contentBom,
  'content.keepFormulas': BLOCK.contentKeepFormulas,
  'content.native': BLOCK.contentNative,
  'content.scale': BLOCK.contentScale,
  'content.fullPage': BLOCK.contentFullPage,
  'content.waitFor': BLOCK.contentWaitFor,
  'content.waitForGone': BLOCK.contentWaitForGone,
  messageTemplate: BLOCK.messageTemplate,
  recipients: BLOCK.recipientChannels,
  emailFallback: BLOCK.emailFallback,
  notifyOnRecovery: BLOCK.notifyOnRecovery,
};

/**
 * When a block is shown only for some choices (the modal's rules, kept in step by a test that
 * renders every combination): the choice it needs, and the always-shown block to use instead.
 */
const CONDITIONAL: Record<string, { when: (s: ErrorRouting) => boolean | undefined; instead: string }> = {
  [BLOCK.conditionOp]: { when: (s) => isOr(s.type, 'alert'), instead: BLOCK.type },
  [BLOCK.conditionThreshold]: { when: (s) => isOr(s.type, 'alert'), instead: BLOCK.type },
  [BLOCK.notifyOnRecovery]: { when: (s) => isOr(s.type, 'alert'), instead: BLOCK.emailFallback },
  [BLOCK.scheduleEveryMinutes]: { when: (s) => isOr(s.schedulePreset, 'every_minutes'), instead: BLOCK.schedulePreset },
  [BLOCK.scheduleMinute]: { when: (s) => isOr(s.schedulePreset, 'hourly'), instead: BLOCK.schedulePreset },
  [BLOCK.scheduleTime]: { when: (s) => isOr(s.schedulePreset, 'daily', 'weekly'), instead: BLOCK.schedulePreset },
  [BLOCK.scheduleWeekday]: { when: (s) => isOr(s.schedulePreset, 'weekly'), instead: BLOCK.schedulePreset },
  [BLOCK.scheduleCron]: { when: (s) => isOr(s.schedulePreset, 'custom'), instead: BLOCK.schedulePreset },
  [BLOCK.contentChart]: { when: (s) => isOr(s.contentKind, 'chart'), instead: BLOCK.contentKind },
  [BLOCK.contentNative]: { when: (s) => isOr(s.contentKind, 'chart'), instead: BLOCK.contentKind },
  [BLOCK.contentUrl]: { when: (s) => isOr(s.contentKind, 'screenshot'), instead: BLOCK.contentKind },
  [BLOCK.contentLinkUrl]: { when: (s) => isOr(s.contentKind, 'screenshot'), instead: BLOCK.contentKind },
  [BLOCK.contentWidth]: { when: (s) => isOr(s.contentKind, 'screenshot'), instead: BLOCK.contentKind },
  [BLOCK.contentHeight]: { when: (s) => isOr(s.contentKind, 'screenshot'), instead: BLOCK.contentKind },
  [BLOCK.contentSelector]: { when: (s) => isOr(s.contentKind, 'screenshot'), instead: BLOCK.contentKind },
  [BLOCK.contentScale]: { when: (s) => isOr(s.contentKind, 'screenshot'), instead: BLOCK.contentKind },
  [BLOCK.contentFullPage]: { when: (s) => isOr(s.contentKind, 'screenshot'), instead: BLOCK.contentKind },
  [BLOCK.contentWaitFor]: { when: (s) => isOr(s.contentKind, 'screenshot'), instead: BLOCK.contentKind },
  [BLOCK.contentWaitForGone]: { when: (s) => isOr(s.contentKind, 'screenshot'), instead: BLOCK.contentKind },
  [BLOCK.contentCsv]: { when: (s) => isOr(s.contentKind, 'chart', 'screenshot'), instead: BLOCK.contentKind },
  [BLOCK.contentBom]: { when: (s) => isOr(s.contentKind, 'csv', 'chart', 'screenshot'), instead: BLOCK.contentKind },
  [BLOCK.contentKeepFormulas]: { when: (s) => isOr(s.contentKind, 'csv', 'chart', 'screenshot'), instead: BLOCK.contentKind },
};

/** Whether `value` is one of `options`; undefined when the value is not known. */
function isOr(value: string | undefined, ...options: string[]): boolean | undefined {
  return value === undefined ? undefined : options.includes(value);
}

/**
 * Service field errors → `{ block_id: message }` for `response_action: 'errors'`. Every key lands
 * on a block the modal shows: a key without a block of its own goes to the nearest one
 * (`owners.2` → owners, `recipients.3.id` → channels or people by position, `schedule.cron` →
 * the preset unless it is custom, an unknown key → the name block, prefixed with the key). Two
 * messages for one block are joined. Pass the submitted ModalValues as `shown` so errors find
 * the blocks actually on screen; without it, an error for a block shown only for some choices
 * (condition, preset fields, chart, screenshot fields) goes to the always-shown block that
 * makes that choice (type, preset, content kind), since Slack refuses the whole response when
 * one block_id is not in the view.
 */
export function fieldErrorsToBlockErrors(fieldErrors: Record<string, string>, shown: ErrorRouting = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(fieldErrors)) {
    const preferred = preferredBlock(key, shown);
    const block = preferred === null ? BLOCK.name : visibleBlock(preferred, shown);
    const text = preferred === null ? `${key}: ${message}` : message;
    const before = out[block];
    out[block] = before === undefined ? text : `${before}; ${text}`;
  }
  return out;
}

function visibleBlock(block: string, shown: ErrorRouting): string {
  const rule = CONDITIONAL[block];
  if (rule === undefined) return block;
  // Unknown means not shown: Slack refuses the whole answer if one block_id is not in the view.
  return rule.when(shown) === true ? block : rule.instead;
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
  if (key.startsWith('condition.')) return BLOCK.conditionOp;
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
