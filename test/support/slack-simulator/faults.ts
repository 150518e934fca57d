// Faults switched on and off while the app runs. A rule targets one method (or '*'), and
// lasts for its next `times` matching calls, for `forMs` milliseconds, or until removed.
// The first matching rule of each kind applies; latency adds to whichever answer follows.
import type { AppliedFault } from './call-log.js';

export interface FaultScope {
  /** Web API method, 'upload' for the file upload URL, or '*' for everything. */
  method: string;
  /** Apply to the next N matching calls only. */
  times?: number;
  /** Apply for this long from now. */
  forMs?: number;
}

export type FaultKind =
  | { kind: 'rate_limited'; retryAfter: number }
  /** `afterEffect`: the method runs (a message is posted) and then the answer is the error. */
  | { kind: 'http_error'; status: number; afterEffect?: boolean }
  /** An outage: the answers take turns, one per call (e.g. 500, 429, 500, …). */
  | { kind: 'outage'; answers: ({ kind: 'rate_limited'; retryAfter: number } | { kind: 'http_error'; status: number })[]; next: number }
  | { kind: 'slack_error'; error: string; extra?: Record<string, unknown> }
  | { kind: 'latency'; ms: number };

export interface FaultHandle {
  readonly id: number;
  /** Switches this fault off. */
  remove(): void;
}

interface Rule {
  id: number;
  method: string;
  fault: FaultKind;
  remaining: number;
  until: number;
}

/** What the Web API does to one call: a delay, then either a fault answer or the normal one. */
export interface FaultPlan {
  latencyMs: number;
  answer?: Exclude<FaultKind, { kind: 'latency' } | { kind: 'outage' }>;
  applied: AppliedFault[];
}

export class Faults {
  private rules: Rule[] = [];
  private nextId = 1;

  /** HTTP 429 with `Retry-After: retryAfter` (seconds, default 1). */
  rateLimit(scope: FaultScope & { retryAfter?: number }): FaultHandle {
    return this.add(scope, { kind: 'rate_limited', retryAfter: scope.retryAfter ?? 1 });
  }

  /**
   * An HTTP error status (default 500) with a non-JSON body, as a failing edge would send.
   * With `afterEffect`, Slack did the work first (the message is posted) and only the answer failed.
   */
  httpError(scope: FaultScope & { status?: number; afterEffect?: boolean }): FaultHandle {
    return this.add(scope, { kind: 'http_error', status: scope.status ?? 500, afterEffect: scope.afterEffect ?? false });
  }

  /** Slack down: each call answered in turn with HTTP 500 and 429 (Retry-After 1 s), nothing done. */
  outage(scope: FaultScope): FaultHandle {
    return this.add(scope, {
      kind: 'outage',
      answers: [
        { kind: 'http_error', status: 500 },
        { kind: 'rate_limited', retryAfter: 1 },
      ],
      next: 0,
    });
  }

  /** HTTP 200 `{ ok: false, error, ...extra }`, e.g. 'missing_scope' with `{ needed }`. */
  slackError(scope: FaultScope & { error: string; extra?: Record<string, unknown> }): FaultHandle {
    return this.add(scope, { kind: 'slack_error', error: scope.error, extra: scope.extra });
  }

  /** Delays the answer by `ms`. */
  latency(scope: FaultScope & { ms: number }): FaultHandle {
    return this.add(scope, { kind: 'latency', ms: scope.ms });
  }

  /** Removes every fault rule. */
  clear(): void {
    this.rules = [];
  }

  /** Decides (and uses up) the faults for one call to `method`. */
  plan(method: string): FaultPlan {
    const now = Date.now();
    this.rules = this.rules.filter((r) => r.remaining > 0 && r.until > now);
    const matching = this.rules.filter((r) => r.method === '*' || r.method === method);
    const latency = matching.find((r) => r.fault.kind === 'latency');
    const answer = matching.find((r) => r.fault.kind !== 'latency');
    const plan: FaultPlan = { latencyMs: 0, applied: [] };
    if (latency && latency.fault.kind === 'latency') {
      latency.remaining -= 1;
      plan.latencyMs = latency.fault.ms;
      plan.applied.push({ kind: 'latency', detail: latency.fault.ms });
    }
    if (answer && answer.fault.kind !== 'latency') {
      answer.remaining -= 1;
      const fault = answer.fault.kind === 'outage' ? answer.fault.answers[answer.fault.next++ % answer.fault.answers.length]! : answer.fault;
      plan.answer = fault;
      plan.applied.push({ kind: fault.kind, detail: describe(fault) });
    }
    return plan;
  }

  private add(scope: FaultScope, fault: FaultKind): FaultHandle {
    const rule: Rule = {
      id: this.nextId++,
      method: scope.method,
      fault,
      remaining: scope.times ?? Number.POSITIVE_INFINITY,
      until: scope.forMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + scope.forMs,
    };
    this.rules.push(rule);
    return {
      id: rule.id,
      remove: () => {
        this.rules = this.rules.filter((r) => r !== rule);
      },
    };
  }
}

function describe(fault: Exclude<FaultKind, { kind: 'latency' } | { kind: 'outage' }>): number | string {
  switch (fault.kind) {
    case 'rate_limited':
      return fault.retryAfter;
    case 'http_error':
      return fault.status;
    case 'slack_error':
      return fault.error;
  }
}
