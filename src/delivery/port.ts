// The delivery port: send one message to one recipient. One failing recipient never blocks
// another: the caller sends to each and records each outcome on the execution.
// Implementations: recording-delivery.ts (tests, demo), log-delivery.ts; Slack and email later.
import type { Alert, QueryResult, Recipient } from '../domain/types.js';

export type MessageKind =
  /** An alert's condition holds. */
  | 'firing'
  /** A report's scheduled content. */
  | 'report'
  /** An alert that was firing no longer is. */
  | 'resolved'
  /** Tells the owners that an execution failed. */
  | 'error_notice';

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
  /** For error notices: what failed, in words. */
  error: string | null;
  /** For repeats and recoveries: the reference of the first firing message to this recipient. */
  threadRef: string | null;
}

export type DeliveryOutcome =
  | { ok: true; ref: string | null; note: string | null }
  | { ok: false; error: string; unknown: boolean };

export interface Delivery {
  /** Sends one message to one recipient; never throws for a delivery failure. */
  send(recipient: Recipient, message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryOutcome>;
}
