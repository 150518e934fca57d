// The Slack simulator driven by the real libraries Lookout uses: a Bolt 5.1 App in Socket
// Mode and a WebClient 8.2, both pointed at the simulator's slackApiUrl. If Slack-facing
// behaviour here drifts from the real libraries, the e2e suites built on it would lie.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { App, LogLevel } from '@slack/bolt';
import { ErrorCode, LogLevel as WebLogLevel, WebAPIPlatformError, WebClient } from '@slack/web-api';
import { DEFAULT_SCOPES, type Json, SLACK_POST_PACE, type SlackSimulator, startSlackSimulator } from '../../support/slack-simulator/index.js';

const ALICE = 'U0ALICE01';
const BOB = 'U0BOB0001';
const ALERTS = 'C0ALERTS1';
const QUIET = 'C0QUIET01';
const PACED = 'C0PACED01';

const option = (value: string, text: string) => ({ text: { type: 'plain_text' as const, text }, value });
const alertModal = {
  type: 'modal' as const,
  callback_id: 'alert_modal',
  title: { type: 'plain_text' as const, text: 'New alert' },
  submit: { type: 'plain_text' as const, text: 'Save' },
  blocks: [
    { type: 'input', block_id: 'name', label: { type: 'plain_text', text: 'Name' }, element: { type: 'plain_text_input', action_id: 'name_input' } },
    {
      type: 'input',
      block_id: 'schedule',
      label: { type: 'plain_text', text: 'Schedule' },
      element: { type: 'static_select', action_id: 'schedule_select', options: [option('hourly', 'Hourly'), option('daily', 'Daily')], initial_option: option('daily', 'Daily') },
    },
    { type: 'input', block_id: 'recipients', label: { type: 'plain_text', text: 'Post to' }, element: { type: 'multi_conversations_select', action_id: 'channels' } },
  ],
};
const runNowBlocks = [
  { type: 'section', text: { type: 'mrkdwn', text: '*CPU* is above 90%' } },
  { type: 'actions', block_id: 'alert_actions', elements: [{ type: 'button', action_id: 'run_now', text: { type: 'plain_text', text: 'Run now' }, value: 'alert-7' }] },
];

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && error.code === ErrorCode.PlatformError ? (error as WebAPIPlatformError).data.error : undefined;
}

describe('slack simulator with the real Bolt app and WebClient', () => {
  let sim: SlackSimulator;
  let app: App;
  let web: WebClient;
  const submissions: Json[] = [];
  const clicks: Json[] = [];

  beforeAll(async () => {
    sim = await startSlackSimulator({
      users: [
        { id: ALICE, name: 'alice', realName: 'Alice Kim', tz: 'Asia/Seoul', email: 'alice@example.com' },
        { id: BOB, name: 'bob', tz: 'Europe/Berlin', email: 'bob@example.com' },
      ],
      channels: [
        { id: ALERTS, name: 'alerts', members: [ALICE, BOB] },
        { id: QUIET, name: 'quiet', members: [BOB], botIsMember: false },
        { id: PACED, name: 'paced', members: [ALICE] },
      ],
    });
    // Slack's pace per channel has its own test below; the others post as fast as they like.
    sim.pace.set(null);
    const clientOptions = { slackApiUrl: sim.url };
    app = new App({ token: sim.botToken, appToken: sim.appToken, socketMode: true, clientOptions, installerOptions: { clientOptions }, logLevel: LogLevel.ERROR });
    app.command('/alert', async ({ ack, body, client }) => {
      await ack();
      await client.views.open({ trigger_id: body.trigger_id, view: alertModal });
    });
    app.view('alert_modal', async ({ ack, view }) => {
      submissions.push(view.state.values as unknown as Json);
      const name = view.state.values.name?.name_input?.value;
      if (!name) await ack({ response_action: 'errors', errors: { name: 'Give the alert a name' } });
      else await ack();
    });
    app.action('run_now', async ({ ack, body, respond }) => {
      await ack();
      clicks.push(body as unknown as Json);
      await respond({ text: 'Running alert-7 now' });
    });
    app.event('app_home_opened', async ({ event, client }) => {
      await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Your alerts' } }] } });
    });
    await app.start();
    await sim.waitForConnection();
    // Quick retries: the default policy waits minutes between attempts.
    web = new WebClient(sim.botToken, { slackApiUrl: sim.url, logLevel: WebLogLevel.ERROR, retryConfig: { retries: 3, minTimeout: 10, maxTimeout: 100 } });
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  });

  describe('Socket Mode with Bolt', () => {
    it('delivers /alert, whose handler acks and opens a modal with the fresh trigger_id', async () => {
      const ack = await sim.slashCommand({ command: '/alert', text: 'new', user_id: ALICE, channel_id: ALERTS });
      expect(ack).toEqual({});
      const open = await sim.waitFor((c) => c.method === 'views.open');
      expect(open.response).toMatchObject({ ok: true, view: { callback_id: 'alert_modal', id: expect.stringMatching(/^V/) } });
      expect(sim.topView(ALICE)?.callback_id).toBe('alert_modal');
      const [envelope] = sim.envelopes('slash_commands');
      expect(envelope?.payload).toMatchObject({ command: '/alert', text: 'new', user_id: ALICE, channel_id: ALERTS, trigger_id: open.args.trigger_id });
    });

    it('returns a view submission ack with field errors, then closes the modal on a plain ack', async () => {
      const modal = sim.topView(ALICE);
      if (!modal) throw new Error('no modal open');
      const refused = await sim.viewSubmission({ view: modal.id, values: { recipients: { channels: [ALERTS] } } });
      expect(refused).toEqual({ response_action: 'errors', errors: { name: 'Give the alert a name' } });
      expect(sim.views({ open: true }).map((v) => v.id)).toContain(modal.id);

      const accepted = await sim.viewSubmission({ view: modal.id, values: { name: { name_input: 'CPU high' }, schedule: { schedule_select: 'hourly' }, recipients: { channels: [ALERTS] } } });
      expect(accepted).toEqual({});
      expect(sim.topView(ALICE)).toBeUndefined();
      // Untouched fields carry their initial value; set ones take Slack's shapes.
      expect(submissions[0]).toMatchObject({ schedule: { schedule_select: { type: 'static_select', selected_option: { value: 'daily' } } }, name: { name_input: { value: null } } });
      expect(submissions[1]).toEqual({
        name: { name_input: { type: 'plain_text_input', value: 'CPU high' } },
        schedule: { schedule_select: { type: 'static_select', selected_option: option('hourly', 'Hourly') } },
        recipients: { channels: { type: 'multi_conversations_select', selected_conversations: [ALERTS] } },
      });
    });

    it('delivers a button click on a posted message, and records what the app sends to response_url', async () => {
      const posted = await web.chat.postMessage({ channel: ALERTS, text: 'CPU is above 90%', blocks: runNowBlocks });
      const ack = await sim.blockAction({ user: ALICE, action_id: 'run_now', message: { channel: ALERTS, ts: posted.ts as string } });
      expect(ack).toEqual({});
      expect(clicks[0]).toMatchObject({ type: 'block_actions', actions: [{ action_id: 'run_now', block_id: 'alert_actions', value: 'alert-7' }], message: { ts: posted.ts } });
      const ephemeral = await sim.waitUntil(() => sim.ephemerals(ALICE).find((e) => e.via === 'response_url'));
      expect(ephemeral).toMatchObject({ channel: ALERTS, text: 'Running alert-7 now' });
    });

    it('delivers app_home_opened; the app publishes a Home view', async () => {
      await sim.event({ type: 'app_home_opened', user: BOB, tab: 'home' });
      const home = await sim.waitUntil(() => sim.homeView(BOB));
      expect(home).toMatchObject({ type: 'home', blocks: [{ text: { text: 'Your alerts' } }] });
      expect(sim.envelopes('events_api')[0]?.payload).toMatchObject({ type: 'event_callback', event_id: expect.stringMatching(/^Ev/), event: { channel: expect.stringMatching(/^D/) } });
    });

    it('rejects clearly when the app does not ack within 3 s', async () => {
      await expect(sim.slashCommand({ command: '/unhandled', user_id: BOB, channel_id: ALERTS })).rejects.toThrow(/no ack for slash command \/unhandled/);
    });

    it('lets Bolt reconnect after a dropped socket, then handles the next command', async () => {
      const opensBefore = sim.calls('apps.connections.open').length;
      expect(sim.dropConnections()).toBe(1);
      await sim.waitForConnection(20_000);
      expect(sim.calls('apps.connections.open').length).toBe(opensBefore + 1);
      expect(sim.faultEvents().some((f) => f.kind === 'socket_drop')).toBe(true);
      const opened = sim.calls('views.open').length;
      await sim.slashCommand({ text: 'new', user_id: BOB, channel_id: ALERTS });
      await sim.waitUntil(() => sim.calls('views.open').length > opened);
      expect(sim.topView(BOB)?.callback_id).toBe('alert_modal');
    }, 40_000);

    it('sends each envelope to one of several connections, round-robin', async () => {
      const second = new App({ token: sim.botToken, appToken: sim.appToken, socketMode: true, clientOptions: { slackApiUrl: sim.url }, logLevel: LogLevel.ERROR });
      second.command('/alert', async ({ ack }) => ack({ text: 'from the second instance' }));
      await second.start();
      try {
        await sim.waitUntil(() => sim.connectionCount() === 2);
        const acks = [await sim.slashCommand({ text: 'list', user_id: BOB }), await sim.slashCommand({ text: 'list', user_id: BOB })];
        expect(acks).toContainEqual({ text: 'from the second instance' });
        expect(acks).toContainEqual({});
        const [a, b] = sim.envelopes('slash_commands').slice(-2).map((e) => e.connection);
        expect(a).not.toBe(b);
        // An ack with text is the command's visible answer: an ephemeral to the user.
        expect(sim.ephemerals(BOB).filter((e) => e.via === 'ack').map((e) => e.text)).toEqual(['from the second instance']);
      } finally {
        await second.stop();
      }
      await sim.waitUntil(() => sim.connectionCount() === 1);
    });
  });

  describe('Web API with WebClient', () => {
    it('answers auth.test with the bot identity and X-OAuth-Scopes', async () => {
      const result = await web.auth.test();
      expect(result).toMatchObject({ ok: true, user_id: 'U0BOT0001', bot_id: 'B0BOT0001', team_id: 'T0LOOKOUT' });
      expect(result.response_metadata?.scopes).toEqual(DEFAULT_SCOPES);
    });

    it('posts, threads and updates messages with increasing ts', async () => {
      const parent = await web.chat.postMessage({ channel: ALERTS, text: 'parent' });
      const reply = await web.chat.postMessage({ channel: ALERTS, text: 'reply', thread_ts: parent.ts });
      expect(parent.ts).toMatch(/^\d{10}\.\d{6}$/);
      expect(Number(reply.ts)).toBeGreaterThan(Number(parent.ts));
      await web.chat.update({ channel: ALERTS, ts: parent.ts as string, text: 'parent (resolved)' });
      const stored = sim.message(ALERTS, parent.ts as string);
      expect(stored).toMatchObject({ text: 'parent (resolved)', history: [{ text: 'parent' }] });
      expect(sim.replies(ALERTS, parent.ts as string).map((m) => m.text)).toEqual(['reply']);
      await expect(web.chat.update({ channel: ALERTS, ts: '1.000001', text: 'x' }).catch(errorCode)).resolves.toBe('message_not_found');
    });

    it("takes Slack's own chart and table blocks within their limits, and answers invalid_blocks past them", async () => {
      const line = (over: Record<string, unknown> = {}) => ({
        type: 'data_visualization',
        title: 'Orders',
        chart: {
          type: 'line',
          series: [{ name: 'orders', data: [{ label: 'Mon', value: 3 }, { label: 'Tue', value: 5 }] }],
          axis_config: { categories: ['Mon', 'Tue'] },
          ...over,
        },
      });
      const table = (rows: number, cells = 2) => ({ type: 'table', rows: Array.from({ length: rows }, (_, r) => Array.from({ length: cells }, (_, c) => ({ type: 'raw_text', text: `${r}.${c}` }))) });
      const post = (blocks: unknown[]) => web.chat.postMessage({ channel: ALERTS, text: 'chart', blocks: blocks as never }).then(() => 'ok', errorCode);
      await expect(post([line(), table(100, 20)])).resolves.toBe('ok');
      await expect(post([line({ type: 'pie', segments: [{ label: 'a', value: 1 }] })])).resolves.toBe('ok');
      const tooMany = Array.from({ length: 7 }, (_, i) => ({ name: `s${i}`, data: [{ label: 'Mon', value: i }] }));
      const offAxis = [{ name: 'x', data: [{ label: 'Sun', value: 1 }] }];
      const longLabel = [{ name: 'x'.repeat(21), data: [{ label: 'Mon', value: 1 }] }];
      const twentyOne = [{ name: 'x', data: Array.from({ length: 21 }, () => ({ label: 'Mon', value: 1 })) }];
      for (const bad of [
        [{ ...line(), title: 't'.repeat(51) }],
        [line({ series: tooMany })],
        [line({ series: offAxis })],
        [line({ series: longLabel })],
        [line({ series: twentyOne })],
        [line({ type: 'pie', segments: [{ label: 'a', value: 0 }] })],
        [line(), line(), line()],
        [table(101)],
        [table(2, 21)],
        [table(2), table(2)],
        [{ type: 'table', rows: [[{ type: 'raw_text', text: '' }]] }],
      ]) {
        await expect(post(bad)).resolves.toBe('invalid_blocks');
      }
      sim.workspace.nativeBlocks = false;
      await expect(post([table(2)])).resolves.toBe('invalid_blocks');
      sim.workspace.nativeBlocks = true;
    });

    it('refuses a channel the bot is not in with not_in_channel, and unknown ones with channel_not_found', async () => {
      const refusal = await web.chat.postMessage({ channel: QUIET, text: 'hello' }).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(Error);
      expect((refusal as WebAPIPlatformError).code).toBe(ErrorCode.PlatformError);
      expect((refusal as WebAPIPlatformError).data.error).toBe('not_in_channel');
      await expect(web.chat.postMessage({ channel: 'C0NOPE', text: 'x' }).catch(errorCode)).resolves.toBe('channel_not_found');
      sim.workspace.botLeave(ALERTS);
      await expect(web.chat.postMessage({ channel: ALERTS, text: 'x' }).catch(errorCode)).resolves.toBe('not_in_channel');
      sim.workspace.botJoin(ALERTS);
    });

    it('opens a stable DM per user, and posts to a user id into that DM', async () => {
      const first = await web.conversations.open({ users: ALICE });
      const again = await web.conversations.open({ users: ALICE });
      expect(first.channel?.id).toMatch(/^D/);
      expect(again.channel?.id).toBe(first.channel?.id);
      const posted = await web.chat.postMessage({ channel: ALICE, text: 'a DM' });
      expect(posted.channel).toBe(first.channel?.id);
      expect(sim.messages(ALICE).map((m) => m.text)).toContain('a DM');
    });

    it('answers users, channel and member look-ups the way Slack shapes them', async () => {
      const user = await web.users.info({ user: ALICE });
      expect(user.user).toMatchObject({ tz: 'Asia/Seoul', tz_offset: 32400, profile: { email: 'alice@example.com' } });
      expect((await web.users.lookupByEmail({ email: 'BOB@example.com' })).user?.id).toBe(BOB);
      expect((await web.conversations.info({ channel: QUIET })).channel).toMatchObject({ name: 'quiet', is_member: false, is_private: false });
      const pages: string[][] = [];
      for await (const page of web.paginate('conversations.members', { channel: ALERTS, limit: 2 })) pages.push((page as { members?: string[] }).members ?? []);
      expect(pages).toEqual([[ALICE, BOB], ['U0BOT0001']]);
    });

    it('uploads two files into a thread with filesUploadV2, bytes intact', async () => {
      const parent = await web.chat.postMessage({ channel: ALERTS, text: 'results' });
      const csv = '지역,매출\n서울,1200\n부산,800\n';
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x10]);
      const before = sim.calls().length;
      await web.filesUploadV2({
        channel_id: ALERTS,
        thread_ts: parent.ts as string,
        initial_comment: 'Query result',
        file_uploads: [
          { content: csv, filename: 'result.csv', title: '결과' },
          { file: png, filename: 'chart.png' },
        ],
      });
      const made = sim.calls().slice(before).map((c) => c.method);
      expect(made.filter((m) => m === 'files.getUploadURLExternal')).toHaveLength(2);
      expect(made.filter((m) => m === 'upload')).toHaveLength(2);
      expect(made.filter((m) => m === 'files.completeUploadExternal')).toHaveLength(1);
      const files = sim.files().filter((f) => f.thread_ts === parent.ts);
      const csvFile = files.find((f) => f.name === 'result.csv');
      expect(csvFile?.bytes.toString('utf8')).toBe(csv);
      expect(csvFile).toMatchObject({ title: '결과', channel: ALERTS, mimetype: 'text/csv', declaredLength: Buffer.byteLength(csv) });
      expect(files.find((f) => f.name === 'chart.png')?.bytes.equals(png)).toBe(true);
      const shared = sim.replies(ALERTS, parent.ts as string).find((m) => m.via === 'files.completeUploadExternal');
      expect(shared?.text).toBe('Query result');
      expect(shared?.files?.map((f) => f.name).sort()).toEqual(['chart.png', 'result.csv']);
    });

    it('guards modals: stale hash → hash_conflict, old trigger → expired_trigger_id', async () => {
      await sim.slashCommand({ text: 'new', user_id: ALICE, channel_id: ALERTS });
      const modal = await sim.waitUntil(() => sim.topView(ALICE));
      await web.views.update({ view_id: modal.id, hash: modal.hash, view: alertModal });
      await expect(web.views.update({ view_id: modal.id, hash: modal.hash, view: alertModal }).catch(errorCode)).resolves.toBe('hash_conflict');
      const trigger = sim.envelopes('slash_commands').at(-1)?.payload.trigger_id as string;
      await expect(web.views.open({ trigger_id: trigger, view: alertModal }).catch(errorCode)).resolves.toBe('exchanged_trigger_id');
      sim.expireTriggers();
      await sim.blockAction({ user: ALICE, action_id: 'run_now', channel: ALERTS });
      const late = sim.envelopes('interactive').at(-1)?.payload.trigger_id as string;
      sim.expireTriggers();
      await expect(web.views.open({ trigger_id: late, view: alertModal }).catch(errorCode)).resolves.toBe('expired_trigger_id');
      // Without notify_on_close Slack sends nothing when the user closes the modal.
      await expect(sim.viewClosed({ view: modal.id })).resolves.toBeNull();
      expect(sim.topView(ALICE)).toBeUndefined();
    });

    it('answers unknown methods and tokens like Slack', async () => {
      await expect(web.apiCall('alerts.frobnicate').catch(errorCode)).resolves.toBe('unknown_method');
      expect(sim.calls('alerts.frobnicate')).toHaveLength(1);
      const stranger = new WebClient('xoxb-not-ours', { slackApiUrl: sim.url, logLevel: WebLogLevel.ERROR });
      await expect(stranger.auth.test().catch(errorCode)).resolves.toBe('invalid_auth');
    });
  });

  describe('state values', () => {
    const view = {
      id: 'V0LOCAL', hash: 'h', type: 'modal', root_view_id: null, previous_view_id: null, state: { values: {} },
      blocks: [
        { type: 'input', block_id: 'days', element: { type: 'checkboxes', action_id: 'pick', options: [option('mon', 'Mon'), option('tue', 'Tue')] } },
        { type: 'input', block_id: 'mode', element: { type: 'radio_buttons', action_id: 'pick', options: [option('rows', 'Rows'), option('value', 'Value')] } },
        { type: 'input', block_id: 'at', element: { type: 'datetimepicker', action_id: 'when' } },
        { type: 'input', block_id: 'time', element: { type: 'timepicker', action_id: 't', timezone: 'Asia/Seoul', initial_time: '09:00' } },
        { type: 'input', block_id: 'day', element: { type: 'datepicker', action_id: 'd' } },
        { type: 'input', block_id: 'owners', element: { type: 'multi_users_select', action_id: 'users' } },
        { type: 'actions', block_id: 'buttons', elements: [{ type: 'button', action_id: 'test', text: { type: 'plain_text', text: 'Test' } }] },
      ],
    };

    it('builds Slack-shaped state from simple values, using each element type', () => {
      const state = sim.stateValues(view, { days: { pick: ['tue'] }, mode: { pick: 'rows' }, at: { when: 1764043200 }, day: { d: '2026-03-29' }, owners: { users: [ALICE] } });
      expect(state).toEqual({
        days: { pick: { type: 'checkboxes', selected_options: [option('tue', 'Tue')] } },
        mode: { pick: { type: 'radio_buttons', selected_option: option('rows', 'Rows') } },
        at: { when: { type: 'datetimepicker', selected_date_time: 1764043200 } },
        time: { t: { type: 'timepicker', selected_time: '09:00', timezone: 'Asia/Seoul' } },
        day: { d: { type: 'datepicker', selected_date: '2026-03-29' } },
        owners: { users: { type: 'multi_users_select', selected_users: [ALICE] } },
      });
    });

    it('names the elements a view has when a value targets one it lacks', () => {
      expect(() => sim.stateValues(view, { dayz: { d: '2026-01-01' } })).toThrow(/no stateful element dayz\/d .*day\/d/);
    });
  });

  describe("Slack's pace per channel", () => {
    afterAll(() => sim.pace.set(null));

    it('takes a burst of 3 posts to one channel, answers the 4th 429 with Retry-After and posts nothing; other channels go on', async () => {
      sim.pace.set(SLACK_POST_PACE);
      // Each 429 handed back, not retried, so the answers are seen as Slack gave them.
      const strict = new WebClient(sim.botToken, { slackApiUrl: sim.url, logLevel: WebLogLevel.ERROR, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
      const post = (channel: string, text: string) => strict.chat.postMessage({ channel, text }).then(() => 'ok', (e: { code?: string; retryAfter?: number }) => `${e.code ?? 'error'}:${e.retryAfter ?? ''}`);
      const answers = [];
      for (let i = 0; i < 4; i += 1) answers.push(await post(PACED, `paced ${i}`));
      expect(answers).toEqual(['ok', 'ok', 'ok', 'slack_webapi_rate_limited_error:1']);
      expect(sim.messages(PACED).map((m) => m.text)).toEqual(['paced 0', 'paced 1', 'paced 2']);
      const refused = sim.calls('chat.postMessage').find((c) => c.args.text === 'paced 3');
      expect(refused).toMatchObject({ status: 429, faults: [{ kind: 'rate_limited', detail: 1 }] });
      // Another channel has a bucket of its own.
      await expect(post(ALERTS, 'not held by #paced')).resolves.toBe('ok');
      // WebClient's own retry waits Retry-After and gets through.
      await expect(web.chat.postMessage({ channel: PACED, text: 'paced 4' })).resolves.toMatchObject({ ok: true });
      expect(sim.messages(PACED).map((m) => m.text)).toEqual(['paced 0', 'paced 1', 'paced 2', 'paced 4']);
    });
  });

  describe('faults', () => {
    it('answers 429 with Retry-After; WebClient waits, retries, and the message is posted once', async () => {
      const rule = sim.faults.rateLimit({ method: 'chat.postMessage', retryAfter: 1, times: 1 });
      const posted = await web.chat.postMessage({ channel: ALERTS, text: 'after a 429' });
      rule.remove();
      const attempts = sim.calls('chat.postMessage').filter((c) => c.args.text === 'after a 429');
      expect(attempts.map((c) => c.status)).toEqual([429, 200]);
      expect(attempts[0]?.faults).toEqual([{ kind: 'rate_limited', detail: 1 }]);
      expect(sim.messages(ALERTS).filter((m) => m.text === 'after a 429').map((m) => m.ts)).toEqual([posted.ts]);
    });

    it('answers 500 once; WebClient retries and succeeds', async () => {
      sim.faults.httpError({ method: 'chat.postMessage', status: 500, times: 1 });
      await web.chat.postMessage({ channel: ALERTS, text: 'after a 500' });
      expect(sim.calls('chat.postMessage').filter((c) => c.args.text === 'after a 500').map((c) => c.status)).toEqual([500, 200]);
      expect(sim.faultEvents().some((f) => f.kind === 'http_error' && f.detail === 500)).toBe(true);
    });

    it('fails a method with a Slack error code, and adds latency, until removed', async () => {
      const scope = sim.faults.slackError({ method: 'chat.postMessage', error: 'missing_scope', extra: { needed: 'chat:write' } });
      const slow = sim.faults.latency({ method: '*', ms: 20 });
      await expect(web.chat.postMessage({ channel: ALERTS, text: 'x' }).catch((e: WebAPIPlatformError) => e.data)).resolves.toMatchObject({ error: 'missing_scope', needed: 'chat:write' });
      scope.remove();
      slow.remove();
      await expect(web.chat.postMessage({ channel: ALERTS, text: 'fine again' })).resolves.toMatchObject({ ok: true });
    });
  });
});
