// Reconciling deliveries whose outcome was unknown (DESIGN.md, "Reconciliation"). A post that
// timed out while Slack was slow has often arrived; nothing was re-sent (that could post twice),
// so Lookout looks for the message later by the metadata every post carries. These rules say
// which records are looked up, what one look-up's answer means given the time, how the
// execution's state follows, and what the alert's open incident gains from a message found.
// services/reconcile-deliveries.ts asks Slack and records what these return.
import type { SeriesReport } from './decide-result.js';
import { isSingleSeries } from './decide-result.js';
import { foldDeliveries } from './tick.js';
import type { Alert, DeliveryRecord, Execution, ExecutionState, Recipient } from './types.js';

export interface ReconcileRules {
  /**
   * A message not found counts as missing only this long after its send ended: Slack may still
   * be working through a request Lookout stopped waiting for.
   */
  settleMs: number;
  /** While Slack cannot be asked, the outcome stays unknown this long after the send ended; then Lookout gives up. */
  giveUpMs: number;
}

export const RECONCILE_RULES: ReconcileRules = { settleMs: 5 * 60_000, giveUpMs: 30 * 60_000 };

/** What Slack said when asked for the message (the look-up's answer). */
export type LookupAnswer =
  /**
   * There: `ref` is what a delivered send records ("<channel>:<ts>", or its thread's when
   * `reply`; a storm digest's when `digest`, the message having gone inside one).
   */
  | { kind: 'found'; ref: string; reply: boolean; digest: boolean }
  /** Slack answered and the message is not where it would be. */
  | { kind: 'absent' }
  /** Slack could not be asked or gave no full answer (down, slow, a missing *:history scope). */
  | { kind: 'unanswered'; why: string };

/** Whether a record is looked up: only unknown Slack sends, one message each. */
export type LookupPlan = { kind: 'look'; recipient: Exclude<Recipient, { kind: 'email' }> } | { kind: 'leave'; why: string };

export function planLookup(record: DeliveryRecord, alert: Pick<Alert, 'measure'>): LookupPlan {
  if (record.ok || !record.unknown || record.reconciled !== undefined) return { kind: 'leave', why: 'its outcome is known' };
  const recipient = recipientOfKey(record.recipient);
  if (recipient === null) return { kind: 'leave', why: 'not a recipient Lookout knows' };
  if (recipient.kind === 'email') return { kind: 'leave', why: 'a mail server keeps no list of what it accepted that Lookout could ask' };
  // New rows go to Slack as several messages of one execution; finding one would not say the rest went.
  if (alert.measure.kind === 'new_rows') return { kind: 'leave', why: 'new rows go as several messages, which one record cannot account for' };
  return { kind: 'look', recipient };
}

export interface ReconcileInput {
  record: DeliveryRecord;
  /** When the send ended (the execution finished): settling and giving up count from here. */
  endedAt: Date;
  now: Date;
  answer: LookupAnswer;
  rules: ReconcileRules;
}

export type ReconcileStep =
  /** Nothing to record yet: look again at the next sweep. */
  | { kind: 'wait' }
  /** The record as it now stands; `tell`: the owners hear of it (the message is lost or may be). */
  | { kind: 'record'; record: DeliveryRecord; tell: boolean };

export const FOUND_NOTE = 'Slack did not answer in time; Lookout found the message afterwards';

export function decideReconcile({ record, endedAt, now, answer, rules }: ReconcileInput): ReconcileStep {
  const age = now.getTime() - endedAt.getTime();
  const was = record.error ?? 'no answer';
  switch (answer.kind) {
    case 'found':
      return {
        kind: 'record',
        record: {
          ...record,
          ok: true,
          unknown: false,
          error: null,
          ref: answer.ref,
          note: joinNotes(record.note, FOUND_NOTE),
          reconciled: 'found',
          ...(answer.digest ? { digest: true } : {}),
        },
        tell: false,
      };
    case 'absent':
      if (age < rules.settleMs) return { kind: 'wait' };
      return {
        kind: 'record',
        record: { ...record, ok: false, unknown: false, error: `did not arrive (${was}); Lookout looked for it afterwards and it is not there, and did not send it again`, reconciled: 'missing' },
        tell: true,
      };
    case 'unanswered':
      if (age < rules.giveUpMs) return { kind: 'wait' };
      return {
        kind: 'record',
        record: { ...record, error: `${was}; Lookout could not find out afterwards whether it arrived (${answer.why})`, reconciled: 'gave_up' },
        tell: true,
      };
  }
}

/**
 * The execution's state and reason once `records` replace its deliveries. A recovery stays NOOP
 * however its messages went (as a tick records it). Content notes the tick appended after the
 * delivery reason ("The screenshot is missing: …") are kept.
 */
export function foldReconciled(execution: Pick<Execution, 'state' | 'reason' | 'deliveries'>, records: DeliveryRecord[]): { state: ExecutionState; reason: string | null } {
  if (execution.state === 'NOOP') return { state: 'NOOP', reason: execution.reason };
  const before = foldDeliveries(execution.deliveries).reason;
  const reason = execution.reason ?? '';
  const rest = before !== null && reason.startsWith(before) ? reason.slice(before.length).replace(/^; /, '') : before === null ? reason : '';
  const after = foldDeliveries(records);
  return { state: after.state, reason: [after.reason, rest].filter((r): r is string => r !== null && r !== '').join('; ') || null };
}

/**
 * The thread a found message gives its recipient: while the alert's incident that the message
 * belongs to is still open and the recipient has no thread yet — the rule foldRuntime applies to
 * a firing message delivered in time, so repeats thread under it again. A recovery and a
 * report give none.
 */
export function threadToAdopt(
  alert: Pick<Alert, 'type' | 'firingSince' | 'threads'>,
  execution: Pick<Execution, 'scheduledAt' | 'state'>,
  record: Pick<DeliveryRecord, 'recipient' | 'ref' | 'ok'>,
): string | null {
  if (!inOpenIncident(alert, execution) || !record.ok || record.ref === null) return null;
  return alert.threads[record.recipient] === undefined ? record.ref : null;
}

/**
 * The incident's first message to rewrite with where the alert stands now (as a tick's repeat
 * does), after a message of that incident was found: a reply in its thread (the tick could not
 * follow it with the rewrite), or any message after which the alert ran again. Not when the
 * found message is that first message and nothing ran after it: it says the newest already.
 */
export function firstMessageToRewrite(
  alert: Pick<Alert, 'type' | 'firingSince' | 'threads'>,
  found: { execution: Pick<Execution, 'id' | 'scheduledAt' | 'state'>; ref: string; reply: boolean; recipient: string },
  latest: Pick<Execution, 'id'> | null,
): string | null {
  if (!inOpenIncident(alert, found.execution)) return null;
  const thread = alert.threads[found.recipient];
  if (thread === undefined) return null;
  const itself = !found.reply && found.ref === thread;
  return itself && (latest === null || latest.id === found.execution.id) ? null : thread;
}

/** The newest run of the alert's open incident that evaluated it (its value is the one to show), from history newest first. */
export function latestOfIncident<E extends Pick<Execution, 'scheduledAt' | 'state'>>(alert: Pick<Alert, 'firingSince'>, history: readonly E[]): E | null {
  const since = alert.firingSince;
  if (since === null) return null;
  return history.find((e) => e.scheduledAt >= since && (e.state === 'SUCCESS' || e.state === 'UNKNOWN' || e.state === 'GRACE' || e.state === 'ERROR')) ?? null;
}

/** The series a run left firing, as the first message's status shows them; null for an alert of one value. */
export function firingReportOf(
  alert: Pick<Alert, 'measure' | 'labels' | 'warning' | 'pendingTicks' | 'keepFiringTicks' | 'series'>,
  execution: Pick<Execution, 'series'>,
): SeriesReport | null {
  if (isSingleSeries(alert)) return null;
  const items = execution.series.map((o) => ({
    key: o.key,
    labels: o.labels,
    event: o.event,
    level: o.level,
    value: o.value,
    reason: o.reason,
    held: alert.series[o.key]?.held ?? 0,
    since: alert.series[o.key]?.since ?? null,
  }));
  return { changes: [], firing: items.filter((_, i) => execution.series[i]?.status === 'firing'), pending: items.filter((i) => i.event === 'pending'), total: items.length };
}

/** The recipient a record's key names (recipientKey's inverse); null for anything else. */
export function recipientOfKey(key: string): Recipient | null {
  const match = /^(channel|user|email):(.+)$/.exec(key);
  if (match === null || match[2] === undefined) return null;
  switch (match[1]) {
    case 'channel':
      return { kind: 'slack_channel', id: match[2] };
    case 'user':
      return { kind: 'slack_user', id: match[2] };
    default:
      return { kind: 'email', address: match[2] };
  }
}

function inOpenIncident(alert: Pick<Alert, 'type' | 'firingSince'>, execution: Pick<Execution, 'scheduledAt' | 'state'>): boolean {
  // A recovery (NOOP) closed its incident; a report has none.
  return alert.type === 'alert' && alert.firingSince !== null && execution.scheduledAt >= alert.firingSince && execution.state !== 'NOOP';
}

function joinNotes(...notes: (string | null)[]): string {
  return notes.filter((n): n is string => n !== null && n !== '').join('; ');
}
