// A delivery's recipient as people read it. Executions keep recipients by key (recipientKey():
// "channel:C…", "user:U…", "email:…"); history, the doctor and Home show them as a channel, a
// person or the address.
import type { Inline } from './document.js';

export type RecipientRef = { kind: 'channel'; id: string } | { kind: 'user'; id: string } | { kind: 'email'; address: string };

/** The key read back; a key of no known kind is taken as an address (shown as text). */
export function parseRecipientKey(key: string): RecipientRef {
  const colon = key.indexOf(':');
  const kind = colon < 0 ? '' : key.slice(0, colon);
  const rest = colon < 0 ? key : key.slice(colon + 1);
  if (kind === 'channel') return { kind: 'channel', id: rest };
  if (kind === 'user') return { kind: 'user', id: rest };
  return { kind: 'email', address: rest };
}

/** `<#C…>`, `<@U…>` or the address. */
export function recipientInline(ref: RecipientRef): Inline {
  if (ref.kind === 'channel') return { channel: ref.id };
  if (ref.kind === 'user') return { user: ref.id };
  return ref.address;
}
