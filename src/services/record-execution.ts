// The end of every tick, whatever its outcome: the outcome folded into the alert's runtime
// (domain/tick.ts foldRuntime, which also says whether the owners hear of an error), the owner
// notices, the execution recorded (waiting out a short database outage), one log line, and the
// observer told.
import type { Clock } from '../clock.js';
import { recordBy, type Deadline } from '../domain/deadline.js';
import type { ResultDecision } from '../domain/decide-result.js';
import { foldRuntime } from '../domain/tick.js';
import type { Alert, AlertRuntime, DeliveryRecord, Execution, ExecutionState, Trigger } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { FailedStep } from '../messages/outgoing.js';
import type { ExecutionFinish, Store } from '../store/port.js';
import { patientStore } from '../store/retry.js';
import type { OwnerNotices } from './notify-owners.js';

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

export interface RecorderDeps {
  store: Pick<Store, 'finishExecution'>;
  notices: OwnerNotices;
  clock: Clock;
  logger: Logger;
  observer?: TickObserver;
}

/** How the execution ended, and what led there. */
export interface Ending {
  outcome: ExecutionFinish;
  /** What the query result meant, when the query ran. */
  decision?: ResultDecision | null;
  /** What was sent to the recipients, if anything. */
  sent?: 'firing' | 'report' | 'resolved' | null;
  /** The step that failed, for an error notice. */
  failedStep?: FailedStep | null;
  captureMs?: number | null;
  /** More of the alert's runtime to store with the execution (a new-rows alert's keysSeededAt, triage's fields). */
  runtime?: Partial<AlertRuntime>;
  /** Triage keeps the incident open (a held resolution) or closes it (the summary said resolved). */
  incident?: 'keep' | 'close' | null;
}

/** `beforeWrite` is called once only the record's write is left (the evaluation's slot is given back). */
export type RecordExecution = (alert: Alert, execution: Execution, deadline: Deadline, ending: Ending, beforeWrite?: () => void) => Promise<ExecutionSummary>;

export function createExecutionRecorder(deps: RecorderDeps): RecordExecution {
  const { store, clock, logger } = deps;
  const stored = patientStore({ clock, logger });

  return async (alert, execution, deadline, { outcome, decision = null, sent = null, failedStep = null, captureMs = null, runtime = {}, incident = null }, beforeWrite) => {
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
      incident,
      ...(decision !== null && decision.kind !== 'error' ? { series: decision.series } : {}),
    });
    const ownersNotified = await deps.notices(alert, execution, {
      error: change.notifyOwners ? { reason: outcome.reason ?? 'failed', failedStep } : null,
      deliveries,
    });

    beforeWrite?.();
    const recorded = await stored('record the result', recordBy(deadline, clock()), () =>
      store.finishExecution(
        execution.id,
        { ...outcome, deliveries, ownersNotified, ...(decision !== null && decision.kind !== 'error' ? { series: decision.series.outcomes } : {}) },
        { ...change.runtime, ...runtime },
      ),
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
      captureMs,
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
  };
}
