// An outgoing message as the document both renderers draw: one builder per kind.
import { firingDoc, reportDoc, resolvedDoc } from './alert-message.js';
import type { MessageDoc } from './document.js';
import { newRowsDoc } from './new-rows-message.js';
import type { OutgoingMessage } from './outgoing.js';
import { deliveryNoticeDoc, errorNoticeDoc, fallbackNoticeDoc } from './owner-notices.js';

export function composeMessage(message: OutgoingMessage): MessageDoc {
  switch (message.kind) {
    case 'firing':
    case 'repeat':
      return firingDoc(message);
    case 'report':
      return reportDoc(message);
    case 'resolved':
      return resolvedDoc(message);
    case 'new_rows':
      return newRowsDoc(message);
    case 'error_notice':
      return errorNoticeDoc(message);
    case 'fallback_notice':
      return fallbackNoticeDoc(message);
    case 'delivery_notice':
      return deliveryNoticeDoc(message);
  }
}
