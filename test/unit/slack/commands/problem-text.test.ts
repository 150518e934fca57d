// What a person reads when a command or button fails: the service's sentence, "Not allowed"
// for permission, field messages with their subject, and never a stack.
import { describe, expect, it } from '@jest/globals';
import { ForbiddenError, LookoutError, NotFoundError, ValidationError } from '../../../../src/errors.js';
import { silentLogger } from '../../../../src/logger.js';
import { problemText } from '../../../../src/slack/commands/problem-text.js';

const logger = silentLogger();

describe('problemText', () => {
  it('says "Not allowed" with the service\'s reason', () => {
    expect(problemText(new ForbiddenError('pause'), logger)).toBe('🚫 Not allowed: Only the owners of this alert and Lookout admins can pause it.');
  });

  it('passes a LookoutError\'s sentence on', () => {
    expect(problemText(new NotFoundError('x'), logger)).toBe('⚠️ No alert or report matches "x". Try `/alert list`.');
    expect(problemText(new LookoutError('forbidden', 'Only Lookout admins can list all alerts.'), logger)).toMatch(/^🚫 Not allowed: Only Lookout admins/);
  });

  it('names the field of a validation error', () => {
    expect(problemText(new ValidationError({ snoozeUntil: 'must be in the future' }), logger)).toBe('⚠️ The snooze end must be in the future.');
  });

  it('hides anything unexpected behind a sentence that points to the log', () => {
    const text = problemText(new TypeError('cannot read properties of undefined'), logger);
    expect(text).toBe('⚠️ Something went wrong inside Lookout; the details are in its log.');
    expect(text).not.toMatch(/TypeError|undefined/);
  });
});
