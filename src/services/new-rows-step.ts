// A new-rows alert's tick after its query (issue 3/6): which rows' keys are new (the store knows
// the seen ones), send them (send-step.ts: one Slack message a row), then remember the keys.
// Keys are remembered when the rows reached someone, or when there was nothing to send: a send
// that reached nobody leaves them new, so the next tick tries again; one that reached some
// recipients does not send them twice to those.
import type { Clock } from '../clock.js';
import { recordBy, type Deadline } from '../domain/deadline.js';
import { decideNewRows, keysOf, type NewRowsMeasure } from '../domain/new-rows.js';
import type { Alert, AlertRuntime, Execution, QueryResult } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { ExecutionFinish, Store } from '../store/port.js';
import { patientStore } from '../store/retry.js';
import type { SendStep } from './send-step.js';

export interface NewRowsStepDeps {
  store: Pick<Store, 'seenKeys' | 'rememberKeys'>;
  send: SendStep;
  clock: Clock;
  logger: Logger;
}

export interface NewRowsOutcome {
  outcome: ExecutionFinish;
  runtime: Partial<AlertRuntime>;
  sent: boolean;
  captureMs: number | null;
}

export type NewRowsStep = (
  alert: Alert,
  measure: NewRowsMeasure,
  execution: Execution,
  result: QueryResult,
  timing: { queryMs: number },
  signal: AbortSignal,
  deadline: Deadline,
) => Promise<NewRowsOutcome>;

export function createNewRowsStep(deps: NewRowsStepDeps): NewRowsStep {
  const { store, clock, logger } = deps;
  const stored = patientStore({ clock, logger });

  return async (alert, measure, execution, result, { queryMs }, signal, deadline) => {
    const base = { queryMs, rowCount: result.rows.length };
    const keyed = keysOf(result, measure.keyColumn);
    const candidates = keyed.ok ? [...new Set(keyed.keys.filter((k): k is string => k !== null))] : [];
    const seen = candidates.length === 0 ? new Set<string>() : await stored('read the keys seen', recordBy(deadline, clock()), () => store.seenKeys(alert.id, candidates));
    const decision = decideNewRows({ measure, result, seen, seeded: alert.keysSeededAt !== null });
    const seeded: Partial<AlertRuntime> = alert.keysSeededAt === null ? { keysSeededAt: execution.scheduledAt } : {};
    const remember = async (keys: string[]) => {
      if (keys.length > 0) await stored('remember the keys', recordBy(deadline, clock()), () => store.rememberKeys(alert.id, keys, execution.scheduledAt));
    };
    switch (decision.kind) {
      case 'error':
        return { outcome: { ...base, state: 'ERROR', reason: decision.reason, finishedAt: clock() }, runtime: {}, sent: false, captureMs: null };
      case 'record':
        await remember(decision.keys);
        return { outcome: { ...base, state: 'NOOP', reason: decision.reason, value: '0', finishedAt: clock() }, runtime: seeded, sent: false, captureMs: null };
      case 'noop':
        return { outcome: { ...base, state: 'NOOP', reason: decision.reason, value: '0', finishedAt: clock() }, runtime: seeded, sent: false, captureMs: null };
      case 'send': {
        const sent = await deps.send(alert, execution, { kind: 'new_rows', columns: result.columns, rows: decision.rows, more: decision.more }, signal, deadline);
        if (sent.deliveries.some((d) => d.ok) || alert.recipients.length === 0) await remember(decision.keys);
        const reason = [decision.reason, sent.reason].filter((r) => r !== null).join('; ');
        return {
          outcome: { ...base, deliveries: sent.deliveries, deliveryMs: sent.deliveryMs, state: sent.state, reason, value: String(decision.keys.length), finishedAt: clock() },
          runtime: seeded,
          sent: true,
          captureMs: sent.captureMs,
        };
      }
    }
  };
}
