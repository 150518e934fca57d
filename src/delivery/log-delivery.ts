// Writes each message to the log instead of sending it: the delivery used when no Slack or
// SMTP is configured, so a new set-up shows what it would have sent.
import { recipientKey, type Recipient } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { Delivery, DeliveryOutcome } from '../services/delivery-port.js';
import type { OutgoingMessage } from '../messages/outgoing.js';

export function createLogDelivery(logger: Logger): Delivery {
  return {
    async send(recipient: Recipient, message: OutgoingMessage): Promise<DeliveryOutcome> {
      // Ids and states only: query results and values stay out of logs.
      logger.info(
        {
          recipient: recipientKey(recipient),
          kind: message.kind,
          alertId: message.alert.id,
          executionId: message.executionId,
          scheduledAt: message.scheduledAt.toISOString(),
        },
        `would send ${message.kind} of "${message.alert.name}"`,
      );
      return { ok: true, ref: null, note: null };
    },
  };
}
