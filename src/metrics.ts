// What Lookout is doing, for Prometheus (/metrics): evaluations by state, how late ticks start,
// how long queries, captures and deliveries take, deliveries by channel and result, and the
// work due and in flight. Label values are fixed words, never alert names or recipients.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DispatchResult } from './scheduler/dispatch-job.js';
import type { ExecutionSummary, TickObserver } from './services/tick-runner.js';

export interface MetricsSources {
  /** Evaluations running and waiting in this instance, and the result bytes they hold (reserved). */
  evaluations(): { running: number; queued: number; resultBytes: number };
  /** Instances sharing the shards and this one's share, when the scheduler runs. */
  scheduler(): { instances: number; shardShare: number } | null;
}

export interface Metrics {
  registry: Registry;
  /** Feeds evaluations and their results into the metrics. */
  observer: Required<TickObserver>;
  /** Feeds one shard dispatch's counts into the metrics. */
  dispatched(result: DispatchResult): void;
  /** The live numbers (pool, scheduler), read at each scrape. */
  setSources(sources: MetricsSources): void;
}

const SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const LATENESS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 300];

/** "channel:C…" → slack, "user:U…" → slack, "email:…" → email. */
function channelOf(recipientKey: string): 'slack' | 'email' {
  return recipientKey.startsWith('email:') ? 'email' : 'slack';
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lookout_' });
  let sources: MetricsSources | null = null;

  const evaluations = new Counter({
    name: 'lookout_evaluations_total',
    help: 'Finished executions by final state and trigger',
    labelNames: ['state', 'trigger'] as const,
    registers: [registry],
  });
  const lateness = new Histogram({
    name: 'lookout_tick_lateness_seconds',
    help: 'From a scheduled tick to the start of its evaluation',
    buckets: LATENESS,
    registers: [registry],
  });
  const query = new Histogram({ name: 'lookout_query_duration_seconds', help: 'Alert queries', buckets: SECONDS, registers: [registry] });
  const capture = new Histogram({
    name: 'lookout_capture_duration_seconds',
    help: 'Screenshots and charts, per execution that made one',
    buckets: SECONDS,
    registers: [registry],
  });
  const delivery = new Histogram({
    name: 'lookout_delivery_duration_seconds',
    help: 'Sending one execution to all its recipients',
    buckets: SECONDS,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'lookout_deliveries_total',
    help: 'Deliveries by channel and result (ok, failed, unknown: may or may not have arrived; fallback: sent by email instead)',
    labelNames: ['channel', 'result'] as const,
    registers: [registry],
  });
  const due = new Counter({ name: 'lookout_ticks_due_total', help: 'Due ticks found by dispatch', registers: [registry] });
  const claimed = new Counter({ name: 'lookout_ticks_claimed_total', help: 'Ticks this instance claimed', registers: [registry] });
  const takenOver = new Counter({
    name: 'lookout_ticks_taken_over_total',
    help: 'Ticks of a stopped instance this instance took over',
    registers: [registry],
  });
  new Gauge({
    name: 'lookout_evaluations_running',
    help: 'Evaluations running in this instance',
    registers: [registry],
    collect() {
      this.set(sources?.evaluations().running ?? 0);
    },
  });
  new Gauge({
    name: 'lookout_evaluations_queued',
    help: 'Claimed ticks waiting for an evaluation slot in this instance',
    registers: [registry],
    collect() {
      this.set(sources?.evaluations().queued ?? 0);
    },
  });
  new Gauge({
    name: 'lookout_evaluation_result_bytes',
    help: 'Result bytes reserved by the evaluations running in this instance (EVAL_RESULT_MEMORY_MB bounds it)',
    registers: [registry],
    collect() {
      this.set(sources?.evaluations().resultBytes ?? 0);
    },
  });
  new Gauge({
    name: 'lookout_instances',
    help: 'Instances sharing the shard jobs, as this one sees them',
    registers: [registry],
    collect() {
      this.set(sources?.scheduler()?.instances ?? 0);
    },
  });
  new Gauge({
    name: 'lookout_shard_share',
    help: 'Shard jobs this instance may hold at once',
    registers: [registry],
    collect() {
      this.set(sources?.scheduler()?.shardShare ?? 0);
    },
  });

  return {
    registry,
    observer: {
      evaluationStarted(_alertId, scheduledAt, at) {
        lateness.observe(Math.max(0, (at.getTime() - scheduledAt.getTime()) / 1000));
      },
      executionFinished(summary: ExecutionSummary) {
        evaluations.inc({ state: summary.state, trigger: summary.trigger });
        if (summary.queryMs !== null) query.observe(summary.queryMs / 1000);
        if (summary.captureMs !== null) capture.observe(summary.captureMs / 1000);
        if (summary.deliveryMs !== null) delivery.observe(summary.deliveryMs / 1000);
        for (const d of summary.deliveries) {
          const result = d.fallback ? 'fallback' : d.ok ? 'ok' : d.unknown ? 'unknown' : 'failed';
          deliveries.inc({ channel: channelOf(d.recipient), result });
        }
      },
    },
    dispatched(result) {
      due.inc(result.claimed + result.alreadyClaimed);
      claimed.inc(result.claimed);
      takenOver.inc(result.takenOver);
    },
    setSources(next) {
      sources = next;
    },
  };
}
