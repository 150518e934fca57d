// The delivery port: send one message to one recipient. One failing recipient never blocks
// another: the caller sends to each and records each outcome on the execution.
// Implementations: slack/ (Slack), email/ (SMTP), routing-delivery.ts (picks one per
// recipient), fallback-delivery.ts (email when Slack fails), recording/log deliveries.
import type { Attachment } from '../content/port.js';
import type { Alert, QueryResult, Recipient } from '../domain/types.js';

export type MessageKind =
  /** An alert's condition holds. */
  | 'firing'
  /** A report's scheduled content. */
  | 'report'
  /** An alert that was firing no longer is. */
  | 'resolved'
  /** Tells the owners that an execution failed. */
  | 'error_notice'
  /** Tells the owners that Slack failed for a recipient and email was used instead. */
  | 'fallback_notice';

/** The step of an execution that failed, for owner notices. */
export type FailedStep = 'query' | 'condition' | 'delivery';

export interface OutgoingMessage {
  kind: MessageKind;
  alert: Alert;
  executionId: string;
  scheduledAt: Date;
  /** When the evaluation ran (shown in the alert's timezone). */
  evaluatedAt: Date;
  /** The value shown against the condition, for alerts. */
  value: string | null;
  /** The query result, for content (CSV, chart, table). */
  result: QueryResult | null;
  /** Files rendered once per execution (chart or screenshot PNG, CSV), in the order to send them. */
  attachments: Attachment[];
  /** Why content the alert asks for is missing (e.g. "the screenshot failed: …"); shown in the message. */
  contentNotes: string[];
  /** For error and fallback notices: what failed, in words. */
  error: string | null;
  /** For error notices: which step failed. */
  failedStep: FailedStep | null;
  /** For error notices: when the alert last ran without error, if ever. */
  lastGoodRunAt: Date | null;
  /** For repeats and recoveries: the reference of the first firing message to this recipient. */
  threadRef: string | null;
  /**
   * When the execution's working timeout ends (epoch ms, this process's clock), when known:
   * a delivery that may fall back to email keeps part of the time for it.
   */
  deadlineMs?: number;
}

export type DeliveryOutcome =
  | {
      ok: true;
      ref: string | null;
      /** Something went wrong short of failing (a file that did not upload). */
      note: string | null;
      /** The addresses used when the message went by email because Slack failed. */
      fallback?: string | null;
    }
  | { ok: false; error: string; unknown: boolean };

export interface Delivery {
  /** Sends one message to one recipient; never throws for a delivery failure. */
  send(recipient: Recipient, message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryOutcome>;
}

/** Email addresses of Slack users (users.info with users:read.email). */
export interface Directory {
  /** The person's email, or null when unknown or unavailable; never throws. */
  emailOf(userId: string, signal: AbortSignal): Promise<string | null>;
}
