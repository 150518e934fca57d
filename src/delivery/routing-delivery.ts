// Sends each recipient through the channel that serves it: Slack channels and people
// through Slack, email addresses by email. A channel that is not configured fails that
// recipient with a sentence saying what to set, and never blocks the others.
import type { Recipient } from '../domain/types.js';
import type { Delivery, DeliveryOutcome } from '../services/delivery-port.js';
import type { OutgoingMessage } from '../messages/outgoing.js';
import type { Deadline } from '../domain/deadline.js';

export interface RoutingDeliveryOptions {
  slack: Delivery | null;
  email: Delivery | null;
}

export function createRoutingDelivery(options: RoutingDeliveryOptions): Delivery {
  return {
    send(recipient: Recipient, message: OutgoingMessage, signal: AbortSignal, deadline?: Deadline): Promise<DeliveryOutcome> {
      const target = recipient.kind === 'email' ? options.email : options.slack;
      if (target === null) {
        const missing = recipient.kind === 'email' ? 'SMTP_URL' : 'SLACK_BOT_TOKEN';
        return Promise.resolve({
          ok: false,
          unknown: false,
          error: `${recipient.kind === 'email' ? 'email' : 'Slack'} is not set up on this Lookout (${missing} is not set)`,
        });
      }
      return target.send(recipient, message, signal, deadline);
    },
  };
}
