// One Web API call with Lookout's own retries, always inside the execution's abort signal
// (the working timeout), so an outage of Slack is waited out rather than failing the alert.
// What may be retried depends on whether Slack could have acted on the request:
//   - 429 (and `ratelimited`): nothing happened; wait Retry-After and retry — unless the caller
//     paces the calls itself (`rateLimited: 'return'`: the Slack delivery's per-channel queue,
//     which pauses the whole channel), so that one place owns each call's 429s.
//   - nothing sent (connection refused, DNS) or a transient Slack error: backoff, retry.
//   - maybe acted on (5xx, timeout, reset after sending, internal_error): a call with a side
//     effect (a post) is not replayed here, since that could post twice; its outcome is
//     unknown, and `answered` says whether Slack finished with the request (it answered), so
//     the caller may look for the message before posting again (slack-delivery.ts).
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import { classifySlackError, SLACK_ERRORS } from './slack-errors.js';

export interface CallFailure {
  /** Slack may have acted on the request (the message may have been posted). */
  unknown: boolean;
  /**
   * For an unknown outcome: Slack answered (a 5xx, internal_error), so the request is over and
   * what it did can be looked up. False when no answer came (a timeout, a reset connection):
   * the request may still be in flight.
   */
  answered?: boolean;
  /** A sentence for people. */
  error: string;
  /** Slack's error code, when it gave one. */
  code: string | null;
  /** Rate-limited and handed back (`rateLimited: 'return'`): the seconds Slack asked to wait. */
  retryAfterS?: number;
}

export type CallResult<T> = { ok: true; value: T } | { ok: false; failure: CallFailure };

export interface CallPolicy {
  /** The call changes something people see (chat.postMessage): never replay it after an ambiguous failure. */
  sideEffect: boolean;
  /**
   * What a 429 does: 'wait' (the default) waits Retry-After and calls again; 'return' hands it
   * back at once as a failure with `retryAfterS`, for a caller that paces its calls itself.
   */
  rateLimited?: 'wait' | 'return';
}

export const CALL_LIMITS = {
  /** Waits on 429 before giving up (the working timeout usually ends them first). */
  rateLimitedRetries: 100,
  /** Retries of failures where nothing was done (connection refused, service_unavailable, …). */
  transientRetries: 100,
  /** First backoff for transient failures; doubles each time, up to maxBackoffMs. */
  backoffMs: 500,
  maxBackoffMs: 5_000,
} as const;

export const RATE_LIMIT_TIMEOUT = 'Slack rate-limited Lookout and the working timeout ran out before it could retry';
const MAYBE_POSTED = 'the message may or may not have been posted, so Lookout did not send it again';

class AbortedInFlight extends Error {}

export async function callSlack<T>(
  method: string,
  fn: () => Promise<T>,
  signal: AbortSignal,
  policy: CallPolicy,
  logger: Logger,
): Promise<CallResult<T>> {
  const fail = (unknown: boolean, error: string, code: string | null = null, answered = false): CallResult<T> => ({
    ok: false,
    failure: { unknown, error, code, ...(unknown ? { answered } : {}) },
  });
  let rateLimited = 0;
  let transient = 0;
  /** Waits before a transient retry; false when the limit is reached or the signal fired. */
  const backoff = async (): Promise<'retry' | 'exhausted' | 'aborted'> => {
    if (transient >= CALL_LIMITS.transientRetries) return 'exhausted';
    transient += 1;
    const pause = Math.min(CALL_LIMITS.backoffMs * 2 ** (transient - 1), CALL_LIMITS.maxBackoffMs);
    return (await wait(pause, signal)) ? 'retry' : 'aborted';
  };

  for (;;) {
    if (signal.aborted) return fail(false, `the working timeout ran out before Lookout could call Slack (${method})`);
    let err: unknown;
    try {
      return { ok: true, value: await untilAborted(fn(), signal) };
    } catch (caught) {
      err = caught;
    }
    if (err instanceof AbortedInFlight) {
      return policy.sideEffect
        ? fail(true, `the working timeout ran out while waiting for Slack to answer; ${MAYBE_POSTED}`)
        : fail(false, `the working timeout ran out while waiting for Slack to answer ${method}`);
    }

    const cls = classifySlackError(err);
    logger.warn({ method, failure: cls.kind, code: 'code' in cls ? cls.code : undefined, status: 'status' in cls ? cls.status : undefined }, 'Slack call failed');
    switch (cls.kind) {
      case 'rate_limited': {
        if (policy.rateLimited === 'return') {
          return { ok: false, failure: { unknown: false, error: SLACK_ERRORS.ratelimited?.message ?? RATE_LIMIT_TIMEOUT, code: 'ratelimited', retryAfterS: cls.retryAfterS } };
        }
        if (rateLimited >= CALL_LIMITS.rateLimitedRetries) return fail(false, SLACK_ERRORS.ratelimited?.message ?? RATE_LIMIT_TIMEOUT, 'ratelimited');
        rateLimited += 1;
        if (!(await wait(cls.retryAfterS * 1000, signal))) return fail(false, RATE_LIMIT_TIMEOUT, 'ratelimited');
        continue;
      }
      case 'platform': {
        if (cls.ambiguous) return policy.sideEffect ? fail(true, `${cls.message} The message may or may not have been posted, so Lookout did not send it again.`, cls.code, true) : fail(false, cls.message, cls.code);
        if (!cls.retryable) return fail(false, cls.message, cls.code);
        const next = await backoff();
        if (next === 'retry') continue;
        return fail(false, next === 'aborted' ? `${cls.message} The working timeout ran out before Lookout could retry.` : cls.message, cls.code);
      }
      case 'http': {
        if (cls.ambiguous && policy.sideEffect) return fail(true, `${cls.message} after the message was sent; ${MAYBE_POSTED}.`, null, true);
        if (!cls.ambiguous) return fail(false, `${cls.message}; nothing was done.`);
        const next = await backoff();
        if (next === 'retry') continue;
        return fail(false, `${cls.message}${next === 'aborted' ? ' and the working timeout ran out before Lookout could retry' : ''}.`);
      }
      case 'network': {
        if (cls.sent && policy.sideEffect) return fail(true, `${cls.message} after the message was sent; ${MAYBE_POSTED}.`);
        const next = await backoff();
        if (next === 'retry') continue;
        const nothing = cls.sent ? '' : '; nothing was sent. Check the network (or proxy) between Lookout and slack.com';
        return fail(false, `${cls.message}${nothing}${next === 'aborted' ? ', and the working timeout ran out before Lookout could retry' : ''}.`);
      }
    }
  }
}

/** Sleeps `ms`; false when the signal fired first. */
async function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/**
 * `promise`, or a rejection with AbortedInFlight as soon as the signal fires. WebClient takes
 * no per-call signal; the request itself ends at the client's own timeout, and its late
 * answer is dropped (its rejection handled here, so it is never unhandled).
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortedInFlight());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
