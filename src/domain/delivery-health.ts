// Which recipients are failing now (DESIGN.md, "Delivery health"): of recent executions, the
// latest delivery to each (alert, recipient) decides. Failing means it did not reach its
// destination as asked: it failed, its outcome is unknown (or was found missing), or Slack
// failed and it went by email instead. Pure: the executions come in, newest or oldest first.
import type { DeliveryRecord, Execution } from './types.js';

export interface FailingRecipient {
  alertId: string;
  /** recipientKey() of the recipient. */
  recipient: string;
  /** Its latest delivery. */
  latest: DeliveryRecord;
  /** When the latest delivery's run finished. */
  at: Date;
  /** When the first failing run of the current streak finished (as far as the executions go back). */
  since: Date;
  /** Failing runs in the streak. */
  runs: number;
  /** The streak goes back to the oldest execution given for this recipient: it may have begun before. */
  orEarlier: boolean;
}

/** A delivery that did not reach its destination as asked. */
export function isFailing(record: DeliveryRecord): boolean {
  if (!record.ok) return true;
  return record.fallback !== undefined && record.fallback !== null && record.fallback !== '';
}

/** Recipients whose latest delivery among `executions` is failing, the most recent failure first. */
export function failingRecipients(executions: readonly Execution[]): FailingRecipient[] {
  const newestFirst = [...executions].sort((a, b) => doneAt(b).getTime() - doneAt(a).getTime() || b.id.localeCompare(a.id));
  /** Per (alert, recipient): its streak while still failing; null once an older success ended it. */
  const streaks = new Map<string, FailingRecipient | null>();
  const order: string[] = [];
  for (const e of newestFirst) {
    for (const record of e.deliveries) {
      const key = `${e.alertId}\u0000${record.recipient}`;
      const streak = streaks.get(key);
      if (streak === undefined) {
        order.push(key);
        const at = doneAt(e);
        streaks.set(key, isFailing(record) ? { alertId: e.alertId, recipient: record.recipient, latest: record, at, since: at, runs: 1, orEarlier: true } : null);
      } else if (streak !== null && streak.orEarlier) {
        if (isFailing(record)) {
          streak.since = doneAt(e);
          streak.runs += 1;
        } else {
          streak.orEarlier = false;
        }
      }
    }
  }
  return order.map((key) => streaks.get(key)).filter((s): s is FailingRecipient => s !== null && s !== undefined);
}

function doneAt(e: Execution): Date {
  return e.finishedAt ?? e.startedAt;
}
