// The doctor's wording: problems first and counted, then what is fine, then what this build
// does not have.
import { describe, expect, it } from '@jest/globals';
import { doctorText } from '../../../src/slack/diagnose.js';

describe('doctorText', () => {
  it('lists problems first and counts them', () => {
    const text = doctorText({
      findings: [
        { status: 'ok', text: 'Data source “sample” answers.' },
        { status: 'problem', text: 'Lookout is not in #ops.' },
        { status: 'info', text: 'Email (SMTP): email is not set up.' },
        { status: 'problem', text: 'Data source “warehouse” does not answer: refused' },
      ],
    });
    expect(text.split('\n')).toEqual([
      '🩺 *Lookout doctor*: 2 problems.',
      '⚠️ Lookout is not in #ops.',
      '⚠️ Data source “warehouse” does not answer: refused',
      '✅ Data source “sample” answers.',
      'ℹ️ Email (SMTP): email is not set up.',
    ]);
  });

  it('says so when nothing is wrong', () => {
    expect(doctorText({ findings: [{ status: 'ok', text: 'fine' }] })).toMatch(/^✅ \*Lookout doctor\*: nothing wrong found\./);
  });

  it('stays readable when there is a lot to say', () => {
    const findings = Array.from({ length: 200 }, (_, i) => ({ status: 'problem' as const, text: `Lookout is not in #channel-${i}.` }));
    expect(doctorText({ findings }).length).toBeLessThanOrEqual(3500);
  });
});
