// Everything that crossed the simulator's edge, in order: Web API calls (with the fault, if
// any, that answered them), Socket Mode envelopes with their acks, and injected faults.
// `waitFor`/`waitUntil` re-check on every change instead of polling, so tests need no sleeps.
import type { Json } from './records.js';

export interface AppliedFault {
  kind: 'rate_limited' | 'http_error' | 'slack_error' | 'latency';
  /** Retry-After seconds (rate_limited), HTTP status (http_error), error code (slack_error), ms (latency). */
  detail: number | string;
}

export interface CallRecord {
  seq: number;
  /** Web API method, or 'upload' for a POST to a files upload URL. */
  method: string;
  /** Parsed arguments: JSON-string fields (blocks, view, files, attachments, metadata) decoded. */
  args: Json;
  /** 'bot', 'app', 'none' (no token) or 'invalid'. */
  tokenKind: 'bot' | 'app' | 'none' | 'invalid';
  at: Date;
  /** HTTP status sent. */
  status: number;
  /** The JSON body sent back (for a 429/500: what was sent, not a Slack success). */
  response: Json;
  /** The fault that shaped this answer (latency is listed alongside a normal answer). */
  faults: AppliedFault[];
}

export interface FaultEvent {
  at: Date;
  kind: AppliedFault['kind'] | 'socket_drop';
  method?: string;
  detail: number | string;
}

export interface EnvelopeRecord {
  envelope_id: string;
  type: 'slash_commands' | 'interactive' | 'events_api';
  payload: Json;
  /** Which connection it went to (1-based, in order of connection). */
  connection: number;
  sentAt: Date;
  /** The ack's payload (`{}` for a bare ack); undefined until acked. */
  ack?: Json;
  ackedAt?: Date;
  /** Set when no ack came (timeout or closed socket). */
  failure?: string;
}

export class CallLog {
  readonly calls: CallRecord[] = [];
  readonly faults: FaultEvent[] = [];
  readonly envelopes: EnvelopeRecord[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly lean = false) {}

  /** Call after any state change a waiter might care about. */
  changed = (): void => {
    for (const listener of [...this.listeners]) listener();
  };

  addCall(call: Omit<CallRecord, 'seq'>): CallRecord {
    const kept = this.lean ? { ...call, args: {}, response: { ok: call.response.ok ?? null } } : call;
    const record = { seq: this.calls.length + 1, ...kept };
    this.calls.push(record);
    for (const fault of call.faults) {
      this.faults.push({ at: call.at, kind: fault.kind, method: call.method, detail: fault.detail });
    }
    this.changed();
    return record;
  }

  addFault(event: FaultEvent): void {
    this.faults.push(event);
    this.changed();
  }

  addEnvelope(envelope: EnvelopeRecord): void {
    this.envelopes.push(envelope);
    this.changed();
  }

  /** Resolves with `check()`'s first truthy result, re-checked on every change. */
  waitUntil<T>(check: () => T | undefined | null | false, timeoutMs: number, what = 'condition'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const listener = (): void => {
        let value: T | undefined | null | false;
        try {
          value = check();
        } catch (error) {
          done();
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (value) {
          done();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`slack-simulator: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
      listener();
    });
  }
}
