// The email fallback's share of the time: Slack, retrying through an outage, may use only the
// first 60% of what is left of the working timeout, so the email still goes in time. The real
// fallback delivery over the in-memory recording delivery (a Slack that never answers in time,
// and an email that does).
import { describe, expect, it } from '@jest/globals';
import { createFallbackDelivery } from '../../../src/delivery/fallback-delivery.js';
import type { OutgoingMessage } from '../../../src/delivery/port.js';
import { createRecordingDelivery } from '../../../src/delivery/recording-delivery.js';
import { silentLogger } from '../../../src/logger.js';
import { makeAlert, makeMessage } from '../slack/support.js';


function firing(deadlineMs: number | undefined, emailFallback = true): OutgoingMessage {
  return makeMessage('firing', {
    alert: makeAlert({ owners: ['U0OWNER01'], emailFallback }),
    executionId: 'exec-fallback',
    value: '3',
    ...(deadlineMs === undefined ? {} : { deadlineMs }),
  });
}

function setup() {
  // Slack down: every send waits until its signal gives up.
  const slack = createRecordingDelivery();
  slack.setLatency(60_000);
  const email = createRecordingDelivery();
  const delivery = createFallbackDelivery({
    primary: slack,
    email,
    directory: { emailOf: async () => 'owner@example.com' },
    logger: silentLogger(),
  });
  return { delivery, email };
}

describe('the email fallback', () => {
  it('stops Slack at 60% of the time left, then sends the email', async () => {
    const { delivery, email } = setup();
    const started = Date.now();
    const outcome = await delivery.send({ kind: 'slack_channel', id: 'C0ALERTS1' }, firing(started + 1_000), AbortSignal.timeout(1_000));
    const took = Date.now() - started;
    expect(outcome).toMatchObject({ ok: true, fallback: 'owner@example.com' });
    expect(email.sent.map((m) => m.recipient)).toEqual(['email:owner@example.com']);
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(950);
  });

  it('gives Slack the whole time when the alert has no fallback', async () => {
    const { delivery, email } = setup();
    const started = Date.now();
    const outcome = await delivery.send({ kind: 'slack_channel', id: 'C0ALERTS1' }, firing(started + 500, false), AbortSignal.timeout(500));
    expect(outcome.ok).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(email.sent).toEqual([]);
  });
});
