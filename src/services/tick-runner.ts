// One tick end to end: claim, decide (domain/tick.ts), query, send, record. The domain
// decides; this module only carries the decisions out against the ports.
import { stopwatch, type Clock } from '../clock.js';
import type { ContentRenderer, RenderedContent } from '../content/port.js';
import type { DataSourceCatalog } from '../datasources/port.js';
import type { Delivery } from '../delivery/port.js';
import { deadlineAfter, msLeft, recordBy, type Deadline } from '../domain/deadline.js';
import type { FailedStep, MessageContext, OutgoingMessage } from '../messages/outgoing.js';
import { decideOnResult, decideStart, foldDeliveries, foldRuntime, type ResultDecision } from '../domain/tick.js';
import {
  recipientKey,
  type Alert,
  type DeliveryRecord,
  type Execution,
  type ExecutionState,
  type QueryResult,
  type Recipient,
  type Trigger,
} from '../domain/types.js';
import { barredFromSource } from '../domain/access.js';
import { LookoutError, SourceBarredError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ExecutionFinish, RunningExecution, Store } from '../store/port.js';
import { patientStore } from '../store/retry.js';

/** Hooks for metrics and benchmarks; none of them may throw. */
export interface TickObserver {
  evaluationStarted?(alertId: string, scheduledAt: Date, at: Date): void;
  executionFinished?(execution: ExecutionSummary): void;
}

export interface ExecutionSummary {
  alertId: string;
  /** The alert's owners (whose Home tabs show it). */
  owners: readonly string[];
  executionId: string;
  scheduledAt: Date;
  trigger: Trigger;
  state: ExecutionState;
  reason: string | null;
  queryMs: number | null;
  /** Time spent on the screenshot or chart, when there was one. */
  captureMs: number | null;
  deliveryMs: number | null;
  deliveries: DeliveryRecord[];
  ownersNotified: boolean;
}

export interface TickRunnerDeps {
  store: Store;
  dataSources: Pick<DataSourceCatalog, 'get' | 'limits' | 'allowedUsers'>;
  /** Lookout admins, who may use every data source (domain/access.ts). */
  admins?: readonly string[];
  delivery: Delivery;
  clock: Clock;
  instance: string;
  logger: Logger;
  observer?: TickObserver;
  /** Renders charts, screenshots and CSV once per execution; without it messages carry no files. */
  content?: ContentRenderer;
  /** An owner's email, when email is set up: owner notices then go by email as well as by DM. */
  ownerEmail?: (userId: string, signal: AbortSignal) => Promise<string | null>;
}

/** States after which the alert counts as having run well (for "last good run" in notices). */
const GOOD_STATES: readonly ExecutionState[] = ['SUCCESS', 'NOOP', 'GRACE'];

export interface TickRequest {
  alertId: string;
  scheduledAt: Date;
  trigger: Trigger;
}

export interface TickRunner {
  /** Claims the tick and runs it; null when it was already claimed (or the alert is gone). */
  runTick(request: TickRequest): Promise<ExecutionSummary | null>;
  /** Claims the tick without running it (run now: claim in the job, run in the pool); null as for runTick. */
  claim(request: TickRequest): Promise<{ alert: Alert; execution: Execution } | null>;
  /**
   * Runs a tick this instance has already claimed (dispatch, takeover). `running`, when the
   * claim already found it, saves looking up the alert's other WORKING execution again.
   */
  runClaimed(alert: Alert, execution: Execution, running?: RunningExecution | null): Promise<ExecutionSummary>;
}

export function createTickRunner(deps: TickRunnerDeps): TickRunner {
  const { store, clock, logger } = deps;

  const stored = patientStore({ clock, logger });

  async function claim(request: TickRequest): Promise<{ alert: Alert; execution: Execution } | null> {
    const alert = await store.getAlert(request.alertId);
    if (alert === null) return null;
    const execution = await store.claimTick({ ...request, instance: deps.instance, now: clock() });
    return execution === null ? null : { alert, execution };
  }

  async function runTick(request: TickRequest): Promise<ExecutionSummary | null> {
    const claimed = await claim(request);
    return claimed === null ? null : runClaimed(claimed.alert, claimed.execution);
  }

  async function runClaimed(
    alert: Alert,
    execution: Execution,
    known?: RunningExecution | null,
  ): Promise<ExecutionSummary> {
    const now = clock();
    // The working timeout counts from the claim: the one deadline every step below takes from.
    const deadline = deadlineAfter(execution.startedAt, alert.workingTimeoutS * 1000);
    const running =
      known !== undefined
        ? known
        : await stored('find the running execution', recordBy(deadline, now), () => store.runningExecution(alert.id, execution.id));
    const start = decideStart({ alert, trigger: execution.trigger, now, running });
    if (start.kind === 'skip') {
      return finish(alert, execution, deadline, { state: 'SKIPPED', reason: start.reason, finishedAt: clock() }, null, null);
    }
    const previous = start.timeOutPrevious;
    if (previous !== null && running !== null) {
      await stored('time out the previous execution', recordBy(deadline, now), () =>
        store.finishExecution(running.id, { state: previous.state, reason: previous.reason, finishedAt: now }),
      );
    }

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), msLeft(deadline, clock()));
    try {
      deps.observer?.evaluationStarted?.(alert.id, execution.scheduledAt, clock());
      return await evaluate(alert, execution, controller.signal, deadline);
    } finally {
      clearTimeout(timer);
    }
  }

  async function evaluate(
    alert: Alert,
    execution: Execution,
    signal: AbortSignal,
    deadline: Deadline,
  ): Promise<ExecutionSummary> {
    const queryTime = stopwatch();
    let result: QueryResult;
    try {
      result = await runQuery(alert, signal, deadline);
    } catch (err) {
      const reason = signal.aborted
        ? `working timeout: the query was still running after ${alert.workingTimeoutS} s and was cancelled`
        : err instanceof LookoutError
          ? err.userMessage
          : 'the query failed for an unexpected reason; see the Lookout log';
      if (!(err instanceof LookoutError)) logger.error({ err, alertId: alert.id }, 'query failed unexpectedly');
      const queryMs = queryTime();
      return finish(alert, execution, deadline, { state: 'ERROR', reason, queryMs, finishedAt: clock() }, null, null, { failedStep: 'query' });
    }
    const queryMs = queryTime();

    const decision = decideOnResult({ alert, scheduledAt: execution.scheduledAt, trigger: execution.trigger, result });
    const base = { queryMs, rowCount: result.rows.length };
    switch (decision.kind) {
      case 'error':
        return finish(alert, execution, deadline, { ...base, state: 'ERROR', reason: decision.reason, finishedAt: clock() }, decision, null, {
          failedStep: 'condition',
        });
      case 'grace':
        return finish(
          alert,
          execution,
          deadline,
          { ...base, state: 'GRACE', reason: decision.reason, value: decision.value, finishedAt: clock() },
          decision,
          null,
        );
      case 'noop': {
        if (!(decision.recovered && alert.notifyOnRecovery)) {
          return finish(
            alert,
            execution,
            deadline,
            { ...base, state: 'NOOP', reason: decision.reason, value: decision.value, finishedAt: clock() },
            decision,
            null,
          );
        }
        const sent = await sendAll(alert, execution, 'resolved', decision.value, result, signal, deadline);
        return finish(
          alert,
          execution,
          deadline,
          { ...base, deliveries: sent.deliveries, deliveryMs: sent.deliveryMs, state: 'NOOP', reason: `${decision.reason}; resolved`, value: decision.value, finishedAt: clock() },
          decision,
          'resolved',
        );
      }
      case 'send': {
        const sent = await sendAll(alert, execution, decision.message, decision.value, result, signal, deadline);
        const fold = foldDeliveries(sent.deliveries);
        // The execution records content that could not be made, next to how delivery went.
        const reason = [fold.reason, ...sent.content.notes].filter((r) => r !== null).join('; ') || null;
        return finish(
          alert,
          execution,
          deadline,
          { ...base, deliveries: sent.deliveries, deliveryMs: sent.deliveryMs, state: fold.state, reason, value: decision.value, finishedAt: clock() },
          decision,
          decision.message,
          { failedStep: 'delivery', captureMs: sent.content.captureMs },
        );
      }
    }
  }

  async function runQuery(alert: Alert, signal: AbortSignal, deadline: Deadline): Promise<QueryResult> {
    const source = deps.dataSources.get(alert.dataSource);
    const limits = deps.dataSources.limits(alert.dataSource);
    if (source === undefined || limits === undefined) {
      throw new LookoutError(
        'datasource',
        `The data source "${alert.dataSource}" is not configured any more; an admin must add it back or the alert must use another.`,
      );
    }
    // Its owners answer for it: an alert runs only while every one of them may use the source.
    const barred = barredFromSource(alert.owners, deps.dataSources.allowedUsers(alert.dataSource), { admins: deps.admins ?? [] });
    if (barred.length > 0) throw new SourceBarredError(alert.dataSource, barred);
    const remaining = Math.max(1, msLeft(deadline, clock()));
    return source.query(alert.sql, {
      timeoutMs: Math.min(limits.statementTimeoutS * 1000, remaining),
      maxRows: limits.maxRows,
      signal,
    });
  }

  async function sendAll(
    alert: Alert,
    execution: Execution,
    kind: 'firing' | 'report' | 'resolved',
    value: string | null,
    result: QueryResult,
    signal: AbortSignal,
    deadline: Deadline,
  ): Promise<{ deliveries: DeliveryRecord[]; deliveryMs: number; content: RenderedContent }> {
    // Files are made once for every recipient, before anything is sent: a recovery carries none.
    const content =
      kind !== 'resolved' && deps.content !== undefined
        ? await deps.content.render(alert, result, signal)
        : { attachments: [], notes: [], captureMs: null };
    const deliveryTime = stopwatch();
    // Past this mark a crash leaves the tick UNKNOWN instead of re-sending it blindly.
    await stored('mark the send', recordBy(deadline, clock()), () => store.markSending(execution.id, clock()));
    const context = messageContext(alert, execution, clock());
    const shown = { result, attachments: content.attachments, contentNotes: content.notes };
    const messageFor = (recipient: Recipient): OutgoingMessage => {
      const threadRef = alert.threads[recipientKey(recipient)] ?? null;
      switch (kind) {
        case 'report':
          return { ...context, ...shown, kind: 'report' };
        case 'resolved':
          return { ...context, kind: 'resolved', value, threadRef };
        case 'firing':
          // While an incident lasts, a recipient that has its first message gets a reply in its thread.
          return threadRef === null ? { ...context, ...shown, kind: 'firing', value } : { ...context, ...shown, kind: 'repeat', value, threadRef };
      }
    };
    const deliveries = await Promise.all(alert.recipients.map((recipient) => deliverOne(recipient, messageFor(recipient), signal, deadline)));
    return { deliveries, deliveryMs: deliveryTime(), content };
  }

  async function deliverOne(recipient: Recipient, message: OutgoingMessage, signal: AbortSignal, deadline?: Deadline): Promise<DeliveryRecord> {
    const key = recipientKey(recipient);
    try {
      const outcome = await deps.delivery.send(recipient, message, signal, deadline);
      return outcome.ok
        ? {
            recipient: key,
            ok: true,
            unknown: false,
            error: null,
            ref: outcome.ref,
            note: outcome.note,
            fallback: outcome.fallback ?? null,
            ...(outcome.picture ? { picture: outcome.picture } : {}),
          }
        : { recipient: key, ok: false, unknown: outcome.unknown, error: outcome.error, ref: null, note: null };
    } catch (err) {
      // A delivery must not throw; if one does, the outcome is unknown and never re-sent.
      logger.error({ err, recipient: key }, 'delivery threw');
      return { recipient: key, ok: false, unknown: true, error: 'unexpected delivery failure', ref: null, note: null };
    }
  }

  async function finish(
    alert: Alert,
    execution: Execution,
    deadline: Deadline,
    outcome: ExecutionFinish,
    decision: ResultDecision | null,
    sent: 'firing' | 'report' | 'resolved' | null,
    extra: { failedStep?: FailedStep; captureMs?: number | null } = {},
  ): Promise<ExecutionSummary> {
    const deliveries = outcome.deliveries ?? [];
    const change = foldRuntime({
      runtime: alert,
      gracePeriodS: alert.gracePeriodS,
      state: outcome.state,
      trigger: execution.trigger,
      scheduledAt: execution.scheduledAt,
      now: outcome.finishedAt,
      sent,
      conditionFalse: decision?.kind === 'noop' && decision.recovered,
      conditionTrue: decision?.kind === 'grace' || (decision?.kind === 'send' && decision.message === 'firing'),
      deliveries,
    });
    let ownersNotified = false;
    if (change.notifyOwners) {
      ownersNotified = await notifyOwners(alert, execution, 'error_notice', outcome.reason ?? 'failed', extra.failedStep ?? null);
    }
    // Owners hear of every email fallback: their channel missed the message.
    const fallbacks = deliveries.filter((d) => d.fallback);
    if (fallbacks.length > 0) {
      const what = fallbacks.map((d) => `${d.recipient}: ${d.note ?? `sent by email to ${d.fallback ?? ''}`}`).join('; ');
      ownersNotified = (await notifyOwners(alert, execution, 'fallback_notice', what, 'delivery')) || ownersNotified;
    }

    const recorded = await stored('record the result', recordBy(deadline, clock()), () =>
      store.finishExecution(execution.id, { ...outcome, deliveries, ownersNotified }, change.runtime),
    );
    if (!recorded) {
      // Another instance timed this execution out meanwhile; its record stands.
      logger.warn({ alertId: alert.id, executionId: execution.id }, 'execution was finished elsewhere');
    }
    const summary: ExecutionSummary = {
      alertId: alert.id,
      owners: alert.owners,
      executionId: execution.id,
      scheduledAt: execution.scheduledAt,
      trigger: execution.trigger,
      state: outcome.state,
      reason: outcome.reason,
      queryMs: outcome.queryMs ?? null,
      captureMs: extra.captureMs ?? null,
      deliveryMs: outcome.deliveryMs ?? null,
      deliveries,
      ownersNotified,
    };
    logger.info(
      {
        alertId: alert.id,
        executionId: execution.id,
        tick: execution.scheduledAt.toISOString(),
        trigger: execution.trigger,
        state: summary.state,
        queryMs: summary.queryMs,
        captureMs: summary.captureMs,
        deliveryMs: summary.deliveryMs,
      },
      'execution finished',
    );
    deps.observer?.executionFinished?.(summary);
    return summary;
  }

  /**
   * Step 6: a DM to each owner, and an email where email is set up and the owner has an address.
   * Their own outcomes do not change the execution's state.
   */
  async function notifyOwners(
    alert: Alert,
    execution: Execution,
    kind: 'error_notice' | 'fallback_notice',
    error: string,
    failedStep: FailedStep | null,
  ): Promise<boolean> {
    const signal = AbortSignal.timeout(30_000);
    const context = messageContext(alert, execution, clock());
    const message: OutgoingMessage =
      kind === 'error_notice'
        ? { ...context, kind, error, failedStep, lastGoodRunAt: await lastGoodRun(alert.id) }
        : { ...context, kind, error };
    const results = await Promise.all(
      alert.owners.map(async (owner) => {
        const address = deps.ownerEmail ? await deps.ownerEmail(owner, signal) : null;
        const sends = [deliverOne({ kind: 'slack_user', id: owner }, message, signal)];
        if (address !== null) sends.push(deliverOne({ kind: 'email', address }, message, signal));
        return Promise.all(sends);
      }),
    );
    return results.flat().some((r) => r.ok);
  }

  /** When the alert last ran without error; a notice is rare, so the log is read here. */
  async function lastGoodRun(alertId: string): Promise<Date | null> {
    try {
      const recent = await store.history(alertId, 200);
      const good = recent.find((e) => GOOD_STATES.includes(e.state));
      return good ? (good.finishedAt ?? good.startedAt) : null;
    } catch (err) {
      logger.warn({ err, alertId }, 'could not read the history for the last good run');
      return null;
    }
  }

  return { runTick, claim, runClaimed };
}

/** What every message of this execution names: the alert, the execution, its tick and when it ran. */
function messageContext(alert: Alert, execution: Execution, evaluatedAt: Date): MessageContext {
  return { alert, executionId: execution.id, scheduledAt: execution.scheduledAt, evaluatedAt };
}
