// Email as the fallback for a Slack recipient (when the alert asks for it): a Slack delivery
// that failed after its retries goes by email to the person (their Slack profile's address)
// or, for a channel, to the alert's owners. An unknown Slack outcome falls back too: a copy
// by email is better than an alert lost in an outage. Notices to owners never fall back
// here; the tick runner emails owners itself.
import { recipientKey, type Alert, type Recipient } from '../domain/types.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Delivery, DeliveryOutcome, Directory } from '../services/delivery-port.js';
import { isOwnerNotice, type OutgoingMessage } from '../messages/outgoing.js';
import { signalWithin } from './signal-within.js';
import { msLeft, type Deadline } from '../domain/deadline.js';

export interface FallbackDeliveryOptions {
  primary: Delivery;
  email: Delivery;
  directory: Directory;
  logger: Logger;
  clock: Clock;
}

/** The part of the time left that Slack may use before the email fallback goes. */
const PRIMARY_SHARE = 0.6;

export function createFallbackDelivery(options: FallbackDeliveryOptions): Delivery {
  const { primary, email, directory, logger, clock } = options;

  /**
   * Slack retries inside the working timeout (a 30 s outage is waited out); with a fallback it
   * gets the first part of the time left, so the email still has time to go.
   */
  function primaryShare(signal: AbortSignal, deadline: Deadline | undefined): { signal: AbortSignal; done(): void } {
    if (deadline === undefined) return { signal, done: () => undefined };
    return signalWithin(signal, msLeft(deadline, clock()) * PRIMARY_SHARE);
  }

  async function addressesFor(recipient: Recipient, alert: Alert, signal: AbortSignal): Promise<string[]> {
    const people = recipient.kind === 'slack_user' ? [recipient.id] : alert.owners;
    const found = await Promise.all(people.map((id) => directory.emailOf(id, signal)));
    return [...new Set(found.filter((a): a is string => a !== null))];
  }

  return {
    async send(recipient: Recipient, message: OutgoingMessage, signal: AbortSignal, deadline?: Deadline): Promise<DeliveryOutcome> {
      const eligible = !isOwnerNotice(message);
      const mayFallBack = recipient.kind !== 'email' && message.alert.emailFallback && eligible;
      const share = mayFallBack ? primaryShare(signal, deadline) : { signal, done: () => undefined };
      const outcome = await primary.send(recipient, message, share.signal, deadline).finally(share.done);
      if (outcome.ok || recipient.kind === 'email' || !message.alert.emailFallback || !eligible) return outcome;

      const slackError = outcome.unknown ? `${outcome.error} (it may still have reached Slack)` : outcome.error;
      const addresses = await addressesFor(recipient, message.alert, signal);
      if (addresses.length === 0) {
        return { ...outcome, error: `${outcome.error}; no email address was found for the fallback (Slack profile without email, or the users:read.email scope is missing)` };
      }
      // A copy, not a thread reply: email has no Slack thread to join.
      const copy = unthreaded(message);
      const results = await Promise.all(addresses.map((address) => email.send({ kind: 'email', address }, copy, signal, deadline)));
      const sent = addresses.filter((_, i) => results[i]?.ok === true);
      if (sent.length === 0) {
        const why = results.map((r) => (r.ok ? '' : r.error)).filter(Boolean)[0] ?? 'unknown error';
        return { ...outcome, error: `${outcome.error}; the email fallback failed too: ${why}` };
      }
      logger.info({ recipient: recipientKey(recipient), alertId: message.alert.id, to: sent.length }, 'Slack failed; sent by email instead');
      return {
        ok: true,
        ref: null,
        note: `Slack failed (${slackError}); sent by email to ${sent.join(', ')} instead`,
        fallback: sent.join(', '),
      };
    },
  };
}

/** The message as one that stands alone: a repeat becomes a firing message, a recovery loses its thread. */
function unthreaded(message: OutgoingMessage): OutgoingMessage {
  if (message.kind === 'repeat') {
    const { threadRef: _thread, threadDrawn: _drawn, ...rest } = message;
    return { ...rest, kind: 'firing' };
  }
  if (message.kind !== 'resolved') return message;
  const { threadDrawn: _drawn, ...rest } = message;
  return { ...rest, threadRef: null };
}
