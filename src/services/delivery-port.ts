// The delivery port: send one message to one recipient. One failing recipient never blocks
// another: the caller sends to each and records each outcome on the execution.
// Implementations: slack/ (Slack), email/ (SMTP), routing-delivery.ts (picks one per
// recipient), fallback-delivery.ts (email when Slack fails), recording/log deliveries.
// SentMessages, below, looks a Slack send up afterwards (slack/slack-sent-messages.ts).
import type { Deadline } from '../domain/deadline.js';
import type { SeriesReport } from '../domain/decide-result.js';
import type { LookupAnswer } from '../domain/reconcile.js';
import type { Alert, Recipient } from '../domain/types.js';
import type { MessageKind, OutgoingMessage } from '../messages/outgoing.js';

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
      /** What the thread's first message shows after this send, handed back as the next message's `threadDrawn`. */
      drawn?: string;
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

/** What reconciliation asks for one record: the execution's message to that recipient. */
export interface SentQuery {
  executionId: string;
  /** The kinds of message the execution may have sent the recipient (notices to owners are not among them). */
  kinds: readonly MessageKind[];
  /** When the send started and ended: the message, if it arrived, was posted in between (give or take). */
  from: Date;
  until: Date;
  /** Threads (refs) it may have replied in: the incident's first message as the tick knew it. */
  threads: readonly string[];
}

/** Where an alert stands now, for rewriting an incident's first message. */
export interface FiringStatus {
  alert: Alert;
  value: string | null;
  at: Date;
  series: SeriesReport | null;
}

/**
 * The delivery port's look-ups (Slack only; email keeps nothing to ask): finding a message sent
 * earlier whose outcome was unknown, and rewriting an incident's first message. Never throws.
 */
export interface SentMessages {
  /** Looks for the execution's message to the recipient by the metadata it was posted with. */
  find(recipient: Exclude<Recipient, { kind: 'email' }>, query: SentQuery, signal: AbortSignal): Promise<LookupAnswer>;
  /** Rewrites the first message (`ref`) to show the alert firing now, as a tick's repeat does; a note when it could not. */
  showFiring(ref: string, status: FiringStatus, signal: AbortSignal): Promise<string | null>;
}
