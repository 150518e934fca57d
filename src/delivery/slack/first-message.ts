// What an incident's first message in Slack is and shows, as the token the delivery hands back
// with each send (DeliveryOutcome.drawn) and gets again with the next message to that thread
// (`threadDrawn`, kept in AlertRuntime.drawn): whose message it is — this alert's own, a storm
// digest, or another's — and, for its own, a hash of the status last drawn on it without its time
// ('' while it is as first posted, or after a rewrite that failed). Kept with the alert rather than
// in one instance's memory, so that a repeat sent by another instance, or after a restart, neither
// asks Slack whose the message is (conversations.replies) nor rewrites what is already shown
// (chat.update; both Tier 3). The token names its message: one kept for another thread is ignored.
import { createHash } from 'node:crypto';

export type FirstMessage = { owner: 'own'; shown: string } | { owner: 'digest' | 'other' };

export function formatDrawn(ref: string, first: FirstMessage): string {
  return first.owner === 'own' ? `${ref}|own|${first.shown}` : `${ref}|${first.owner}`;
}

/** The token's word on the message `ref`; null when there is none, or it is about another message. */
export function parseDrawn(ref: string, token: string | undefined): FirstMessage | null {
  if (token === undefined || !token.startsWith(`${ref}|`)) return null;
  const rest = token.slice(ref.length + 1);
  if (rest === 'digest' || rest === 'other') return { owner: rest };
  return rest.startsWith('own|') ? { owner: 'own', shown: rest.slice('own|'.length) } : null;
}

/** A short hash of what a status shows (128 bits: tokens are kept on every delivery record). */
export function shownHash(blocks: unknown): string {
  return createHash('sha256').update(JSON.stringify(blocks)).digest('base64url').slice(0, 22);
}
