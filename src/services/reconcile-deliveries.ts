// Reconciliation (DESIGN.md, "Reconciliation"): a Slack post that timed out is recorded with an
// unknown outcome and never re-sent, yet it has often arrived. A sweep (every minute, and soon
// after Slack answers a send again) looks for each such message of the last day by its metadata
// and records what it finds: found → delivered, with its ts (the execution's state refolded, the
// open incident's thread adopted so repeats thread again, the first message rewritten); not
// there once Slack had time to finish → missing (ERROR), owners told; Slack not answering for
// the give-up time → gave up, owners told. domain/reconcile.ts decides; this carries it out.
// Email recipients are not looked up (a mail server keeps no list Lookout could ask).
//
// Two sweeps may run at once (two instances, or a nudge beside the scheduled one): the store's
// reconcileDelivery changes a record only while it is still unknown and unreconciled, so one
// sweep wins each record, and only the winner tells the owners or touches the alert.
import { stopwatch, type Clock } from '../clock.js';
import {
  decideReconcile,
  firingReportOf,
  firstMessageToRewrite,
  foldReconciled,
  latestOfIncident,
  planLookup,
  RECONCILE_RULES,
  threadToAdopt,
  type ReconcileRules,
} from '../domain/reconcile.js';
import { shouldNotifyOwners } from '../domain/throttle.js';
import type { Alert, DeliveryRecord, Execution } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { MessageKind } from '../messages/outgoing.js';
import type { Store } from '../store/port.js';
import type { SentMessages } from './delivery-port.js';
import type { DeliveryNews, DeliveryNotices } from './notify-owners.js';

export interface ReconcileSettings extends ReconcileRules {
  /** Sends older than this are not looked at any more (unknownDeliveries' window). */
  windowMs: number;
  /** Executions read per page. */
  batch: number;
  /** Executions one sweep looks at, at most; the next sweep goes on. */
  maxPerSweep: number;
  /** A sweep starts no look-up after running this long (a slow Slack); the next sweep goes on. */
  budgetMs: number;
  /** How soon after Slack answers a send again the sweep runs (when sends wait to be looked up). */
  nudgeDelayMs: number;
  /** Sweeps started that way are at least this far apart (each may ask Slack about every waiting send). */
  nudgeGapMs: number;
}

export const RECONCILE_SETTINGS: ReconcileSettings = {
  ...RECONCILE_RULES,
  windowMs: 24 * 3_600_000,
  batch: 50,
  maxPerSweep: 500,
  budgetMs: 45_000,
  nudgeDelayMs: 2_000,
  nudgeGapMs: 15_000,
};

/** The messages a tick sends its recipients; notices to owners (in the same DMs, with the same execution id) are not among them. */
const RECIPIENT_KINDS: readonly MessageKind[] = ['firing', 'repeat', 'resolved', 'report'];
/** One look-up, or one first-message rewrite, waits for Slack this long at most. */
const LOOKUP_TIMEOUT_MS = 30_000;
/** Runs of the alert read to find the threads a send may have replied in and the incident's latest value. */
const HISTORY_READ = 50;

export interface ReconcileDeps {
  store: Pick<Store, 'unknownDeliveries' | 'reconcileDelivery' | 'getExecution' | 'getAlert' | 'history' | 'saveRuntime'>;
  sent: SentMessages;
  notices: DeliveryNotices;
  clock: Clock;
  logger: Logger;
  settings?: Partial<ReconcileSettings>;
}

export interface SweepSummary {
  /** Executions looked at. */
  executions: number;
  found: number;
  missing: number;
  gaveUp: number;
  /** Records left for a later sweep (not found yet, Slack not answering yet). */
  waiting: number;
  /** Records this sweep decided but another sweep had already recorded. */
  lost: number;
}

export interface Reconciler {
  /** One sweep; a sweep already running on this instance is joined, not doubled. */
  sweep(): Promise<SweepSummary>;
  /**
   * A tick's deliveries: an unknown Slack send is to be looked up, and a Slack send that went
   * through means Slack answers again, so a sweep soon may find what waits (not only at the minute).
   */
  onSends(deliveries: readonly DeliveryRecord[]): void;
  /** Cancels a pending nudge and waits for a running sweep. */
  stop(): Promise<void>;
}

export function createReconciler(deps: ReconcileDeps): Reconciler {
  const { store, sent, clock, logger } = deps;
  const settings: ReconcileSettings = { ...RECONCILE_SETTINGS, ...deps.settings };
  let running: Promise<SweepSummary> | null = null;
  /** Sends wait to be looked up: the last sweep left some, or a tick has recorded one since. */
  let waiting = false;
  let nudgeTimer: ReturnType<typeof setTimeout> | null = null;
  let lastNudged: (() => number) | null = null;
  let stopped = false;

  function sweep(): Promise<SweepSummary> {
    running ??= sweepOnce().finally(() => {
      running = null;
    });
    return running;
  }

  async function sweepOnce(): Promise<SweepSummary> {
    const summary: SweepSummary = { executions: 0, found: 0, missing: 0, gaveUp: 0, waiting: 0, lost: 0 };
    waiting = false;
    const elapsed = stopwatch();
    const seen = new Set<string>();
    let since = new Date(clock().getTime() - settings.windowMs);
    // Pages on by start time: executions left waiting stay in the store's answer, and must not
    // keep the ones after them from being looked at.
    while (summary.executions < settings.maxPerSweep && elapsed() < settings.budgetMs && !stopped) {
      const page = await store.unknownDeliveries(since, settings.batch);
      const fresh = page.filter((e) => !seen.has(e.id));
      for (const execution of fresh) {
        if (summary.executions >= settings.maxPerSweep || elapsed() >= settings.budgetMs || stopped) break;
        seen.add(execution.id);
        summary.executions += 1;
        try {
          await reconcileExecution(execution, summary);
        } catch (err) {
          logger.warn({ err, executionId: execution.id, alertId: execution.alertId }, 'could not reconcile the deliveries of an execution; the next sweep tries again');
        }
      }
      const last = page[page.length - 1];
      if (page.length < settings.batch || fresh.length === 0 || last === undefined) break;
      since = last.startedAt;
    }
    waiting ||= summary.waiting > 0;
    if (summary.executions > 0) logger.info({ ...summary }, 'reconciled deliveries whose outcome was unknown');
    return summary;
  }

  async function reconcileExecution(execution: Execution, summary: SweepSummary): Promise<void> {
    const alert = await store.getAlert(execution.alertId);
    // Deleting an alert deletes its executions: nothing is left to correct or to tell.
    if (alert === null) return;
    const looked = execution.deliveries.map((record) => ({ record, plan: planLookup(record, alert) }));
    if (!looked.some((l) => l.plan.kind === 'look')) return;

    const history = await store.history(alert.id, HISTORY_READ);
    const endedAt = execution.finishedAt ?? execution.sendStartedAt ?? execution.startedAt;
    const from = execution.sendStartedAt ?? execution.startedAt;
    const news: Record<DeliveryNews['outcome'], { recipients: string[]; why: string | null }> = { missing: { recipients: [], why: null }, gave_up: { recipients: [], why: null } };

    for (const { record, plan } of looked) {
      if (plan.kind === 'leave') continue;
      const signal = AbortSignal.timeout(LOOKUP_TIMEOUT_MS);
      const answer = await sent.find(
        plan.recipient,
        {
          executionId: execution.id,
          kinds: RECIPIENT_KINDS,
          from,
          until: new Date(endedAt.getTime() + settings.settleMs),
          threads: threadsToSearch(alert, execution, record.recipient, history),
        },
        signal,
      );
      const step = decideReconcile({ record, endedAt, now: clock(), answer, rules: settings });
      if (step.kind === 'wait') {
        summary.waiting += 1;
        continue;
      }
      if (!(await recordReconciled(execution.id, step.record))) {
        // Another sweep recorded it first (and carries on with this execution): leave the rest to
        // that one, telling the owners only of what this one recorded.
        summary.lost += 1;
        break;
      }
      switch (step.record.reconciled) {
        case 'found':
          summary.found += 1;
          await followIncident(execution, step.record, answer.kind === 'found' && answer.reply, history);
          break;
        case 'missing':
          summary.missing += 1;
          news.missing.recipients.push(record.recipient);
          break;
        case 'gave_up':
          summary.gaveUp += 1;
          news.gave_up.recipients.push(record.recipient);
          news.gave_up.why = answer.kind === 'unanswered' ? answer.why : null;
          break;
      }
    }
    for (const outcome of ['missing', 'gave_up'] as const) {
      if (news[outcome].recipients.length > 0) await tellOwners(execution, { outcome, ...news[outcome] });
    }
  }

  /**
   * Records one reconciled record, folding the execution's state from its records as stored now
   * (read again just before, so a record another sweep changed meanwhile is folded in too).
   */
  async function recordReconciled(executionId: string, record: DeliveryRecord): Promise<boolean> {
    const current = await store.getExecution(executionId);
    const stored = current?.deliveries.find((d) => d.recipient === record.recipient);
    // Recorded meanwhile by another sweep: the store's answer below would say so too.
    if (current === null || stored === undefined || !stored.unknown || stored.ok || stored.reconciled !== undefined) return false;
    const records = current.deliveries.map((d) => (d.recipient === record.recipient ? record : d));
    return store.reconcileDelivery(executionId, record, foldReconciled(current, records));
  }

  /**
   * A found message of the alert's open incident: the recipient's thread when it has none yet
   * (repeats thread again), and the incident's first message rewritten to show the alert now.
   */
  async function followIncident(execution: Execution, record: DeliveryRecord, reply: boolean, history: readonly Execution[]): Promise<void> {
    const alert = await store.getAlert(execution.alertId);
    if (alert === null) return;
    const thread = threadToAdopt(alert, execution, record);
    if (thread !== null) {
      // Read just above and merged: a tick finishing in between could still write its own threads.
      await store.saveRuntime(alert.id, { threads: { ...alert.threads, [record.recipient]: thread } });
      logger.info({ alertId: alert.id, executionId: execution.id, recipient: record.recipient }, 'a message found afterwards is the thread of its incident again');
    }
    const now = thread === null ? alert : { ...alert, threads: { ...alert.threads, [record.recipient]: thread } };
    const latest = latestOfIncident(now, history);
    const first = record.ref === null ? null : firstMessageToRewrite(now, { execution, ref: record.ref, reply, recipient: record.recipient }, latest);
    if (first === null || latest === null) return;
    const status = { alert: now, value: latest.value, at: latest.finishedAt ?? latest.startedAt, series: firingReportOf(now, latest) };
    const note = await sent.showFiring(first, status, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
    if (note !== null) logger.warn({ alertId: alert.id, note }, 'could not rewrite the first message of the incident');
  }

  /** The owners hear of it under the same throttle as error notices (not again within the grace period, at least an hour). */
  async function tellOwners(execution: Execution, news: DeliveryNews): Promise<void> {
    const alert = await store.getAlert(execution.alertId);
    if (alert === null) return;
    const now = clock();
    if (!shouldNotifyOwners(alert.lastErrorNoticeAt, now, alert.gracePeriodS)) {
      logger.info({ alertId: alert.id, executionId: execution.id, outcome: news.outcome }, 'owners were told of an error lately; not telling them again');
      return;
    }
    await store.saveRuntime(alert.id, { lastErrorNoticeAt: now });
    const told = await deps.notices(alert, execution, news);
    logger.info({ alertId: alert.id, executionId: execution.id, outcome: news.outcome, told }, 'told the owners of a send that did not arrive or could not be checked');
  }

  return {
    sweep,
    onSends(deliveries) {
      const slack = deliveries.filter((d) => !d.recipient.startsWith('email:'));
      if (slack.some((d) => d.unknown && !d.ok)) waiting = true;
      const answered = slack.some((d) => d.ok && d.fallback == null);
      if (stopped || !answered || !waiting || nudgeTimer !== null) return;
      const sinceLast = lastNudged?.() ?? Number.POSITIVE_INFINITY;
      nudgeTimer = setTimeout(
        () => {
          nudgeTimer = null;
          lastNudged = stopwatch();
          sweep().catch((err: unknown) => logger.warn({ err }, 'reconciliation sweep failed'));
        },
        Math.max(settings.nudgeDelayMs, settings.nudgeGapMs - sinceLast),
      );
      nudgeTimer.unref();
    },
    async stop() {
      stopped = true;
      if (nudgeTimer !== null) clearTimeout(nudgeTimer);
      nudgeTimer = null;
      await running?.catch(() => undefined);
    },
  };
}

/**
 * Threads a send may have replied in: the recipient's thread in the open incident, and the ref
 * of its latest earlier delivered message (a repeat or recovery replied under it; the incident
 * may have closed since, taking its thread off the alert).
 */
function threadsToSearch(alert: Alert, execution: Execution, recipient: string, history: readonly Execution[]): string[] {
  const threads: string[] = [];
  const current = alert.threads[recipient];
  if (current !== undefined) threads.push(current);
  const earlier = history.find((e) => e.scheduledAt < execution.scheduledAt && e.deliveries.some((d) => d.recipient === recipient && d.ok && d.ref !== null));
  const ref = earlier?.deliveries.find((d) => d.recipient === recipient && d.ok)?.ref;
  if (ref !== undefined && ref !== null && ref !== current) threads.push(ref);
  return threads;
}
