// What a person is told when something failed (STYLE.md §2.9): the LookoutError's own
// sentence; anything unexpected is logged with its stack and summarised without it.
import { asLookoutError, ValidationError } from '../../errors.js';
import type { Logger } from '../../logger.js';

/** Field keys a command or button can hit (create and edit errors go to the modal instead). */
const FIELD_SUBJECTS: Record<string, string> = { snoozeUntil: 'The snooze end' };

export function problemText(err: unknown, logger: Logger): string {
  const error = asLookoutError(err);
  if (error.code === 'internal') logger.error({ err }, 'Slack handler failed');
  if (error instanceof ValidationError) {
    const lines = Object.entries(error.fieldErrors).map(([key, message]) => `${FIELD_SUBJECTS[key] ?? key} ${message}`);
    return `⚠️ ${lines.join('; ')}.`;
  }
  if (error.code === 'forbidden') return `🚫 Not allowed: ${error.userMessage}`;
  return `⚠️ ${error.userMessage}`;
}
