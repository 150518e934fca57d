// Which of the modal's blocks are on screen for the person's choices (type, schedule preset,
// content kind), said once: alert-modal.ts draws by it, and field-errors.ts sends an error for a
// hidden block to the block that makes the choice instead (Slack refuses the whole errors answer
// when one block_id is not in the view). The content options' rules come from content-fields.ts.
import { BLOCK } from '../../messages/slack/ids.js';
import { CONTENT_FIELDS } from './content-fields.js';

/** The choices that show or hide blocks; undefined when not known. ModalValues fits. */
export interface ModalChoices {
  type?: string;
  schedulePreset?: string;
  contentKind?: string;
}

interface Rule {
  shownWhen: (choices: ModalChoices) => boolean;
  /** The always-shown block that makes the choice. */
  instead: string;
}

/** Whether `value` is one of `options`; an unknown choice shows nothing that depends on it. */
const isOr = (value: string | undefined, ...options: readonly string[]): boolean => value !== undefined && options.includes(value);

const alertOnly: Rule = { shownWhen: (c) => isOr(c.type, 'alert'), instead: BLOCK.type };
const preset = (...presets: string[]): Rule => ({ shownWhen: (c) => isOr(c.schedulePreset, ...presets), instead: BLOCK.schedulePreset });

const RULES: Record<string, Rule> = {
  [BLOCK.conditionOp]: alertOnly,
  [BLOCK.conditionThreshold]: alertOnly,
  [BLOCK.notifyOnRecovery]: { ...alertOnly, instead: BLOCK.emailFallback },
  [BLOCK.scheduleEveryMinutes]: preset('every_minutes'),
  [BLOCK.scheduleMinute]: preset('hourly'),
  [BLOCK.scheduleWeekday]: preset('weekly'),
  [BLOCK.scheduleTime]: preset('daily', 'weekly'),
  [BLOCK.scheduleCron]: preset('custom'),
  ...Object.fromEntries(
    CONTENT_FIELDS.map((f): [string, Rule] => [f.block, { shownWhen: (c) => isOr(c.contentKind, ...f.kinds), instead: BLOCK.contentKind }]),
  ),
};

/** Whether the modal shows `block` for these choices (blocks without a rule always show). */
export function isShown(block: string, choices: ModalChoices): boolean {
  const rule = RULES[block];
  return rule === undefined || rule.shownWhen(choices);
}

/** `block` when it is shown, else the always-shown block that makes the choice hiding it. */
export function shownBlockFor(block: string, choices: ModalChoices): string {
  const rule = RULES[block];
  return rule === undefined || rule.shownWhen(choices) ? block : rule.instead;
}
