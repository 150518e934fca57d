// Which of the modal's blocks are on screen for the person's choices (type, what the alert
// checks and its operator, schedule preset, content kind, reminder mode), said once: alert-modal.ts draws by it,
// and field-errors.ts sends an error for a hidden block to the block that makes the choice
// instead (Slack refuses the whole errors answer when one block_id is not in the view). The
// content and condition options' rules come from content-fields.ts and condition-fields.ts.
import { BLOCK } from '../../messages/slack/ids.js';
import { CONDITION_FIELDS, conditionFieldShown, measureCompares } from './condition-fields.js';
import { CONTENT_FIELDS } from './content-fields.js';

/** The choices that show or hide blocks; undefined when not known. ModalValues fits. */
export interface ModalChoices {
  type?: string;
  /** What an alert checks: value, row_count, freshness, change, new_rows. */
  measureKind?: string;
  conditionOp?: string;
  schedulePreset?: string;
  contentKind?: string;
  /** How a firing alert reminds: grace or backoff (backoff shows its three fields). */
  triage?: { reminderMode?: string };
}

interface Rule {
  shownWhen: (choices: ModalChoices) => boolean;
  /** The block that makes the choice (itself shown, or routed on by its own rule). */
  instead: string;
}

/** Whether `value` is one of `options`; an unknown choice shows nothing that depends on it. */
const isOr = (value: string | undefined, ...options: readonly string[]): boolean => value !== undefined && options.includes(value);

const isAlert = (c: ModalChoices): boolean => isOr(c.type, 'alert');
const alertOnly: Rule = { shownWhen: isAlert, instead: BLOCK.type };
/** The comparison: every measure but new rows. */
const compared: Rule = { shownWhen: (c) => isAlert(c) && measureCompares(c.measureKind), instead: BLOCK.measureKind };
const preset = (...presets: string[]): Rule => ({ shownWhen: (c) => isOr(c.schedulePreset, ...presets), instead: BLOCK.schedulePreset });
/** Backoff's fields: only for reminders with backoff. */
const backoff: Rule = { shownWhen: (c) => compared.shownWhen(c) && c.triage?.reminderMode === 'backoff', instead: BLOCK.remindersMode };
/** Triage (issue 4/6): levels, reminders and level mentions need an alert that fires at a level (not new rows). */
const TRIAGE_RULES: Record<string, Rule> = {
  ...Object.fromEntries(
    [BLOCK.warningChannels, BLOCK.warningUsers, BLOCK.warningEmails, BLOCK.criticalChannels, BLOCK.criticalUsers, BLOCK.criticalEmails, BLOCK.remindersMode].map((b) => [b, compared]),
  ),
  ...Object.fromEntries([BLOCK.mentionWarningUsers, BLOCK.mentionWarningGroups, BLOCK.mentionCriticalUsers, BLOCK.mentionCriticalGroups].map((b) => [b, compared])),
  [BLOCK.remindersFirst]: backoff,
  [BLOCK.remindersFactor]: backoff,
  [BLOCK.remindersCap]: backoff,
  // New rows are sent too: quiet hours and the column's mentions apply to every alert.
  [BLOCK.quietWindows]: alertOnly,
  [BLOCK.quietTimezone]: alertOnly,
  [BLOCK.mentionColumn]: alertOnly,
};

const RULES: Record<string, Rule> = {
  [BLOCK.measureKind]: alertOnly,
  [BLOCK.conditionOp]: compared,
  [BLOCK.conditionThreshold]: compared,
  ...Object.fromEntries(
    CONDITION_FIELDS.map((f): [string, Rule] => [
      f.block,
      {
        shownWhen: (c) => isAlert(c) && conditionFieldShown(f, c.measureKind, c.conditionOp),
        // A warning the operator rules out: the operator; an option of another measure: the measure select.
        instead: f.operators !== undefined ? BLOCK.conditionOp : BLOCK.measureKind,
      },
    ]),
  ),
  // New rows never fire, so they never resolve either.
  [BLOCK.notifyOnRecovery]: { shownWhen: (c) => isAlert(c) && c.measureKind !== 'new_rows', instead: BLOCK.emailFallback },
  [BLOCK.scheduleEveryMinutes]: preset('every_minutes'),
  [BLOCK.scheduleMinute]: preset('hourly'),
  [BLOCK.scheduleWeekday]: preset('weekly'),
  [BLOCK.scheduleTime]: preset('daily', 'weekly'),
  [BLOCK.scheduleCron]: preset('custom'),
  ...Object.fromEntries(
    CONTENT_FIELDS.map((f): [string, Rule] => [f.block, { shownWhen: (c) => isOr(c.contentKind, ...f.kinds), instead: BLOCK.contentKind }]),
  ),
  ...TRIAGE_RULES,
};

/** Whether the modal shows `block` for these choices (blocks without a rule always show). */
export function isShown(block: string, choices: ModalChoices): boolean {
  const rule = RULES[block];
  return rule === undefined || rule.shownWhen(choices);
}

/**
 * `block` when it is shown, else the nearest block that makes the choice hiding it and is shown
 * itself (a warning under ==: the operator; the operator of a report: the type).
 */
export function shownBlockFor(block: string, choices: ModalChoices): string {
  const rule = RULES[block];
  return rule === undefined || rule.shownWhen(choices) ? block : shownBlockFor(rule.instead, choices);
}
