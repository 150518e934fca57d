// Posts wait their turn per channel (issue 4/6, storm control), with the real WebClient against
// the Slack simulator, which keeps Slack's pace (about one post a second per channel, answering
// faster posting 429 with Retry-After): 429 bursts are waited out and every message arrives once,
// a 429 holds only its channel, the queue is bounded and each post by its working timeout, a lone
// firing alert goes at once, and a storm's digest is found again after an ambiguous failure and
// is never rewritten with one alert's status.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { SLACK_POSTS, type Config } from '../../../../src/config.js';
import { createSlackDelivery, parseMessageRef } from '../../../../src/delivery/slack/slack-delivery.js';
import type { Recipient } from '../../../../src/domain/types.js';
import { silentLogger } from '../../../../src/logger.js';
import type { OutgoingMessage } from '../../../../src/messages/outgoing.js';
import type { Delivery, DeliveryOutcome } from '../../../../src/services/delivery-port.js';
import { createSlackClient } from '../../../../src/slack-api/client.js';
import { makeAlert, makeMessage } from '../../../support/fixtures.js';
import { SLACK_POST_PACE, startSlackSimulator, type SimMessage, type SlackSimulator } from '../../../support/slack-simulator/index.js';

const ALICE = 'U0ALICE01';
const ONE = 'C0ONE0001';
const TWO = 'C0TWO0001';
const T0 = new Date('2026-11-25T09:00:00Z');
const channel = (id: string): Recipient => ({ kind: 'slack_channel', id });
const time = (): AbortSignal => AbortSignal.timeout(25_000);

let sim: SlackSimulator;
let n = 0;

beforeAll(async () => {
  sim = await startSlackSimulator({
    users: [{ id: ALICE, name: 'alice', tz: 'UTC' }],
    channels: [
      { id: ONE, name: 'one', members: [ALICE] },
      { id: TWO, name: 'two', members: [ALICE] },
    ],
  });
});

afterEach(() => {
  sim.faults.clear();
  sim.pace.set(SLACK_POST_PACE);
});

afterAll(async () => {
  await sim.stop();
});

function delivery(posts: Partial<Config['slackPosts']> = {}): Delivery {
  const client = createSlackClient({ token: sim.botToken, slackApiUrl: sim.url, logger: silentLogger() });
  return createSlackDelivery({ client, token: sim.botToken, logger: silentLogger(), clock: () => T0, posts: { ...SLACK_POSTS, ...posts } });
}

/** A report (never digested) or a firing message of its own alert, with a unique text to find. */
function report(label: string): OutgoingMessage {
  n += 1;
  return makeMessage('report', { alert: makeAlert({ id: `report-${n}`, type: 'report', condition: null, name: `${label} #${n}` }), executionId: `exec-${n}` });
}
function firing(label: string): OutgoingMessage {
  n += 1;
  return makeMessage('firing', { alert: makeAlert({ id: `alert-${n}`, name: `${label} #${n}` }), executionId: `exec-${n}`, value: String(n) });
}

const named = (m: OutgoingMessage) => (msgs: SimMessage[]) => msgs.filter((s) => (s.text ?? '').includes(m.alert.name));
const postsTo = (id: string, since: number) => sim.calls('chat.postMessage').filter((c) => c.seq > since && c.args.channel === id);
const mark = () => sim.calls().length;

function okOf(outcome: DeliveryOutcome): Extract<DeliveryOutcome, { ok: true }> {
  if (!outcome.ok) throw new Error(`delivery failed: ${outcome.error}`);
  return outcome;
}

describe('the channel queue', () => {
  it('waits out a burst of 429s: every message arrives once, in order', async () => {
    const d = delivery();
    const since = mark();
    sim.faults.rateLimit({ method: 'chat.postMessage', retryAfter: 1, times: 3 });
    const messages = [report('burst'), report('burst'), report('burst')];
    const outcomes = await Promise.all(messages.map((m) => d.send(channel(ONE), m, time())));
    outcomes.forEach(okOf);
    const statuses = postsTo(ONE, since).map((c) => c.status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    const posted = sim.messages(ONE).filter((m) => (m.text ?? '').includes('burst'));
    expect(posted.map((m) => m.text)).toEqual(messages.map((m) => expect.stringContaining(m.alert.name)));
  });

  it('pauses only the channel Slack rate-limited: another channel posts meanwhile', async () => {
    // Lookout posting faster than Slack takes: the simulator answers 429 to ONE's second post.
    sim.pace.set({ perSecond: 1, burst: 1 });
    const d = delivery({ channelPostsPerS: 10 });
    const since = mark();
    const toOne = [report('paused'), report('paused'), report('paused')];
    const other = report('meanwhile');
    const sends = [...toOne.map((m) => d.send(channel(ONE), m, time())), d.send(channel(TWO), other, time())];
    (await Promise.all(sends)).forEach(okOf);
    const calls = sim.calls('chat.postMessage').filter((c) => c.seq > since);
    expect(calls.filter((c) => c.args.channel === ONE && c.status === 429).length).toBeGreaterThan(0);
    const otherAt = calls.find((c) => c.args.channel === TWO && c.status === 200)!.seq;
    const lastOne = calls.filter((c) => c.args.channel === ONE && c.status === 200).at(-1)!.seq;
    expect(otherAt).toBeLessThan(lastOne);
    for (const m of [...toOne, other]) expect(named(m)(sim.messages())).toHaveLength(1);
  });

  it('refuses a post past the per-channel cap with a sentence; the others still go', async () => {
    const d = delivery({ channelQueueMax: 2 });
    sim.faults.latency({ method: 'chat.postMessage', ms: 300, times: 1 });
    const messages = [report('capped'), report('capped'), report('capped'), report('capped')];
    const outcomes = await Promise.all(messages.map((m) => d.send(channel(ONE), m, time())));
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, false]);
    expect(outcomes[3]).toEqual({
      ok: false,
      unknown: false,
      error: '2 messages were already waiting for this channel (Slack takes about one a second per channel), which is as many as Lookout keeps; this one was not sent',
    });
    expect(named(messages[3]!)(sim.messages(ONE))).toHaveLength(0);
  });

  it('fails a post whose working timeout ends while it waits its turn, saying so; nothing is posted', async () => {
    const d = delivery({ channelPostsPerS: 0.05 });
    const first = report('first in line');
    const late = report('too late');
    const [a, b] = await Promise.all([d.send(channel(TWO), first, time()), d.send(channel(TWO), late, AbortSignal.timeout(300))]);
    okOf(a!);
    expect(b).toEqual({
      ok: false,
      unknown: false,
      error: 'the working timeout ran out while the message waited its turn for the channel (Slack takes about one message a second per channel); it was not sent',
    });
    expect(named(late)(sim.messages(TWO))).toHaveLength(0);
  });

  it('fails a post held by a Retry-After past its working timeout as rate-limited', async () => {
    const d = delivery();
    sim.faults.rateLimit({ method: 'chat.postMessage', retryAfter: 30, times: 2 });
    const messages = [report('held'), report('held')];
    const outcomes = await Promise.all(messages.map((m) => d.send(channel(ONE), m, AbortSignal.timeout(400))));
    for (const o of outcomes) expect(o).toEqual({ ok: false, unknown: false, error: 'Slack rate-limited Lookout and the working timeout ran out before it could retry' });
    for (const m of messages) expect(named(m)(sim.messages(ONE))).toHaveLength(0);
  });
});

describe('storm control', () => {
  it('posts a lone firing alert at once as its own message, even with a window of an hour and a threshold of 1', async () => {
    const d = delivery({ storm: { threshold: 1, windowS: 3600 } });
    const lone = firing('lone');
    const outcome = okOf(await d.send(channel(TWO), lone, time()));
    expect(outcome.digest).toBeUndefined();
    const [posted] = named(lone)(sim.messages(TWO));
    expect(outcome.ref).toBe(`${TWO}:${posted!.ts}`);
  });

  it('after a digest answered 500 once it had posted, each alert finds the digest by its metadata: one digest, each alert in it once', async () => {
    const d = delivery();
    const since = mark();
    // A report takes the first turn; the firing messages wait behind it and go as one digest.
    const first = report('before the storm');
    const storm = Array.from({ length: 7 }, () => firing('storm'));
    const sends = [d.send(channel(ONE), first, time()), ...storm.map((m) => d.send(channel(ONE), m, time()))];
    await sim.waitFor((c) => c.seq > since && c.method === 'chat.postMessage' && String(c.args.text).includes(first.alert.name));
    sim.faults.httpError({ method: 'chat.postMessage', status: 500, afterEffect: true, times: 1 });
    const outcomes = (await Promise.all(sends)).map(okOf);
    const digests = sim.messages(ONE).filter((m) => (m.metadata as { event_type?: string } | undefined)?.event_type === 'lookout_digest' && JSON.stringify(m.blocks).includes(storm[0]!.alert.name));
    const refs = new Set(outcomes.slice(1).map((o) => o.ref));
    expect(refs.size).toBe(1);
    const ref = parseMessageRef([...refs][0]!)!;
    const digest = sim.message(ONE, ref.ts)!;
    expect(digests.map((m) => m.ts)).toEqual([ref.ts]);
    expect(outcomes.slice(1).every((o) => o.digest === true)).toBe(true);
    const text = JSON.stringify(digest.blocks);
    for (const m of storm) expect(text.split(m.alert.name).length - 1).toBe(1);
    // The digest's post was answered 500 though it had landed; the look-ups found it, so nothing went twice.
    expect(postsTo(ONE, since).map((c) => c.status)).toEqual([200, 500]);
  });

  it('threads repeats under the digest and never rewrites it, remembered or looked up', async () => {
    const d = delivery({ storm: { threshold: 1, windowS: 60 } });
    const first = report('before the second storm');
    const storm = [firing('second storm'), firing('second storm')];
    const outcomes = await Promise.all([d.send(channel(TWO), first, time()), ...storm.map((m) => d.send(channel(TWO), m, time()))]);
    const ref = okOf(outcomes[1]!).ref!;
    expect(okOf(outcomes[2]!)).toMatchObject({ ref, digest: true });
    const thread = parseMessageRef(ref)!;

    const repeat = (m: OutgoingMessage): OutgoingMessage => makeMessage('repeat', { alert: m.alert, executionId: `${m.executionId}-2`, value: '99', threadRef: ref });
    // This delivery posted the digest; a fresh one (after a restart) looks up its first message.
    okOf(await d.send(channel(TWO), repeat(storm[0]!), time()));
    okOf(await delivery().send(channel(TWO), repeat(storm[1]!), time()));
    expect(sim.replies(TWO, thread.ts)).toHaveLength(2);
    expect(sim.message(TWO, thread.ts)!.history).toEqual([]);
    expect(sim.calls('chat.update').filter((c) => c.args.ts === thread.ts)).toEqual([]);
  });
});
