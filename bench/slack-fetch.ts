// What one Slack Web API call costs Lookout's process in CPU: the real WebClient making
// chat.postMessage calls (a firing message's blocks and metadata) over Node's fetch, the way it
// did, and over createSlackFetch (undici's request), the way it does. The server runs in a child
// process and answers as Slack does (the posted message echoed back), so only the caller's CPU is
// counted. Rounds alternate between the two.
//   npm run bench:slack-fetch -- [--calls 10000] [--concurrency 20] [--rounds 3]
// Prints a table, then one JSON line of the figures. Asserts nothing.
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { FetchFunction } from '@slack/web-api';
import { createSlackClient } from '../src/slack-api/client.js';
import { createSlackFetch } from '../src/slack-api/slack-fetch.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
    serve: { type: 'boolean', default: false },
  },
});

if (values.serve) {
  // The child: answers every call as chat.postMessage does, echoing the message.
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const message = { type: 'message', user: 'U0LOOKOUT', text: form.get('text'), blocks: JSON.parse(form.get('blocks') ?? '[]') as unknown, ts: '1700000000.000100' };
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-oauth-scopes': 'chat:write' });
      res.end(JSON.stringify({ ok: true, channel: form.get('channel'), ts: message.ts, message }));
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as { port: number }).port));
} else {
  const CALLS = Number(values.calls);
  const CONCURRENCY = Number(values.concurrency);
  const ROUNDS = Number(values.rounds);
  const loadStart = loadavg()[0]!;
  const child = fork(new URL(import.meta.url).pathname, ['--serve'], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(p as number)));
  const slackApiUrl = `http://127.0.0.1:${port}/api/`;

  const blocks = [
    { type: 'header', text: { type: 'plain_text', text: '🔴 Payments stuck' } },
    { type: 'section', text: { type: 'mrkdwn', text: '*Value* 42 (threshold > 0) · checked 12:00:02 UTC' } },
    { type: 'section', fields: Array.from({ length: 4 }, (_, i) => ({ type: 'mrkdwn', text: `*Field ${i}*\nvalue ${i * 1234.5}` })) },
    { type: 'actions', elements: ['Acknowledge', 'Snooze', 'History'].map((t, i) => ({ type: 'button', action_id: `a${i}`, value: 'alert-1', text: { type: 'plain_text', text: t } })) },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'Lookout · orders-db · every minute' }] },
  ];
  const ways: Record<string, () => FetchFunction> = {
    'Node fetch (before)': () => globalThis.fetch as unknown as FetchFunction,
    'createSlackFetch (now)': () => createSlackFetch(),
  };
  const rows: { way: string; round: number; cpuMsPerCall: number; wallMs: number }[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const [way, make] of Object.entries(ways)) {
      const client = createSlackClient({ token: 'xoxb-bench', slackApiUrl, fetch: make() });
      const post = (i: number) =>
        client.chat.postMessage({ channel: `C0BENCH${i % 500}`, text: 'Payments stuck: 42', blocks, metadata: { event_type: 'lookout_alert', event_payload: { alert: `a${i}` } } });
      for (let i = 0; i < 500; i += 1) await post(i); // warm: connections, JIT
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < CALLS) await post(next++);
        }),
      );
      const cpu = process.cpuUsage(cpu0);
      rows.push({ way, round, cpuMsPerCall: (cpu.user + cpu.system) / 1000 / CALLS, wallMs: performance.now() - t0 });
    }
  }
  child.kill();

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  console.log(`${CALLS} chat.postMessage calls per round, ${CONCURRENCY} at a time, ${ROUNDS} rounds; load ${loadStart.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`);
  console.log('way                     round  CPU ms/call  wall ms');
  for (const row of rows) console.log(`${row.way.padEnd(24)}${String(row.round).padStart(5)}${row.cpuMsPerCall.toFixed(3).padStart(13)}${Math.round(row.wallMs).toString().padStart(9)}`);
  const before = median(rows.filter((r) => r.way.startsWith('Node')).map((r) => r.cpuMsPerCall));
  const now = median(rows.filter((r) => !r.way.startsWith('Node')).map((r) => r.cpuMsPerCall));
  console.log(
    JSON.stringify({
      calls: CALLS,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      cpu_ms_per_call_node_fetch: r3(before),
      cpu_ms_per_call_slack_fetch: r3(now),
      saved_ms_per_call: r3(before - now),
      load_1m_start: Math.round(loadStart * 100) / 100,
      load_1m_end: Math.round(loadavg()[0]! * 100) / 100,
    }),
  );
}
