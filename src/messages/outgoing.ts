// What services hand to a delivery: one type per kind of message, each carrying only what its
// kind says. Facts, not wording: messages/compose.ts turns one into a MessageDoc, which the Slack
// and email renderers draw. The working time a delivery has is its own argument, not a field.
import type { Attachment } from '../content/port.js';
import type { SeriesReport } from '../domain/decide-result.js';
import type { MessagePrompt } from '../domain/triage.js';
import type { Alert, Cell, QueryResult } from '../domain/types.js';

/** The step of an execution that failed, for owner notices. */
export type FailedStep = 'query' | 'condition' | 'delivery';

/** Where and when: every message names its alert, execution and tick. */
export interface MessageContext {
  alert: Alert;
  executionId: string;
  scheduledAt: Date;
  /** When the evaluation ran (shown in the alert's timezone). */
  evaluatedAt: Date;
}

/** What the query gave and what was made of it, for messages that show content. */
export interface ResultContent {
  result: QueryResult;
  /** Files made once per execution (chart or screenshot PNG, CSV), in the order to send them. */
  attachments: Attachment[];
  /** Why content the alert asks for is missing (e.g. "The screenshot is missing: …"). */
  contentNotes: string[];
}

/** Who a firing message mentions (issue 4/6): fixed per level, and people named in the firing rows. */
export interface Mentions {
  /** Slack user ids (U…, W…). */
  users: string[];
  /** Slack user group ids (S…). */
  groups: string[];
  /** Addresses in the mention column Slack does not know, listed once so someone can fix them. */
  unknown: string[];
}

/** What triage adds to a message (issue 4/6): why it is sent now, and who it calls. */
export interface TriageFacts {
  /** A reminder, or the summary after quiet hours or a mute; absent: a plain result message. */
  prompt?: MessagePrompt | null;
  mentions?: Mentions | null;
}

/** An alert's condition holds: the first message of an incident to this recipient. */
export interface FiringMessage extends MessageContext, ResultContent, TriageFacts {
  kind: 'firing';
  value: string | null;
  /** Which series fired, changed level or resolved (alerts with series or levels); null: one value, as before series. */
  series: SeriesReport | null;
}

/** The condition still holds: a reply in the first message's thread (`threadRef`). */
export interface RepeatMessage extends MessageContext, ResultContent, TriageFacts {
  kind: 'repeat';
  value: string | null;
  threadRef: string;
  /** What the thread's first message shows, as the delivery last said (AlertRuntime.drawn); absent when unknown. */
  threadDrawn?: string;
  series: SeriesReport | null;
}

/** An alert that was firing no longer is; in the incident's thread when there is one. */
export interface ResolvedMessage extends MessageContext, Pick<TriageFacts, 'prompt'> {
  kind: 'resolved';
  value: string | null;
  threadRef: string | null;
  /** As RepeatMessage's. */
  threadDrawn?: string;
  series: SeriesReport | null;
}

/**
 * A new-rows alert's new rows: in Slack one message a row (`rows` holds one) and, when some were
 * left out, one more that counts them (`rows` empty, `more` > 0); by email all of them in one.
 */
export interface NewRowsMessage extends MessageContext {
  kind: 'new_rows';
  columns: string[];
  rows: Cell[][];
  /** New rows left out of this tick's messages (past the alert's maxPerTick). */
  more: number;
  /** New rows this tick in all. */
  total: number;
}

/** A report's scheduled content. */
export interface ReportMessage extends MessageContext, ResultContent {
  kind: 'report';
}

/** To the owners: an execution failed. */
export interface ErrorNotice extends MessageContext {
  kind: 'error_notice';
  error: string;
  failedStep: FailedStep | null;
  /** When the alert last ran without error, if ever. */
  lastGoodRunAt: Date | null;
}

/** To the owners: Slack failed for a recipient and the message went by email instead. */
export interface FallbackNotice extends MessageContext {
  kind: 'fallback_notice';
  /** Which recipients, what Slack said and where the email went. */
  error: string;
}

/**
 * To the owners: a send whose outcome was unknown was looked for afterwards (reconciliation) and
 * did not arrive (`missing`), or Slack could not be asked in time (`gave_up`).
 */
export interface DeliveryNotice extends MessageContext {
  kind: 'delivery_notice';
  outcome: 'missing' | 'gave_up';
  /** Recipient keys ("channel:C…", "user:U…") the message was for. */
  recipients: string[];
  /** Why Lookout could not find out (gave_up); null otherwise. */
  why: string | null;
}

export type OutgoingMessage = FiringMessage | RepeatMessage | ResolvedMessage | ReportMessage | NewRowsMessage | ErrorNotice | FallbackNotice | DeliveryNotice;
export type MessageKind = OutgoingMessage['kind'];

/** Messages to an alert's owners about the alert's runs, not to its recipients (they never fall back to email). */
export function isOwnerNotice(message: OutgoingMessage): message is ErrorNotice | FallbackNotice | DeliveryNotice {
  return message.kind === 'error_notice' || message.kind === 'fallback_notice' || message.kind === 'delivery_notice';
}

/** Messages whose body is the query's content (and whose files go with them). */
export function showsContent(message: OutgoingMessage): message is FiringMessage | RepeatMessage | ReportMessage {
  return message.kind === 'firing' || message.kind === 'repeat' || message.kind === 'report';
}

/** The thread a message replies in, when it replies in one. */
export function threadOf(message: OutgoingMessage): string | null {
  return message.kind === 'repeat' || message.kind === 'resolved' ? message.threadRef : null;
}
