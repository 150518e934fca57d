// Step 5 of a tick: the content made once, the send mark, one message per recipient, each
// delivered on its own (one failing recipient never blocks another), the outcomes folded into
// the execution's state. Owner notices (notify-owners.ts) go out through deliverOne too.
import { stopwatch, type Clock } from '../clock.js';
import type { ContentRenderer } from '../content/port.js';
import type { Delivery } from './delivery-port.js';
import { recordBy, type Deadline } from '../domain/deadline.js';
import { foldDeliveries, type DeliveryFold } from '../domain/tick.js';
import { recipientKey, type Alert, type DeliveryRecord, type Execution, type QueryResult, type Recipient } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { MessageContext, OutgoingMessage } from '../messages/outgoing.js';
import type { Store } from '../store/port.js';
import { patientStore } from '../store/retry.js';

export interface SendStepDeps {
  store: Pick<Store, 'markSending'>;
  delivery: Delivery;
  /** Renders charts, screenshots and CSV once per execution; without it messages carry no files. */
  content?: ContentRenderer;
  clock: Clock;
  logger: Logger;
}

/** What the decision says to send, and the query result it shows. */
export interface ToSend {
  kind: 'firing' | 'report' | 'resolved';
  value: string | null;
  result: QueryResult;
}

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

  return async (alert, execution, { kind, value, result }, signal, deadline) => {
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
    const messageFor = (recipient: Recipient): OutgoingMessage => {
      const threadRef = alert.threads[recipientKey(recipient)] ?? null;
      switch (kind) {
        case 'report':
          return { ...context, ...shown, kind: 'report' };
        case 'resolved':
          return { ...context, kind: 'resolved', value, threadRef };
        case 'firing':
          // While an incident lasts, a recipient that has its first message gets a reply in its thread.
          return threadRef === null ? { ...context, ...shown, kind: 'firing', value } : { ...context, ...shown, kind: 'repeat', value, threadRef };
      }
    };
    const deliveries = await Promise.all(
      alert.recipients.map((recipient) => deliverOne(deps, recipient, messageFor(recipient), signal, deadline)),
    );
    const deliveryMs = elapsed();
    const fold = foldDeliveries(deliveries);
    // The execution records content that could not be made, next to how delivery went.
    const reason = [fold.reason, ...content.notes].filter((r) => r !== null).join('; ') || null;
    return { deliveries, deliveryMs, captureMs: content.captureMs, state: fold.state, reason };
  };
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
        }
      : { recipient: key, ok: false, unknown: outcome.unknown, error: outcome.error, ref: null, note: null };
  } catch (err) {
    // A delivery must not throw; if one does, the outcome is unknown and never re-sent.
    deps.logger.error({ err, recipient: key }, 'delivery threw');
    return { recipient: key, ok: false, unknown: true, error: 'unexpected delivery failure', ref: null, note: null };
  }
}
