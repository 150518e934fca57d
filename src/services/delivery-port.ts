// The delivery port: send one message to one recipient. One failing recipient never blocks
// another: the caller sends to each and records each outcome on the execution.
// Implementations: slack/ (Slack), email/ (SMTP), routing-delivery.ts (picks one per
// recipient), fallback-delivery.ts (email when Slack fails), recording/log deliveries.
import type { Deadline } from '../domain/deadline.js';
import type { Recipient } from '../domain/types.js';
import type { OutgoingMessage } from '../messages/outgoing.js';

export type DeliveryOutcome =
  | {
      ok: true;
      ref: string | null;
      /** Something went wrong short of failing (a file that did not upload). */
      note: string | null;
      /** The addresses used when the message went by email because Slack failed. */
      fallback?: string | null;
      /** What showed the chart or screenshot: Slack's own chart, the PNG, or none. */
      picture?: 'native' | 'image' | null;
      /** Sent inside a storm digest (Slack): `ref` is the digest's. */
      digest?: boolean;
    }
  | { ok: false; error: string; unknown: boolean };

export interface Delivery {
  /**
   * Sends one message to one recipient; never throws for a delivery failure. `signal` aborts at
   * the execution's working timeout, `deadline` says when that is (the email fallback keeps a share).
   */
  send(recipient: Recipient, message: OutgoingMessage, signal: AbortSignal, deadline?: Deadline): Promise<DeliveryOutcome>;
}

/** Email addresses of Slack users (users.info with users:read.email). */
export interface Directory {
  /** The person's email, or null when unknown or unavailable; never throws. */
  emailOf(userId: string, signal: AbortSignal): Promise<string | null>;
}
