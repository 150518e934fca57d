// The path every HTTP endpoint shares (Web API methods, the upload URL, response_url):
// apply the faults switched on for it, run the endpoint, record the call and its answer.
import type { ServerResponse } from 'node:http';
import type { CallLog, CallRecord } from './call-log.js';
import type { Faults } from './faults.js';
import { sendJson, sendText } from './http-body.js';
import type { Json } from './records.js';

export interface Answer {
  status: number;
  /** JSON body, or plain text (the upload URL answers "OK - <bytes>"). */
  body: Json | string;
  headers?: Record<string, string>;
  /** A 429 for posting faster than Slack's pace (pace.ts): its Retry-After seconds. */
  paced?: number;
}

export interface RecordedCall {
  method: string;
  args: Json;
  tokenKind: CallRecord['tokenKind'];
}

export async function serveRecorded(
  deps: { faults: Faults; log: CallLog },
  res: ServerResponse,
  call: RecordedCall,
  produce: () => Promise<Answer> | Answer,
): Promise<void> {
  const plan = deps.faults.plan(call.method);
  if (plan.latencyMs > 0) await sleep(plan.latencyMs);
  let answer: Answer;
  switch (plan.answer?.kind) {
    case 'rate_limited':
      answer = { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(plan.answer.retryAfter) } };
      break;
    case 'http_error':
      if (plan.answer.afterEffect) await produce();
      answer = { status: plan.answer.status, body: `simulated HTTP ${plan.answer.status}` };
      break;
    case 'slack_error':
      answer = { status: 200, body: { ok: false, error: plan.answer.error, ...plan.answer.extra } };
      break;
    case undefined:
      answer = await produce();
  }
  deps.log.addCall({
    ...call,
    at: new Date(),
    status: answer.status,
    response: typeof answer.body === 'string' ? { text: answer.body } : answer.body,
    // A pace 429 is listed as a rate limit, like a switched-on one: tests that tell faults from answers see it.
    faults: answer.paced === undefined ? plan.applied : [...plan.applied, { kind: 'rate_limited', detail: answer.paced }],
  });
  if (res.destroyed) return; // the simulator stopped meanwhile
  if (typeof answer.body === 'string') sendText(res, answer.status, answer.body, answer.headers);
  else sendJson(res, answer.status, answer.body, answer.headers);
}

function sleep(ms: number): Promise<void> {
  // Unref'd: a pending delay must not keep Jest alive after stop().
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
