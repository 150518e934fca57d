// One tick end to end: claim it, decide whether it starts (domain/tick.ts), then query
// (run-query.ts), decide on the result, send (send-step.ts) and record (record-execution.ts,
// which tells the owners through notify-owners.ts). The domain decides; these modules carry the
// decisions out against the ports, all within the execution's one Deadline.
import type { Clock } from '../clock.js';
import type { ContentRenderer } from '../content/port.js';
import type { DataSourceCatalog } from '../datasources/port.js';
import type { Delivery } from './delivery-port.js';
import { deadlineAfter, msLeft, recordBy, type Deadline } from '../domain/deadline.js';
import { decideOnResult, DEFAULT_MAX_SERIES, type ResultDecision } from '../domain/decide-result.js';
import { decideStart } from '../domain/tick.js';
import { decideTriage, triageGrace } from '../domain/triage.js';
import type { Alert, Execution, Mute, Trigger } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { RunningExecution, Store } from '../store/port.js';
import { patientStore } from '../store/retry.js';
import { createOwnerNotices } from './notify-owners.js';
import { createExecutionRecorder, type ExecutionSummary, type RecordExecution, type TickObserver } from './record-execution.js';
import { createQueryStep } from './run-query.js';
import type { ResultHold, ResultMemory } from './result-memory.js';
import { createNewRowsStep } from './new-rows-step.js';
import type { PeopleDirectory } from './people-port.js';
import { createSendStep } from './send-step.js';

export type { ExecutionSummary, TickObserver } from './record-execution.js';

export interface TickRunnerDeps {
  store: Store;
  /**
   * The calls every tick makes (the finish, the send mark, the mute read), batched across ticks
   * (store/batched-writes.ts); the store's own when absent.
   */
  writes?: Pick<Store, 'finishExecution' | 'markSending' | 'getMute'>;
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
  /** Series an alert may have (alerts.maxSeries); past it a run is an ERROR. */
  maxSeries?: number;
  /** Who the emails in an alert's mention column are in Slack. */
  people?: PeopleDirectory;
  /** The result bytes evaluations may hold at once (result-memory.ts); unbounded when absent. */
  resultMemory?: ResultMemory;
}


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
   * `release` is called once only the record is left to write (evaluation-pool.ts).
   */
  runClaimed(alert: Alert, execution: Execution, running?: RunningExecution | null, release?: () => void): Promise<ExecutionSummary>;
}

export function createTickRunner(deps: TickRunnerDeps): TickRunner {
  const { store, clock } = deps;
  const writes = deps.writes ?? store;
  const stored = patientStore({ clock, logger: deps.logger });
  const runQuery = createQueryStep(deps);
  const send = createSendStep({ ...deps, store: writes });
  const newRows = createNewRowsStep({ store, send, clock, logger: deps.logger });
  const recordAndRelease = createExecutionRecorder({ ...deps, store: writes, notices: createOwnerNotices(deps) });
  let lastMute: Mute | null = null;

  /**
   * The admins' mute, read only by a tick that could send (most ticks of a quiet alert send
   * nothing and pay nothing), fresh each time so a mute holds from the next tick on every
   * instance. A store that cannot answer keeps the last mute this instance read.
   */
  async function muteFor(alert: Alert, decision: Exclude<ResultDecision, { kind: 'error' }>): Promise<Mute | null> {
    const couldSend = decision.kind !== 'noop' || decision.recovered || alert.heldSince !== null;
    if (!couldSend) return null;
    try {
      lastMute = await writes.getMute();
    } catch (err) {
      deps.logger.warn({ err }, 'could not read the mute; using the last one read');
    }
    return lastMute;
  }

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

  async function runClaimed(alert: Alert, execution: Execution, known?: RunningExecution | null, release?: () => void): Promise<ExecutionSummary> {
    const now = clock();
    // The evaluation's rows are let go with its slot: what is left is writing the record.
    const hold = deps.resultMemory?.hold();
    const letGo = () => {
      hold?.free();
      release?.();
    };
    const record: RecordExecution = (a, e, d, ending) => recordAndRelease(a, e, d, ending, letGo);
    // The working timeout counts from the claim: the one deadline every step below takes from.
    const deadline = deadlineAfter(execution.startedAt, alert.workingTimeoutS * 1000);
    const running =
      known !== undefined
        ? known
        : await stored('find the running execution', recordBy(deadline, now), () => store.runningExecution(alert.id, execution.id));
    const start = decideStart({ alert, trigger: execution.trigger, now, running });
    if (start.kind === 'skip') {
      return record(alert, execution, deadline, { outcome: { state: 'SKIPPED', reason: start.reason, finishedAt: clock() } });
    }
    const previous = start.timeOutPrevious;
    if (previous !== null && running !== null) {
      await stored('time out the previous execution', recordBy(deadline, now), () =>
        store.finishExecution(running.id, { state: previous.state, reason: previous.reason, finishedAt: now }),
      );
    }

    // At the deadline the signal cancels the query, the capture and the deliveries.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), msLeft(deadline, clock()));
    try {
      deps.observer?.evaluationStarted?.(alert.id, execution.scheduledAt, clock());
      return await evaluate(alert, execution, controller.signal, deadline, record, hold);
    } finally {
      clearTimeout(timer);
      hold?.free();
    }
  }

  /** Steps 3 to 5: query, decide on the result, send what it says. */
  async function evaluate(alert: Alert, execution: Execution, signal: AbortSignal, deadline: Deadline, record: RecordExecution, hold: ResultHold | undefined): Promise<ExecutionSummary> {
    const queried = await runQuery(alert, signal, deadline, hold);
    if (!queried.ok) {
      const outcome = { state: 'ERROR' as const, reason: queried.reason, queryMs: queried.queryMs, finishedAt: clock() };
      return record(alert, execution, deadline, { outcome, failedStep: 'query' });
    }
    const { result, queryMs } = queried;
    if (alert.type === 'alert' && alert.measure.kind === 'new_rows') {
      const rows = await newRows(alert, alert.measure, execution, result, { queryMs }, signal, deadline);
      return record(alert, execution, deadline, {
        outcome: rows.outcome,
        sent: rows.sent ? 'report' : null,
        failedStep: rows.sent ? 'delivery' : 'condition',
        captureMs: rows.captureMs,
        runtime: rows.runtime,
      });
    }
    // With an acknowledgement or backoff reminders, repeats come from triage, not the grace period.
    const rules = { ...alert, gracePeriodS: triageGrace(alert) };
    const decision = decideOnResult({ alert: rules, scheduledAt: execution.scheduledAt, trigger: execution.trigger, result, now: clock(), maxSeries: deps.maxSeries ?? DEFAULT_MAX_SERIES });
    const base = { queryMs, rowCount: result.rows.length };
    if (decision.kind === 'error') {
      const outcome = { ...base, state: 'ERROR' as const, reason: decision.reason, finishedAt: clock() };
      return record(alert, execution, deadline, { outcome, decision, failedStep: 'condition' });
    }
    const triage = decideTriage({ alert, decision, trigger: execution.trigger, scheduledAt: execution.scheduledAt, mute: await muteFor(alert, decision) });
    const { action } = triage;
    // What is sent shows the acknowledgement as it is after this tick (an escalation clears it).
    const shown = 'ack' in triage.runtime ? { ...alert, ack: triage.runtime.ack ?? null } : alert;
    const kept = { runtime: triage.runtime, incident: triage.incident };
    /** Triage's runtime, with what it keeps only when a message reached someone. */
    const afterSend = (deliveries: { ok: boolean }[]) => ({ ...kept, runtime: { ...triage.runtime, ...(deliveries.some((d) => d.ok) ? triage.onSent : {}) } });
    if (action.kind === 'hold' || action.kind === 'quiet') {
      const state = action.kind === 'quiet' && decision.kind === 'grace' ? ('GRACE' as const) : ('NOOP' as const);
      const outcome = { ...base, state, reason: action.reason, value: decision.value, finishedAt: clock() };
      return record(alert, execution, deadline, { outcome, decision, ...kept });
    }
    if (action.kind === 'send') {
      // A reminder or a summary names every series firing now; their grace counts from this tick.
      const firingKeys = Object.entries(decision.series.states).filter(([, s]) => s.status === 'firing').map(([key]) => key);
      const sending = { ...decision, series: { ...decision.series, sentKeys: firingKeys } };
      const sent = await send(shown, execution, { kind: action.message, value: decision.value, result, series: decision.series.report, prompt: action.prompt }, signal, deadline);
      const reason = action.prompt === 'reminder' ? 'reminder' : 'summary after quiet hours';
      const outcome = {
        ...base,
        deliveries: sent.deliveries,
        deliveryMs: sent.deliveryMs,
        state: action.message === 'resolved' ? ('NOOP' as const) : sent.state,
        reason: [reason, sent.reason].filter((r) => r !== null).join('; '),
        value: decision.value,
        finishedAt: clock(),
      };
      return record(alert, execution, deadline, { outcome, decision: sending, sent: action.message, failedStep: 'delivery', captureMs: sent.captureMs, ...afterSend(sent.deliveries) });
    }
    const prompt = action.prompt;
    switch (decision.kind) {
      case 'grace': {
        const outcome = { ...base, state: 'GRACE' as const, reason: decision.reason, value: decision.value, finishedAt: clock() };
        return record(alert, execution, deadline, { outcome, decision, ...kept });
      }
      case 'noop': {
        if (!(decision.recovered && alert.notifyOnRecovery)) {
          const outcome = { ...base, state: 'NOOP' as const, reason: decision.reason, value: decision.value, finishedAt: clock() };
          return record(alert, execution, deadline, { outcome, decision, ...kept });
        }
        // A recovery's state stays NOOP however its "resolved" messages went.
        const sent = await send(shown, execution, { kind: 'resolved', value: decision.value, result, series: decision.series.report, prompt }, signal, deadline);
        const outcome = {
          ...base,
          deliveries: sent.deliveries,
          deliveryMs: sent.deliveryMs,
          state: 'NOOP' as const,
          reason: `${decision.reason}; resolved`,
          value: decision.value,
          finishedAt: clock(),
        };
        return record(alert, execution, deadline, { outcome, decision, sent: 'resolved', ...afterSend(sent.deliveries) });
      }
      case 'send': {
        const sent = await send(shown, execution, { kind: decision.message, value: decision.value, result, series: decision.series.report, prompt }, signal, deadline);
        const outcome = {
          ...base,
          deliveries: sent.deliveries,
          deliveryMs: sent.deliveryMs,
          state: sent.state,
          reason: sent.reason,
          value: decision.value,
          finishedAt: clock(),
        };
        return record(alert, execution, deadline, { outcome, decision, sent: decision.message, failedStep: 'delivery', captureMs: sent.captureMs, ...afterSend(sent.deliveries) });
      }
    }
  }

  return { runTick, claim, runClaimed };
}
