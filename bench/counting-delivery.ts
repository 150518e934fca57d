// The scheduler bench's delivery: keeps only which alert sent for which tick (what the bench
// counts), so the bench's own memory does not weigh on the Lookout it measures. The recording
// delivery keeps every message with its alert and rows: 20,000 of them grew the heap by about
// 200 MB, and the profile then showed garbage collection in a quarter of the process's time.
import type { Delivery } from '../src/services/delivery-port.js';

export interface CountingDelivery extends Delivery {
  /** `alertId@scheduledAt (ms)` of each message sent. */
  readonly sent: string[];
}

export function createCountingDelivery(): CountingDelivery {
  const sent: string[] = [];
  return {
    sent,
    async send(_recipient, message, signal) {
      if (signal.aborted) return { ok: false, error: 'stopped by the working timeout', unknown: false };
      sent.push(`${message.alert.id}@${message.scheduledAt.getTime()}`);
      return { ok: true, ref: `bench:${sent.length}`, note: null };
    },
  };
}
