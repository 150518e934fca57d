// The email fallback's share of the time: Slack, retrying through an outage, may use only the
// first 60% of what is left of the working time, so the email still goes while the execution has
// time. The real fallback delivery over deliveries that answer only when told to stop; no timing
// is asserted, only the order of events.
import { describe, expect, it } from '@jest/globals';
import { createFallbackDelivery } from '../../../src/delivery/fallback-delivery.js';
import type { Delivery } from '../../../src/services/delivery-port.js';
import { createRecordingDelivery } from '../../../src/delivery/recording-delivery.js';
import { deadlineAfter } from '../../../src/domain/deadline.js';
import { silentLogger } from '../../../src/logger.js';
import type { OutgoingMessage } from '../../../src/messages/outgoing.js';
import { makeAlert, makeMessage } from '../../support/fixtures.js';

const firing = (emailFallback = true): OutgoingMessage =>
  makeMessage('firing', { alert: makeAlert({ owners: ['U0OWNER01'], emailFallback }), executionId: 'exec-fallback', value: '3' });

/** A Slack that never answers: it gives up when its signal aborts, noting whether the execution's had. */
function silentSlack(execution: AbortSignal) {
  const seen: { executionAbortedWhenSlackStopped: boolean | null } = { executionAbortedWhenSlackStopped: null };
  const slack: Delivery = {
    send: (_recipient, _message, signal) =>
      new Promise((resolve) => {
        const stop = () => {
          seen.executionAbortedWhenSlackStopped = execution.aborted;
          resolve({ ok: false, unknown: true, error: 'Slack did not answer' });
        };
        if (signal.aborted) stop();
        else signal.addEventListener('abort', stop, { once: true });
      }),
  };
  return { slack, seen };
}

function setup(execution: AbortSignal) {
  const { slack, seen } = silentSlack(execution);
  const email = createRecordingDelivery();
  const delivery = createFallbackDelivery({
    primary: slack,
    email,
    directory: { emailOf: async () => 'owner@example.com' },
    clock: () => new Date(),
    logger: silentLogger(),
  });
  return { delivery, email, seen };
}

describe('the email fallback', () => {
  it('stops Slack while the execution still has time, then sends the email', async () => {
    const execution = AbortSignal.timeout(1_000);
    const { delivery, email, seen } = setup(execution);
    const outcome = await delivery.send({ kind: 'slack_channel', id: 'C0ALERTS1' }, firing(), execution, deadlineAfter(new Date(), 1_000));
    expect(seen.executionAbortedWhenSlackStopped).toBe(false);
    expect(outcome).toMatchObject({ ok: true, fallback: 'owner@example.com' });
    expect(email.sent.map((m) => m.recipient)).toEqual(['email:owner@example.com']);
  });

  it('gives Slack the whole time when the alert has no fallback', async () => {
    const execution = AbortSignal.timeout(300);
    const { delivery, email, seen } = setup(execution);
    const outcome = await delivery.send({ kind: 'slack_channel', id: 'C0ALERTS1' }, firing(false), execution, deadlineAfter(new Date(), 300));
    expect(seen.executionAbortedWhenSlackStopped).toBe(true);
    expect(outcome.ok).toBe(false);
    expect(email.sent).toEqual([]);
  });

  it('sends a repeat as a mail of its own: email has no Slack thread to join', async () => {
    const execution = AbortSignal.timeout(1_000);
    const { delivery, email } = setup(execution);
    const repeat = makeMessage('repeat', { alert: makeAlert({ owners: ['U0OWNER01'], emailFallback: true }), threadRef: 'C0ALERTS1:1.2' });
    await delivery.send({ kind: 'slack_channel', id: 'C0ALERTS1' }, repeat, execution, deadlineAfter(new Date(), 1_000));
    expect(email.sent.map((m) => m.message.kind)).toEqual(['firing']);
  });
});
