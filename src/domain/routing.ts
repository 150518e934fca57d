// Routing by level (issue 4/6): which recipients get a message. A recipient without `levels`
// gets every message, as before; one with levels gets firing messages of those levels and, once
// it was told of an incident (it has a thread), the rest of that incident, resolution included.
import type { SeriesReport } from './decide-result.js';
import { recipientKey, type Alert, type Level, type Recipient } from './types.js';

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

/** The level a run's messages go at: warning when every series it reports is at warning, else critical. */
export function routedLevel(series: SeriesReport | null): Level {
  if (series === null) return 'critical';
  const items = series.firing.length > 0 ? series.firing : series.changes;
  return items.length > 0 && items.every((i) => i.level === 'warning') ? 'warning' : 'critical';
}

/**
 * The incident's first messages that may be drawn again with its status at `level` (after an
 * acknowledgement): those of recipients that take that level. A channel told only of warnings
 * keeps what it was shown when the incident is critical, and a recipient the alert no longer has
 * keeps its message as it was.
 */
export function threadsShowing(alert: Pick<Alert, 'recipients' | 'threads'>, level: Level): Record<string, string> {
  const takes = new Set(routedTo(alert.recipients, 'firing', level, {}).map(recipientKey));
  return Object.fromEntries(Object.entries(alert.threads).filter(([key]) => takes.has(key)));
}
