// Routing by level (issue 4/6): which recipients get a message. A recipient without `levels`
// gets every message, as before; one with levels gets firing messages of those levels and, once
// it was told of an incident (it has a thread), the rest of that incident, resolution included.
import { recipientKey, type Level, type Recipient } from './types.js';

export type RoutedKind = 'firing' | 'report' | 'resolved';

export function routedTo(recipients: readonly Recipient[], kind: RoutedKind, level: Level, threads: Record<string, string>): Recipient[] {
  if (kind === 'report') return [...recipients];
  return recipients.filter((r) => {
    const levels = r.levels ?? [];
    if (levels.length === 0) return true;
    if (kind === 'resolved') return threads[recipientKey(r)] !== undefined;
    return levels.includes(level);
  });
}
