// Step 3 of a tick: the alert's SQL on its data source (read-only, row cap), within what is left
// of the execution's deadline. A failure comes back as the sentence the execution records and
// the owners are sent, never as a throw.
import { stopwatch, type Clock } from '../clock.js';
import type { DataSourceCatalog } from '../datasources/port.js';
import { barredFromSource } from '../domain/access.js';
import { msLeft, type Deadline } from '../domain/deadline.js';
import { resultHeldBytes } from '../domain/result-size.js';
import type { Alert, QueryResult } from '../domain/types.js';
import { LookoutError, SourceBarredError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ResultHold } from './result-memory.js';

export interface QueryStepDeps {
  dataSources: Pick<DataSourceCatalog, 'get' | 'limits' | 'allowedUsers'>;
  /** Lookout admins, who may use every data source (domain/access.ts). */
  admins?: readonly string[];
  clock: Clock;
  logger: Logger;
}

export type QueryOutcome =
  | { ok: true; result: QueryResult; queryMs: number }
  | { ok: false; reason: string; queryMs: number };

/** `hold`, when given, is the evaluation's share of the result budget: the query waits for it. */
export type QueryStep = (alert: Alert, signal: AbortSignal, deadline: Deadline, hold?: ResultHold) => Promise<QueryOutcome>;

export function createQueryStep(deps: QueryStepDeps): QueryStep {
  async function query(alert: Alert, signal: AbortSignal, deadline: Deadline, hold: ResultHold | undefined, progress: { started: boolean }): Promise<QueryResult> {
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
    // The most this query may read, reserved before it starts; then only what its rows take.
    await hold?.reserve(limits.maxResultBytes, signal);
    progress.started = true;
    try {
      const result = await source.query(alert.sql, {
        timeoutMs: Math.min(limits.statementTimeoutS * 1000, Math.max(1, msLeft(deadline, deps.clock()))),
        maxRows: limits.maxRows,
        signal,
      });
      hold?.resize(resultHeldBytes(result));
      return result;
    } catch (err) {
      hold?.free();
      throw err;
    }
  }

  return async (alert, signal, deadline, hold) => {
    const elapsed = stopwatch();
    const progress = { started: false };
    try {
      const result = await query(alert, signal, deadline, hold, progress);
      return { ok: true, result, queryMs: elapsed() };
    } catch (err) {
      const reason = signal.aborted
        ? progress.started
          ? `working timeout: the query was still running after ${alert.workingTimeoutS} s and was cancelled`
          : `working timeout: after ${alert.workingTimeoutS} s the query had still not started, waiting for memory that other alerts' results held; an admin can raise EVAL_RESULT_MEMORY_MB`
        : err instanceof LookoutError
          ? err.userMessage
          : 'the query failed for an unexpected reason; see the Lookout log';
      if (!signal.aborted && !(err instanceof LookoutError)) deps.logger.error({ err, alertId: alert.id }, 'query failed unexpectedly');
      return { ok: false, reason, queryMs: elapsed() };
    }
  };
}
