// Reconciliation's Slack look-ups with the real WebClient against the simulator: messages posted
// by the real Slack delivery are found by their metadata (in a channel, a DM, a thread, a storm
// digest), what is not there is absent, and Slack that cannot be asked gives no answer. The
// first message is rewritten only when it is the alert's own.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { WebClient } from '@slack/web-api';
import { createSlackDelivery, parseMessageRef } from '../../../../src/delivery/slack/slack-delivery.js';
import { createSlackSentMessages } from '../../../../src/delivery/slack/slack-sent-messages.js';
import type { Alert, Recipient } from '../../../../src/domain/types.js';
import { silentLogger } from '../../../../src/logger.js';
import type { MessageKind } from '../../../../src/messages/outgoing.js';
import type { Delivery, SentMessages, SentQuery } from '../../../../src/services/delivery-port.js';
import { createSlackClient } from '../../../../src/slack-api/client.js';
import { makeAlert, makeMessage } from '../../../support/fixtures.js';
import { DEFAULT_SCOPES, startSlackSimulator, type SlackSimulator } from '../../../support/slack-simulator/index.js';

const OPS = 'C0OPS0001';
/** Digests are posted here with the bare client: few enough that Slack's pace per channel never answers 429. */
const DIGESTS = 'C0DIGEST1';
const ANA = 'U0ANA0001';
const KINDS: readonly MessageKind[] = ['firing', 'repeat', 'resolved', 'report'];

let sim: SlackSimulator;
let client: WebClient;
let delivery: Delivery;
let sent: SentMessages;
const alert: Alert = makeAlert({ id: 'a-recon', name: 'Payments stuck', owners: [ANA], firingSince: new Date('2026-12-01T09:00:00Z') });
const ops = { kind: 'slack_channel', id: OPS } as const;
const ana = { kind: 'slack_user', id: ANA } as const;
const signal = () => AbortSignal.timeout(10_000);

beforeAll(async () => {
  sim = await startSlackSimulator({ users: [{ id: ANA, name: 'ana', tz: 'UTC' }], channels: [{ id: OPS, name: 'ops', members: [ANA] }, { id: DIGESTS, name: 'digests', members: [ANA] }] });
  client = createSlackClient({ token: sim.botToken, slackApiUrl: sim.url });
  const clock = () => new Date();
  delivery = createSlackDelivery({ client, token: sim.botToken, logger: silentLogger(), clock });
  sent = createSlackSentMessages({ client, logger: silentLogger(), clock });
});

afterEach(() => {
  sim.faults.clear();
  sim.workspace.scopes = [...DEFAULT_SCOPES];
});

afterAll(async () => {
  await sim.stop();
});

/** A query for this execution around now. */
function query(executionId: string, threads: string[] = []): SentQuery {
  const now = Date.now();
  return { executionId, kinds: KINDS, from: new Date(now - 5_000), until: new Date(now + 60_000), threads };
}

async function post(executionId: string, to: Exclude<Recipient, { kind: 'email' }>, threadRef: string | null = null): Promise<string> {
  const message = threadRef === null ? makeMessage('firing', { alert, executionId }) : makeMessage('repeat', { alert, executionId, threadRef });
  const outcome = await delivery.send(to, message, signal());
  if (!outcome.ok || outcome.ref === null) throw new Error(`the post failed: ${JSON.stringify(outcome)}`);
  return outcome.ref;
}

describe('finding a send afterwards', () => {
  it('finds a channel post by its execution id, with the ref a delivery records', async () => {
    const ref = await post('exec-channel', ops);
    expect(await sent.find(ops, query('exec-channel'), signal())).toEqual({ kind: 'found', ref, reply: false, digest: false });
  });

  it("finds a person's DM, opening the conversation as the delivery does", async () => {
    const ref = await post('exec-dm', ana);
    expect(ref.startsWith('D')).toBe(true);
    expect(await sent.find(ana, query('exec-dm'), signal())).toEqual({ kind: 'found', ref, reply: false, digest: false });
  });

  it('finds a reply in a thread it is given, recording the thread as a repeat does', async () => {
    const thread = await post('exec-first', ops);
    await post('exec-reply', ops, thread);
    expect(await sent.find(ops, query('exec-reply'), signal())).toEqual({ kind: 'absent' });
    expect(await sent.find(ops, query('exec-reply', [thread]), signal())).toEqual({ kind: 'found', ref: thread, reply: true, digest: false });
  });

  it('finds a send that went inside a storm digest listing its execution', async () => {
    const digest = await client.chat.postMessage({
      channel: DIGESTS,
      text: '3 alerts are firing',
      metadata: { event_type: 'lookout_digest', event_payload: { kind: 'firing', listed: [{ alert_id: 'x', execution_id: 'exec-other' }, { alert_id: alert.id, execution_id: 'exec-digested' }] } },
    });
    const digests = { kind: 'slack_channel', id: DIGESTS } as const;
    expect(await sent.find(digests, query('exec-digested'), signal())).toEqual({ kind: 'found', ref: `${DIGESTS}:${digest.ts}`, reply: false, digest: true });
  });

  it("is absent when nothing of that execution is there; an owner notice in the same DM does not count", async () => {
    await delivery.send(ana, makeMessage('error_notice', { alert, executionId: 'exec-noticed' }), signal());
    expect(await sent.find(ana, query('exec-noticed'), signal())).toEqual({ kind: 'absent' });
    expect(await sent.find(ops, query('exec-never'), signal())).toEqual({ kind: 'absent' });
  });

  it('looks only in the window around the send', async () => {
    await post('exec-window', ops);
    const later = { ...query('exec-window'), from: new Date(Date.now() + 120_000), until: new Date(Date.now() + 600_000) };
    expect(await sent.find(ops, later, signal())).toEqual({ kind: 'absent' });
  });

  it('gives no answer when Slack cannot be asked (a missing history scope, an error)', async () => {
    await post('exec-scope', ops);
    sim.workspace.scopes = DEFAULT_SCOPES.filter((s) => s !== 'channels:history');
    const noScope = await sent.find(ops, query('exec-scope'), signal());
    expect(noScope.kind).toBe('unanswered');
    sim.workspace.scopes = [...DEFAULT_SCOPES];
    sim.faults.httpError({ method: 'conversations.history', status: 503 });
    expect((await sent.find(ops, query('exec-scope'), AbortSignal.timeout(1_500))).kind).toBe('unanswered');
  });

  it('gives no answer rather than "absent" when more was posted than it reads', async () => {
    // Read 2 pages of 2 here (200 of 5 by default); the delivery posts at Slack's pace.
    const few = createSlackSentMessages({ client, logger: silentLogger(), clock: () => new Date(), pages: { size: 2, max: 2 } });
    const busy = 'C0BUSY001';
    sim.workspace.addChannel({ id: busy, name: 'busy', members: [ANA] });
    for (let i = 0; i < 5; i += 1) await post(`exec-noise-${i}`, { kind: 'slack_channel', id: busy });
    const answer = await few.find({ kind: 'slack_channel', id: busy }, query('exec-busy'), signal());
    expect(answer).toMatchObject({ kind: 'unanswered', why: expect.stringContaining('more than 4 messages') });
    expect(await few.find({ kind: 'slack_channel', id: busy }, query('exec-noise-4'), signal())).toMatchObject({ kind: 'found' });
  });
});

describe('rewriting the first message', () => {
  const status = { alert, value: '77', at: new Date('2026-12-01T09:03:00Z'), series: null };

  it("rewrites the alert's own first message to its firing status", async () => {
    const ref = await post('exec-own', ops);
    expect(await sent.showFiring(ref, status, signal())).toBeNull();
    const message = sim.message(OPS, parseMessageRef(ref)!.ts);
    expect(message?.history).toHaveLength(1);
    expect(message?.text).toContain('Payments stuck is firing');
    expect(JSON.stringify(message?.blocks)).toContain('77');
  });

  it("leaves a storm digest and another alert's message alone", async () => {
    const digest = await client.chat.postMessage({ channel: DIGESTS, text: 'digest', metadata: { event_type: 'lookout_digest', event_payload: { kind: 'firing', listed: [] } } });
    const other = await delivery.send(ops, makeMessage('firing', { alert: { ...alert, id: 'another' }, executionId: 'exec-another' }), signal());
    const refs = [`${DIGESTS}:${digest.ts}`, other.ok ? (other.ref ?? '') : ''];
    for (const ref of refs) {
      expect(await sent.showFiring(ref, status, signal())).toBeNull();
      const { channel, ts } = parseMessageRef(ref)!;
      expect(sim.message(channel, ts)?.history).toHaveLength(0);
    }
  });
});
