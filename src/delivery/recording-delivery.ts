// Keeps every message in memory instead of sending it: for tests, benchmarks and the demo.
// Failures can be switched on per recipient to exercise the per-recipient rules.
import { systemClock, type Clock } from '../clock.js';
import { recipientKey, type Recipient } from '../domain/types.js';
import type { Delivery, DeliveryOutcome } from '../services/delivery-port.js';
import type { OutgoingMessage } from '../messages/outgoing.js';

export interface RecordedMessage {
  recipient: string;
  message: OutgoingMessage;
  at: Date;
}

export interface RecordingDelivery extends Delivery {
  readonly sent: RecordedMessage[];
  /** Makes sends to this recipient key (e.g. `channel:C1`) fail, or unknown, until cleared. */
  fail(recipient: string, error: string, options?: { unknown?: boolean }): void;
  clearFailures(): void;
  /** Makes every send take this long (ms), honouring the abort signal. */
  setLatency(ms: number): void;
}

export function createRecordingDelivery(clock: Clock = systemClock): RecordingDelivery {
  const sent: RecordedMessage[] = [];
  const failures = new Map<string, { error: string; unknown: boolean }>();
  let latencyMs = 0;
  let counter = 0;

  return {
    sent,
    fail(recipient, error, options) {
      failures.set(recipient, { error, unknown: options?.unknown ?? false });
    },
    clearFailures() {
      failures.clear();
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    async send(recipient: Recipient, message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryOutcome> {
      const key = recipientKey(recipient);
      if (latencyMs > 0) await wait(latencyMs, signal);
      if (signal.aborted) return { ok: false, error: 'stopped by the working timeout', unknown: false };
      const failure = failures.get(key);
      if (failure) return { ok: false, error: failure.error, unknown: failure.unknown };
      sent.push({ recipient: key, message, at: clock() });
      counter += 1;
      return { ok: true, ref: `${key}:${counter}`, note: null };
    },
  };
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
