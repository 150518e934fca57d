// Recipients failing now, for `/alert doctor` and Home: the last day of deliveries read from the
// store (bounded), the latest delivery per (alert, recipient) decides (domain/delivery-health),
// and only alerts the caller may see, still sending to that recipient, are kept.
import { failingRecipients, type FailingRecipient } from '../domain/delivery-health.js';
import { recipientKey, type Alert } from '../domain/types.js';
import type { Store } from '../store/port.js';

/** How far back deliveries are read. */
export const FAILING_WINDOW_MS = 24 * 3600 * 1000;
/** Executions read at most (newest first): one query, bounded whatever the number of alerts. */
export const EXECUTIONS_READ = 1000;
/** Alerts with failing recipients looked up at most (one getAlert each). */
export const ALERTS_CHECKED = 50;

export interface FailingRecipientItem extends FailingRecipient {
  alert: Alert;
}

export interface FailingReport {
  items: FailingRecipientItem[];
  /** Start of the window read. */
  since: Date;
  /** The store held more than was read (executions or alerts): an older failure may be missing. */
  partial: boolean;
}

export interface FailingRecipientsDeps {
  store: Pick<Store, 'deliveriesSince' | 'getAlert'>;
  now: Date;
  /** Whether the caller may see this alert's output (the access rules). */
  visible(alert: Alert): Promise<boolean>;
  /**
   * Reads the only alerts wanted among these ids (Home: the person's own), one query: no
   * getAlert per alert, and no ALERTS_CHECKED bound (the ids come from a bounded read).
   */
  among?: (ids: readonly string[]) => Promise<Alert[]>;
}

export async function findFailingRecipients(deps: FailingRecipientsDeps): Promise<FailingReport> {
  const since = new Date(deps.now.getTime() - FAILING_WINDOW_MS);
  const executions = await deps.store.deliveriesSince(since, EXECUTIONS_READ);
  const failing = failingRecipients(executions);
  const alertIds = [...new Set(failing.map((f) => f.alertId))];
  const known = deps.among === undefined ? null : new Map((alertIds.length === 0 ? [] : await deps.among(alertIds)).map((a) => [a.id, a]));
  const checked = known === null ? alertIds.slice(0, ALERTS_CHECKED) : alertIds.filter((id) => known.has(id));
  const alerts = new Map<string, Alert>();
  await Promise.all(
    checked.map(async (id) => {
      const alert = known?.get(id) ?? (await deps.store.getAlert(id));
      if (alert !== null && alert !== undefined && (await deps.visible(alert))) alerts.set(id, alert);
    }),
  );
  const partial = executions.length >= EXECUTIONS_READ || (known === null && alertIds.length > checked.length);
  const items = failing.flatMap((f): FailingRecipientItem[] => {
    const alert = alerts.get(f.alertId);
    // A recipient taken off the alert since is no longer its problem.
    const position = alert?.recipients.findIndex((r) => recipientKey(r) === f.recipient) ?? -1;
    if (alert === undefined || position < 0) return [];
    // An alert made within the window has every run in it (unless the read was cut): its streak cannot be older.
    const orEarlier = f.orEarlier && (alert.createdAt.getTime() < since.getTime() || executions.length >= EXECUTIONS_READ);
    return [{ ...f, orEarlier, alert }];
  });
  items.sort((a, b) => a.alert.name.localeCompare(b.alert.name) || a.alert.id.localeCompare(b.alert.id) || recipientIndex(a) - recipientIndex(b));
  return { items, since, partial };
}

function recipientIndex(item: FailingRecipientItem): number {
  return item.alert.recipients.findIndex((r) => recipientKey(r) === item.recipient);
}
