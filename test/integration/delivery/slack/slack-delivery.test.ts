// The Slack delivery with the real WebClient 8 against the Slack simulator: what reaches
// Slack for each kind of message, threads and updates of the first firing message, and what
// the outcome says when Slack refuses, rate-limits or fails ambiguously.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { FetchFunction } from '@slack/web-api';
import type { Delivery, DeliveryOutcome } from '../../../../src/services/delivery-port.js';
import type { MessageKind, OutgoingMessage } from '../../../../src/messages/outgoing.js';
import { makeAlert as baseAlert, makeMessage } from '../../../support/fixtures.js';
import { createSlackDelivery, parseMessageRef } from '../../../../src/delivery/slack/slack-delivery.js';
import { createSlackClient } from '../../../../src/slack-api/client.js';
import type { Alert, Recipient } from '../../../../src/domain/types.js';
import { silentLogger } from '../../../../src/logger.js';
import { DEFAULT_SCOPES, startSlackSimulator, type CallRecord, type SlackSimulator } from '../../../support/slack-simulator/index.js';
import { freePort } from '../../../support/ports.js';

const ALERTS = 'C0ALERTS1';
const QUIET = 'C0QUIET01';
const ALICE = 'U0ALICE01';
const BOB = 'U0BOB0001';
const T0 = new Date('2026-11-25T00:00:00Z');

/** The shared alert, as one that pages ALERTS about stuck payments. */
function makeAlert(overrides: Partial<Alert> = {}): Alert {
  return baseAlert({
    name: 'Payments stuck',
    description: 'Orders waiting on payment for more than 10 minutes',
    owners: [ALICE],
    condition: { op: '>', threshold: 0 },
    recipients: [{ kind: 'slack_channel', id: ALERTS }],
    firingSince: T0,
    ...overrides,
  });
}

function outgoing(kind: MessageKind, overrides: Record<string, unknown> = {}): OutgoingMessage {
  // A firing message sent into an incident's thread is a repeat.
  const actual = kind === 'firing' && typeof overrides.threadRef === 'string' ? 'repeat' : kind;
  return makeMessage(actual, {
    alert: makeAlert(kind === 'report' ? { type: 'report', condition: null, name: 'Daily orders' } : {}),
    executionId: `exec-${kind}`,
    scheduledAt: T0,
    evaluatedAt: new Date(T0.getTime() + 2000),
    value: kind === 'report' || kind === 'error_notice' ? null : '42',
    result: { columns: [], rows: [], truncated: false },
    error: 'relation "orders" does not exist',
    failedStep: kind === 'error_notice' ? 'query' : null,
    threadRef: null,
    ...overrides,
  } as never);
}

const channel = (id: string): Recipient => ({ kind: 'slack_channel', id });
const signal = (): AbortSignal => AbortSignal.timeout(20_000);

interface Button {
  type: string;
  text?: { text: string };
}
interface Block {
  type: string;
  elements?: Button[];
}

function buttons(blocks: unknown[] | undefined): string[] {
  return ((blocks ?? []) as Block[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .filter((e) => e.type === 'button')
    .map((e) => e.text?.text ?? '');
}

/** What the outcome says the thread's first message shows now (AlertRuntime.drawn). */
function drawnOf(outcome: DeliveryOutcome): string | undefined {
  return outcome.ok ? outcome.drawn : undefined;
}

function okRef(outcome: DeliveryOutcome): { channel: string; ts: string } {
  if (!outcome.ok) throw new Error(`delivery failed: ${outcome.error}`);
  const ref = parseMessageRef(outcome.ref);
  if (ref === null) throw new Error(`no usable ref: ${String(outcome.ref)}`);
  return ref;
}

describe('Slack delivery (real WebClient, simulated Slack)', () => {
  let sim: SlackSimulator;
  let delivery: Delivery;
  let mark = 0;

  /** Calls since the start of the current test, optionally for one method. */
  const callsNow = (method?: string): CallRecord[] => sim.calls(method).filter((c) => c.seq > mark);
  /** The methods Slack answered since the mark, without 429s (a new delivery does not know the channel's pace yet). */
  const answeredNow = (): string[] => callsNow().filter((c) => c.status !== 429).map((c) => c.method);

  beforeAll(async () => {
    sim = await startSlackSimulator({
      users: [
        { id: ALICE, name: 'alice', realName: 'Alice Kim', tz: 'Asia/Seoul' },
        { id: BOB, name: 'bob', tz: 'Europe/Berlin' },
      ],
      channels: [
        { id: ALERTS, name: 'alerts', members: [ALICE] },
        { id: QUIET, name: 'quiet', members: [ALICE], botIsMember: false },
      ],
    });
    delivery = freshDelivery();
  });

  /** A delivery of its own: its channels have posted nothing yet, so the first post goes at once. */
  function freshDelivery(): Delivery {
    const client = createSlackClient({ token: sim.botToken, slackApiUrl: sim.url, logger: silentLogger() });
    return createSlackDelivery({ client, token: sim.botToken, logger: silentLogger(), clock: () => T0 });
  }

  afterEach(() => {
    sim.faults.clear();
    sim.workspace.scopes = [...DEFAULT_SCOPES];
    mark = sim.calls().length;
  });

  afterAll(async () => {
    await sim.stop();
  });

  /** The incident's first message, and what the delivery said it shows (kept with the alert between runs). */
  async function firstFiring(): Promise<{ ref: string; channel: string; ts: string; drawn: string | undefined }> {
    const outcome = await delivery.send(channel(ALERTS), outgoing('firing'), signal());
    const ref = okRef(outcome);
    return { ...ref, ref: `${ref.channel}:${ref.ts}`, drawn: drawnOf(outcome) };
  }

  it('posts a firing alert to the channel with its name, value and buttons', async () => {
    const outcome = await delivery.send(channel(ALERTS), outgoing('firing'), signal());
    const ref = okRef(outcome);
    // The first message as posted: this alert's own, nothing drawn on it yet.
    expect(outcome).toEqual({ ok: true, ref: `${ALERTS}:${ref.ts}`, note: null, drawn: `${ALERTS}:${ref.ts}|own|` });

    const posts = callsNow('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.args).toMatchObject({
      channel: ALERTS,
      unfurl_links: 'false',
      unfurl_media: 'false',
      metadata: { event_type: 'lookout_alert', event_payload: { alert_id: makeAlert().id, execution_id: 'exec-firing', kind: 'firing' } },
    });
    expect(posts[0]?.args.thread_ts).toBeUndefined();

    const message = sim.message(ALERTS, ref.ts);
    const blocks = JSON.stringify(message?.blocks);
    expect(blocks).toContain('Payments stuck');
    expect(blocks).toContain('42');
    expect(message?.text).toContain('Payments stuck');
    expect(buttons(message?.blocks)).toEqual(expect.arrayContaining(['Run now', 'Snooze 1h', 'Pause']));
  });

  it('replies in the thread of a repeat and updates the first message', async () => {
    const first = await firstFiring();
    mark = sim.calls().length;

    const outcome = await delivery.send(channel(ALERTS), outgoing('firing', { threadRef: first.ref, threadDrawn: first.drawn, value: '57' }), signal());
    expect(outcome).toEqual({ ok: true, ref: first.ref, note: null, drawn: expect.stringMatching(new RegExp(`^${first.ref}\\|own\\|.+`)) });

    const replies = sim.replies(ALERTS, first.ts);
    expect(replies).toHaveLength(1);
    expect(JSON.stringify(replies[0]?.blocks)).toContain('57');
    const original = sim.message(ALERTS, first.ts);
    expect(original?.history).toHaveLength(1);
    expect(JSON.stringify(original?.blocks)).toContain('Firing');
    expect(JSON.stringify(original?.blocks)).toContain('57');
    expect(callsNow().map((c) => c.method)).toEqual(['chat.postMessage', 'chat.update']);
  });

  it('rewrites the first message only when what it shows changed: a repeat that changes nothing is the reply alone', async () => {
    const first = await firstFiring();
    const minute = (n: number) => new Date(T0.getTime() + n * 60_000);
    // As the alert's runtime keeps it: each send's word on the first message, handed to the next.
    let drawn = first.drawn;
    const repeat = async (n: number, value: string, alert: Partial<Alert> = {}) => {
      const outcome = await delivery.send(
        channel(ALERTS),
        outgoing('firing', { threadRef: first.ref, threadDrawn: drawn, value, evaluatedAt: minute(n), executionId: `exec-repeat-${n}`, alert: makeAlert(alert) }),
        signal(),
      );
      drawn = drawnOf(outcome) ?? drawn;
      return outcome;
    };
    const shown = () => JSON.stringify(sim.message(ALERTS, first.ts)?.blocks);
    const updates = () => callsNow('chat.update').length;
    mark = sim.calls().length;

    await repeat(1, '57');
    expect(updates()).toBe(1);
    expect(shown()).toContain('57');
    expect(shown()).toContain('Last changed');
    const drawnAtFirst = shown();
    await repeat(2, '57');
    expect(updates()).toBe(1);
    expect(shown()).toBe(drawnAtFirst);
    expect(sim.replies(ALERTS, first.ts)).toHaveLength(2);

    await repeat(3, '58');
    expect(updates()).toBe(2);
    expect(shown()).toContain('58');
    const ack = { by: BOB, at: minute(3), channel: ALERTS };
    await repeat(4, '58', { ack });
    expect(updates()).toBe(3);
    expect(shown()).toContain(BOB);
    await repeat(5, '58', { ack });
    expect(updates()).toBe(3);

    // An update that failed is tried again at the next run, though the status did not change.
    sim.faults.slackError({ method: 'chat.update', error: 'internal_error', times: 1 });
    const failed = await repeat(6, '59', { ack });
    expect(failed.ok && failed.note).toMatch(/^could not update the first message/);
    await repeat(7, '59', { ack });
    expect(callsNow('chat.update').filter((c) => c.response.ok)).toHaveLength(4);
    expect(shown()).toContain('59');

    const resolved = await delivery.send(channel(ALERTS), outgoing('resolved', { threadRef: first.ref, threadDrawn: drawn, value: '0', evaluatedAt: minute(8), alert: makeAlert({ ack }) }), signal());
    expect(resolved.ok).toBe(true);
    expect(shown()).toContain('Resolved');
    expect(sim.replies(ALERTS, first.ts)).toHaveLength(8);
    // Whose the first message is came with each message: Slack was never asked.
    expect(callsNow('conversations.replies')).toHaveLength(0);
  });

  it('a repeat sent by another instance (nothing in its memory) neither asks whose the first message is nor rewrites what it shows', async () => {
    const first = await firstFiring();
    const repeat = (by: Delivery, n: number, threadDrawn: string | undefined) =>
      by.send(channel(ALERTS), outgoing('firing', { threadRef: first.ref, threadDrawn, value: '57', executionId: `exec-moved-${n}` }), signal());
    const once = await repeat(delivery, 1, first.drawn);
    expect(callsNow('chat.update')).toHaveLength(1);
    mark = sim.calls().length;

    const other = freshDelivery();
    const moved = await repeat(other, 2, drawnOf(once));
    expect(moved).toMatchObject({ ok: true, ref: first.ref, note: null, drawn: drawnOf(once) });
    expect(answeredNow()).toEqual(['chat.postMessage']);
    expect(sim.replies(ALERTS, first.ts)).toHaveLength(2);
  });

  it('asks Slack whose the first message is only when nothing came with the message (a thread from before), and says so for the next', async () => {
    const first = await firstFiring();
    mark = sim.calls().length;
    const unknown = await freshDelivery().send(channel(ALERTS), outgoing('firing', { threadRef: first.ref, value: '57', executionId: 'exec-before-1' }), signal());
    expect(answeredNow()).toEqual(['chat.postMessage', 'conversations.replies', 'chat.update']);
    mark = sim.calls().length;
    await freshDelivery().send(channel(ALERTS), outgoing('firing', { threadRef: first.ref, threadDrawn: drawnOf(unknown), value: '57', executionId: 'exec-before-2' }), signal());
    expect(answeredNow()).toEqual(['chat.postMessage']);
  });

  it('does not take what was said about another message for this one: it asks and draws again', async () => {
    const first = await firstFiring();
    const second = await firstFiring();
    const secondShown = drawnOf(await delivery.send(channel(ALERTS), outgoing('firing', { threadRef: second.ref, threadDrawn: second.drawn, value: '57', executionId: 'exec-other-1' }), signal()));
    expect(secondShown).toMatch(new RegExp(`^${second.ref}\\|own\\|.+`));
    mark = sim.calls().length;
    const outcome = await delivery.send(channel(ALERTS), outgoing('firing', { threadRef: first.ref, threadDrawn: secondShown, value: '57', executionId: 'exec-other-2' }), signal());
    expect(callsNow().map((c) => c.method)).toEqual(['chat.postMessage', 'conversations.replies', 'chat.update']);
    expect(JSON.stringify(sim.message(ALERTS, first.ts)?.blocks)).toContain('57');
    expect(drawnOf(outcome)).toMatch(new RegExp(`^${first.ref}\\|own\\|.+`));
  });

  it('replies "resolved" in the thread and turns the first message into resolved', async () => {
    const first = await firstFiring();
    const outcome = await delivery.send(channel(ALERTS), outgoing('resolved', { threadRef: first.ref, threadDrawn: first.drawn, value: '0' }), signal());
    expect(outcome).toMatchObject({ ok: true, ref: first.ref, note: null });

    const replies = sim.replies(ALERTS, first.ts);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('resolved');
    const original = sim.message(ALERTS, first.ts);
    expect(original?.history).toHaveLength(1);
    expect(original?.text).toContain('resolved');
    expect(JSON.stringify(original?.blocks)).toContain('Resolved');
  });

  it('posts a resolved message at top level when there is no first message', async () => {
    const outcome = await delivery.send(channel(ALERTS), outgoing('resolved'), signal());
    const ref = okRef(outcome);
    expect(sim.message(ALERTS, ref.ts)?.thread_ts).toBeUndefined();
    expect(callsNow('chat.update')).toHaveLength(0);
  });

  it('posts each report at top level', async () => {
    const a = okRef(await delivery.send(channel(ALERTS), outgoing('report'), signal()));
    const b = okRef(await delivery.send(channel(ALERTS), outgoing('report', { threadRef: `${ALERTS}:${a.ts}` }), signal()));
    expect(a.ts).not.toBe(b.ts);
    for (const ts of [a.ts, b.ts]) {
      const message = sim.message(ALERTS, ts);
      expect(message?.thread_ts).toBeUndefined();
      expect(JSON.stringify(message?.blocks)).toContain('Daily orders');
    }
    expect(callsNow('chat.update')).toHaveLength(0);
  });

  it('sends an error notice by DM, opening the conversation once', async () => {
    const outcome = await delivery.send({ kind: 'slack_user', id: ALICE }, outgoing('error_notice'), signal());
    const ref = okRef(outcome);
    const [open, post] = callsNow();
    expect(open?.method).toBe('conversations.open');
    expect(open?.args.users).toBe(ALICE);
    const dm = (open?.response.channel as { id: string }).id;
    expect(post?.method).toBe('chat.postMessage');
    expect(post?.args.channel).toBe(dm);
    expect(ref.channel).toBe(dm);

    const message = sim.message(dm, ref.ts);
    expect(JSON.stringify(message?.blocks)).toContain('relation \\"orders\\" does not exist');
    expect(sim.messages(ALICE).map((m) => m.ts)).toContain(ref.ts);

    okRef(await delivery.send({ kind: 'slack_user', id: ALICE }, outgoing('error_notice'), signal()));
    expect(callsNow('conversations.open')).toHaveLength(1);
  });

  it('says to invite the bot to a channel it is not in', async () => {
    const outcome = await delivery.send(channel(QUIET), outgoing('firing'), signal());
    expect(outcome).toMatchObject({ ok: false, unknown: false });
    expect(!outcome.ok && outcome.error).toContain('/invite');
    expect(sim.messages(QUIET)).toHaveLength(0);
  });

  it('names the missing scope when a DM cannot be opened', async () => {
    sim.workspace.scopes = DEFAULT_SCOPES.filter((s) => s !== 'im:write');
    const outcome = await delivery.send({ kind: 'slack_user', id: BOB }, outgoing('error_notice'), signal());
    expect(outcome).toMatchObject({ ok: false, unknown: false });
    expect(!outcome.ok && outcome.error).toContain('im:write');
    expect(callsNow('chat.postMessage')).toHaveLength(0);
  });

  it('waits out 429s and posts exactly once', async () => {
    sim.faults.rateLimit({ method: 'chat.postMessage', retryAfter: 1, times: 2 });
    const before = sim.messages(ALERTS).length;
    const outcome = await delivery.send(channel(ALERTS), outgoing('firing'), signal());
    okRef(outcome);
    expect(callsNow('chat.postMessage').map((c) => c.status)).toEqual([429, 429, 200]);
    expect(sim.messages(ALERTS)).toHaveLength(before + 1);
  });

  it('gives up when the working timeout ends during a Retry-After', async () => {
    sim.faults.rateLimit({ method: 'chat.postMessage', retryAfter: 30, times: 1 });
    const before = sim.messages(ALERTS).length;
    const outcome = await freshDelivery().send(channel(ALERTS), outgoing('firing'), AbortSignal.timeout(500));
    expect(outcome).toEqual({
      ok: false,
      unknown: false,
      error: 'Slack rate-limited Lookout and the working timeout ran out before it could retry',
    });
    expect(callsNow('chat.postMessage').map((c) => c.status)).toEqual([429]);
    expect(sim.messages(ALERTS)).toHaveLength(before);
  });

  it('after an HTTP 500 it looks, finds the message was not posted, and posts it once', async () => {
    sim.faults.httpError({ method: 'chat.postMessage', status: 500, times: 1 });
    const before = sim.messages(ALERTS).length;
    // Execution ids are unique: an earlier test's firing message must not count as this one.
    okRef(await delivery.send(channel(ALERTS), outgoing('firing', { executionId: 'exec-not-landed' }), signal()));
    expect(callsNow('chat.postMessage').map((c) => c.status)).toEqual([500, 200]);
    const [lookup] = callsNow('conversations.history');
    expect(lookup?.args).toMatchObject({ channel: ALERTS, include_all_metadata: 'true' });
    expect(sim.messages(ALERTS)).toHaveLength(before + 1);
  });

  it('after an HTTP 500 from a post that did land, it finds the message and does not post again', async () => {
    sim.faults.httpError({ method: 'chat.postMessage', status: 500, times: 1, afterEffect: true });
    const before = sim.messages(ALERTS).length;
    const ref = okRef(await delivery.send(channel(ALERTS), outgoing('firing', { executionId: 'exec-landed' }), signal()));
    expect(callsNow('chat.postMessage').map((c) => c.status)).toEqual([500]);
    expect(sim.messages(ALERTS)).toHaveLength(before + 1);
    // The ref is the message Slack did post, so repeats thread under it.
    expect(sim.message(ALERTS, ref.ts)?.metadata).toMatchObject({ event_payload: { execution_id: 'exec-landed', kind: 'firing' } });
  });

  it('looks in the thread for a reply whose post answered 500', async () => {
    const first = await firstFiring();
    sim.faults.httpError({ method: 'chat.postMessage', status: 500, times: 1, afterEffect: true });
    const outcome = await delivery.send(channel(ALERTS), outgoing('firing', { executionId: 'exec-reply', threadRef: first.ref, threadDrawn: first.drawn }), signal());
    expect(outcome.ok).toBe(true);
    expect(callsNow('conversations.replies')[0]?.args).toMatchObject({ channel: ALERTS, ts: first.ts });
    expect(sim.replies(ALERTS, first.ts)).toHaveLength(1);
  });

  it('does not post again when it cannot look (no history scope): the outcome stays unknown', async () => {
    sim.workspace.scopes = DEFAULT_SCOPES.filter((s) => s !== 'channels:history');
    sim.faults.httpError({ method: 'chat.postMessage', status: 500, times: 1 });
    const outcome = await delivery.send(channel(ALERTS), outgoing('firing'), signal());
    expect(outcome).toMatchObject({ ok: false, unknown: true });
    expect(!outcome.ok && outcome.error).toMatch(/HTTP 500.*may or may not have been posted/);
    expect(callsNow('chat.postMessage')).toHaveLength(1);
  });

  it('after internal_error it looks before posting again', async () => {
    sim.faults.slackError({ method: 'chat.postMessage', error: 'internal_error', times: 1 });
    okRef(await delivery.send(channel(ALERTS), outgoing('firing', { executionId: 'exec-internal-error' }), signal()));
    expect(callsNow('chat.postMessage').map((c) => c.response.ok)).toEqual([false, true]);
    expect(callsNow('conversations.history')).toHaveLength(1);
  });

  it('waits out Slack answering 500 and 429 to everything, then delivers once', async () => {
    sim.faults.outage({ method: '*', forMs: 4_000 });
    const before = sim.messages(ALERTS).length;
    okRef(await delivery.send(channel(ALERTS), outgoing('firing', { executionId: 'exec-outage' }), signal()));
    expect(sim.messages(ALERTS)).toHaveLength(before + 1);
    expect(callsNow().filter((c) => c.status === 500).length).toBeGreaterThan(0);
    expect(callsNow().filter((c) => c.status === 429).length).toBeGreaterThan(0);
  }, 30_000);

  it('retries service_unavailable, where nothing was posted', async () => {
    sim.faults.slackError({ method: 'chat.postMessage', error: 'service_unavailable', times: 1 });
    okRef(await delivery.send(channel(ALERTS), outgoing('firing'), signal()));
    expect(callsNow('chat.postMessage').map((c) => c.response.ok)).toEqual([false, true]);
  });

  it('keeps the delivery when only the update of the first message fails', async () => {
    const first = await firstFiring();
    sim.faults.slackError({ method: 'chat.update', error: 'cant_update_message' });
    const outcome = await delivery.send(channel(ALERTS), outgoing('firing', { threadRef: first.ref, threadDrawn: first.drawn }), signal());
    expect(outcome.ok).toBe(true);
    expect(outcome.ok && outcome.note).toMatch(/^could not update the first message: /);
    expect(sim.replies(ALERTS, first.ts)).toHaveLength(1);
  });

  it('says SLACK_BOT_TOKEN is wrong on invalid_auth', async () => {
    const client = createSlackClient({ token: 'xoxb-not-the-token', slackApiUrl: sim.url, logger: silentLogger() });
    const wrong = createSlackDelivery({ client, token: sim.botToken, logger: silentLogger() });
    const outcome = await wrong.send(channel(ALERTS), outgoing('firing'), signal());
    expect(outcome).toMatchObject({ ok: false, unknown: false });
    expect(!outcome.ok && outcome.error).toContain('SLACK_BOT_TOKEN');
  });

  it('reports a request that timed out as unknown and never posts again', async () => {
    const client = createSlackClient({ token: sim.botToken, slackApiUrl: sim.url, logger: silentLogger(), timeoutMs: 300, fetch: sameRealmFetch });
    const impatient = createSlackDelivery({ client, token: sim.botToken, logger: silentLogger() });
    sim.faults.latency({ method: 'chat.postMessage', ms: 1500, times: 1 });
    const outcome = await impatient.send(channel(ALERTS), outgoing('firing'), signal());
    expect(outcome).toMatchObject({ ok: false, unknown: true });
    expect(!outcome.ok && outcome.error).toContain('did not answer in time');
    await sim.waitUntil(() => callsNow('chat.postMessage').length === 1);
    expect(callsNow('chat.postMessage')).toHaveLength(1);
  });

  it('reports a post still in flight when the working timeout ends as unknown', async () => {
    sim.faults.latency({ method: 'chat.postMessage', ms: 1500, times: 1 });
    const outcome = await delivery.send(channel(ALERTS), outgoing('firing'), AbortSignal.timeout(300));
    expect(outcome).toMatchObject({ ok: false, unknown: true });
    expect(!outcome.ok && outcome.error).toContain('working timeout');
    await sim.waitUntil(() => callsNow('chat.postMessage').length === 1);
    expect(callsNow('chat.postMessage')).toHaveLength(1);
  });

  it('retries a refused connection, then says nothing was sent', async () => {
    const port = await freePort();
    const client = createSlackClient({
      token: sim.botToken,
      slackApiUrl: `http://127.0.0.1:${port}/api/`,
      logger: silentLogger(),
      fetch: sameRealmFetch,
    });
    const unreachable = createSlackDelivery({ client, token: sim.botToken, logger: silentLogger() });
    // It keeps retrying until the working timeout: a short one here.
    const outcome = await unreachable.send(channel(ALERTS), outgoing('firing'), AbortSignal.timeout(2_000));
    expect(outcome).toMatchObject({ ok: false, unknown: false });
    expect(!outcome.ok && outcome.error).toContain('ECONNREFUSED');
  });
});

/**
 * Node's fetch, its failures re-made as this realm's Errors. Under Jest's VM, fetch's TypeError
 * is not `instanceof Error` for WebClient, which then keeps only String(error) and loses the
 * socket cause (ECONNREFUSED); outside Jest both share one realm and this changes nothing.
 */
const sameRealmFetch: FetchFunction = async (url, init) => {
  try {
    return await fetch(url, init as RequestInit);
  } catch (err) {
    const e = err as { name?: string; message?: string; cause?: unknown };
    throw Object.assign(new Error(e.message ?? String(err), { cause: e.cause }), { name: e.name ?? 'Error' });
  }
};
