// Step 6 of a tick: the owners hear of an error (when foldRuntime's throttle says so) and of
// every email fallback (their channel missed the message), by DM and by email where email is set
// up and the owner has an address. The notices' own outcomes never change the execution's state.
// Reconciliation (reconcile-deliveries.ts) tells them the same way of a send that turned out
// not to have arrived, or whose outcome could not be found out.
import type { Clock } from '../clock.js';
import type { Delivery } from './delivery-port.js';
import type { Alert, DeliveryRecord, Execution, ExecutionState } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { DeliveryNotice, FailedStep, OutgoingMessage } from '../messages/outgoing.js';
import type { Store } from '../store/port.js';
import { deliverOne, messageContext } from './send-step.js';

export interface OwnerNoticeDeps {
  store: Pick<Store, 'history'>;
  delivery: Delivery;
  /** An owner's email, when email is set up: notices then go by email as well as by DM. */
  ownerEmail?: (userId: string, signal: AbortSignal) => Promise<string | null>;
  clock: Clock;
  logger: Logger;
}

/** What an execution has to tell its owners. */
export interface OwnerNews {
  /** The error to notify, when the throttle lets it through. */
  error: { reason: string; failedStep: FailedStep | null } | null;
  /** The execution's deliveries: any that fell back to email is told. */
  deliveries: readonly DeliveryRecord[];
}

/** Tells the owners what there is to tell; true when any notice reached any owner. */
export type OwnerNotices = (alert: Alert, execution: Execution, news: OwnerNews) => Promise<boolean>;

/** Notices are not bound to the execution's deadline (it may be why they are sent): their own. */
const NOTICE_TIMEOUT_MS = 30_000;

/** States after which the alert counts as having run well (for "last good run" in notices). */
const GOOD_STATES: readonly ExecutionState[] = ['SUCCESS', 'NOOP', 'GRACE'];

/** What reconciliation tells the owners of one execution's sends (a delivery_notice). */
export type DeliveryNews = Pick<DeliveryNotice, 'outcome' | 'recipients' | 'why'>;

/** Tells the owners that sends of an execution did not arrive, or could not be checked; true when any notice reached any owner. */
export type DeliveryNotices = (alert: Alert, execution: Execution, news: DeliveryNews) => Promise<boolean>;

/** A DM to each owner, and an email where email is set up and the owner has an address. */
async function notify(deps: Omit<OwnerNoticeDeps, 'store' | 'clock'>, alert: Alert, message: OutgoingMessage): Promise<boolean> {
  const signal = AbortSignal.timeout(NOTICE_TIMEOUT_MS);
  const results = await Promise.all(
    alert.owners.map(async (owner) => {
      const address = deps.ownerEmail ? await deps.ownerEmail(owner, signal) : null;
      const sends = [deliverOne(deps, { kind: 'slack_user', id: owner }, message, signal)];
      if (address !== null) sends.push(deliverOne(deps, { kind: 'email', address }, message, signal));
      return Promise.all(sends);
    }),
  );
  return results.flat().some((r) => r.ok);
}

export function createDeliveryNotices(deps: Omit<OwnerNoticeDeps, 'store' | 'clock'>): DeliveryNotices {
  // "Evaluated" is when the run started: the notice comes minutes after it.
  return (alert, execution, news) => notify(deps, alert, { ...messageContext(alert, execution, execution.startedAt), kind: 'delivery_notice', ...news });
}

export function createOwnerNotices(deps: OwnerNoticeDeps): OwnerNotices {
  const { clock, logger } = deps;

  /** When the alert last ran without error; a notice is rare, so the log is read here. */
  async function lastGoodRun(alertId: string): Promise<Date | null> {
    try {
      const recent = await deps.store.history(alertId, 200);
      const good = recent.find((e) => GOOD_STATES.includes(e.state));
      return good ? (good.finishedAt ?? good.startedAt) : null;
    } catch (err) {
      logger.warn({ err, alertId }, 'could not read the history for the last good run');
      return null;
    }
  }

  return async (alert, execution, { error, deliveries }) => {
    let notified = false;
    if (error !== null) {
      const context = messageContext(alert, execution, clock());
      const lastGoodRunAt = await lastGoodRun(alert.id);
      notified = await notify(deps, alert, { ...context, kind: 'error_notice', error: error.reason, failedStep: error.failedStep, lastGoodRunAt });
    }
    const fallbacks = deliveries.filter((d) => d.fallback);
    if (fallbacks.length > 0) {
      const what = fallbacks.map((d) => `${d.recipient}: ${d.note ?? `sent by email to ${d.fallback ?? ''}`}`).join('; ');
      const context = messageContext(alert, execution, clock());
      notified = (await notify(deps, alert, { ...context, kind: 'fallback_notice', error: what })) || notified;
    }
    return notified;
  };
}
