// Step 5 of a tick: the content made once, the send mark, one message per recipient, each
// delivered on its own (one failing recipient never blocks another), the outcomes folded into
// the execution's state. Owner notices (notify-owners.ts) go out through deliverOne too.
import { stopwatch, type Clock } from '../clock.js';
import type { ContentRenderer } from '../content/port.js';
import type { Delivery } from './delivery-port.js';
import { recordBy, type Deadline } from '../domain/deadline.js';
import { foldDeliveries, type DeliveryFold } from '../domain/tick.js';
import type { SeriesReport } from '../domain/decide-result.js';
import { routedLevel, routedTo } from '../domain/routing.js';
import { rowsOfSeries } from '../domain/series.js';
import type { MessagePrompt } from '../domain/triage.js';
import { recipientKey, type Alert, type Cell, type DeliveryRecord, type Execution, type Level, type QueryResult, type Recipient } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { Mentions, MessageContext, NewRowsMessage, OutgoingMessage } from '../messages/outgoing.js';
import { mentionsFor } from './mentions.js';
import type { PeopleDirectory } from './people-port.js';
import type { Store } from '../store/port.js';
import { patientStore } from '../store/retry.js';

export interface SendStepDeps {
  store: Pick<Store, 'markSending'>;
  delivery: Delivery;
  /** Renders charts, screenshots and CSV once per execution; without it messages carry no files. */
  content?: ContentRenderer;
  clock: Clock;
  logger: Logger;
  /** Who an email in an alert's mention column is in Slack; without it addresses are listed as unknown. */
  people?: PeopleDirectory;
}

/** What the decision says to send, and the query result it shows. */
export type ToSend =
  | {
      kind: 'firing' | 'report' | 'resolved';
      value: string | null;
      result: QueryResult;
      /** The series that changed and fire now (alerts with series or levels); null for one value. */
      series: SeriesReport | null;
      /** Why it goes now when it is not a plain result: a reminder, the summary after a hold. */
      prompt?: MessagePrompt | null;
    }
  /** A new-rows alert's rows (at most its maxPerTick) and how many more were new. */
  | { kind: 'new_rows'; columns: string[]; rows: Cell[][]; more: number };

export interface Sent extends DeliveryFold {
  deliveries: DeliveryRecord[];
  deliveryMs: number;
  /** Time spent on the screenshot or chart, when there was one. */
  captureMs: number | null;
}

export type SendStep = (alert: Alert, execution: Execution, what: ToSend, signal: AbortSignal, deadline: Deadline) => Promise<Sent>;

export function createSendStep(deps: SendStepDeps): SendStep {
  const { store, clock, logger } = deps;
  const stored = patientStore({ clock, logger });

  return async (alert, execution, what, signal, deadline) => {
    if (what.kind === 'new_rows') return sendNewRows(alert, execution, what, signal, deadline);
    const { kind, value, result, series } = what;
    const prompt = what.prompt ?? null;
    const level = routedLevel(series);
    const recipients = routedTo(alert.recipients, kind, level, alert.threads);
    // Routing by level may leave nobody: nothing is made or sent, and history says why.
    if (recipients.length === 0) return { deliveries: [], deliveryMs: 0, captureMs: null, state: 'SUCCESS', reason: `no recipient takes ${level} messages` };
    // Files are made once for every recipient, before anything is sent: a recovery carries none.
    const content =
      kind !== 'resolved' && deps.content !== undefined
        ? await deps.content.render(alert, result, signal)
        : { attachments: [], notes: [], captureMs: null };
    const elapsed = stopwatch();
    // Past this mark a crash leaves the tick UNKNOWN instead of re-sending it blindly.
    await stored('mark the send', recordBy(deadline, clock()), () => store.markSending(execution.id, clock()));
    const context = messageContext(alert, execution, clock());
    const shown = { result, attachments: content.attachments, contentNotes: content.notes };
    const mentions = kind === 'firing' ? await firingMentions(alert, result, series, level, signal) : null;
    const messageFor = (recipient: Recipient): OutgoingMessage => {
      const key = recipientKey(recipient);
      const threadRef = alert.threads[key] ?? null;
      const drawn = alert.drawn[key];
      const threadDrawn = drawn === undefined ? {} : { threadDrawn: drawn };
      switch (kind) {
        case 'report':
          return { ...context, ...shown, kind: 'report' };
        case 'resolved':
          return { ...context, kind: 'resolved', value, threadRef, ...threadDrawn, series, prompt };
        case 'firing':
          // While an incident lasts, a recipient that has its first message gets a reply in its thread.
          return threadRef === null
            ? { ...context, ...shown, kind: 'firing', value, series, prompt, mentions }
            : { ...context, ...shown, kind: 'repeat', value, threadRef, ...threadDrawn, series, prompt, mentions };
      }
    };
    const deliveries = await Promise.all(recipients.map((recipient) => deliverOne(deps, recipient, messageFor(recipient), signal, deadline)));
    const deliveryMs = elapsed();
    const fold = foldDeliveries(deliveries);
    // The execution records content that could not be made, next to how delivery went.
    const reason = [fold.reason, ...content.notes].filter((r) => r !== null).join('; ') || null;
    return { deliveries, deliveryMs, captureMs: content.captureMs, state: fold.state, reason };
  };

  /** The fixed mentions of the level, and the people in the mention column of the firing series' rows. */
  async function firingMentions(alert: Alert, result: QueryResult, series: SeriesReport | null, level: Level, signal: AbortSignal): Promise<Mentions | null> {
    const keys = new Set(series === null ? [''] : series.firing.map((s) => s.key));
    const rows = alert.mentionColumn === null ? [] : rowsOfSeries(result, alert.labels, keys);
    return mentionsFor({ fixed: alert.mentions, level, column: alert.mentionColumn, result: { columns: result.columns, rows } }, deps.people, signal, logger);
  }

  /**
   * New rows: in Slack one message a row, in order, then one counting those left out (a channel
   * reads them as they came); by email one message with them all. A recipient's record is its
   * first failure, saying how many of its messages went before it.
   */
  async function sendNewRows(alert: Alert, execution: Execution, what: Extract<ToSend, { kind: 'new_rows' }>, signal: AbortSignal, deadline: Deadline): Promise<Sent> {
    const elapsed = stopwatch();
    await stored('mark the send', recordBy(deadline, clock()), () => store.markSending(execution.id, clock()));
    const context = messageContext(alert, execution, clock());
    const total = what.rows.length + what.more;
    const all: NewRowsMessage = { ...context, kind: 'new_rows', columns: what.columns, rows: what.rows, more: what.more, total };
    const deliveries = await Promise.all(
      alert.recipients.map(async (recipient) => {
        if (recipient.kind === 'email') return deliverOne(deps, recipient, all, signal, deadline);
        const messages: NewRowsMessage[] = what.rows.map((row) => ({ ...all, rows: [row], more: 0 }));
        if (what.more > 0) messages.push({ ...all, rows: [], more: what.more });
        let last: DeliveryRecord | null = null;
        for (const [i, message] of messages.entries()) {
          last = await deliverOne(deps, recipient, message, signal, deadline);
          if (!last.ok) return { ...last, error: `${last.error ?? 'failed'} (after ${i} of ${messages.length} messages)` };
        }
        return last ?? { recipient: recipientKey(recipient), ok: true, unknown: false, error: null, ref: null, note: null };
      }),
    );
    const fold = foldDeliveries(deliveries);
    return { deliveries, deliveryMs: elapsed(), captureMs: null, state: fold.state, reason: fold.reason };
  }
}

/** What every message of this execution names: the alert, the execution, its tick and when it ran. */
export function messageContext(alert: Alert, execution: Execution, evaluatedAt: Date): MessageContext {
  return { alert, executionId: execution.id, scheduledAt: execution.scheduledAt, evaluatedAt };
}

/** One message to one recipient, as the record the execution keeps; never throws. */
export async function deliverOne(
  deps: { delivery: Delivery; logger: Logger },
  recipient: Recipient,
  message: OutgoingMessage,
  signal: AbortSignal,
  deadline?: Deadline,
): Promise<DeliveryRecord> {
  const key = recipientKey(recipient);
  try {
    const outcome = await deps.delivery.send(recipient, message, signal, deadline);
    return outcome.ok
      ? {
          recipient: key,
          ok: true,
          unknown: false,
          error: null,
          ref: outcome.ref,
          note: outcome.note,
          fallback: outcome.fallback ?? null,
          ...(outcome.picture ? { picture: outcome.picture } : {}),
          ...(outcome.digest === true ? { digest: true } : {}),
          ...(outcome.drawn !== undefined ? { drawn: outcome.drawn } : {}),
        }
      : { recipient: key, ok: false, unknown: outcome.unknown, error: outcome.error, ref: null, note: null };
  } catch (err) {
    // A delivery must not throw; if one does, the outcome is unknown and never re-sent.
    deps.logger.error({ err, recipient: key }, 'delivery threw');
    return { recipient: key, ok: false, unknown: true, error: 'unexpected delivery failure', ref: null, note: null };
  }
}
