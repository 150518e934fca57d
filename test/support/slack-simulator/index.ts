// A local Slack for end-to-end tests and the demo: the Web API over HTTP and Socket Mode over
// a WebSocket, on 127.0.0.1 and an OS-chosen port. Point the real Bolt App and WebClient at
// `sim.url` (slackApiUrl), start the app, then drive users' actions and read what the app did.
//
//   const sim = await startSlackSimulator({ users: [...], channels: [...] });
//   const app = new App({ token: sim.botToken, appToken: sim.appToken, socketMode: true,
//                         clientOptions: { slackApiUrl: sim.url } });
//   await app.start(); await sim.waitForConnection();
//   const ack = await sim.slashCommand({ user_id: 'U1', text: 'new' });
//   …
//   await app.stop(); await sim.stop();   // app first: a live client would try to reconnect
import type { AddressInfo } from 'node:net';
import type { CallRecord, EnvelopeRecord, FaultEvent } from './call-log.js';
import { createCore, type SimulatorOptions } from './core.js';
import type { Faults } from './faults.js';
import type { ChannelPace } from './pace.js';
import { createHttpServer } from './http-server.js';
import { createInteractions, type Interactions } from './interactions.js';
import type { ResponseUrlPost, SimEphemeral, SimFile, SimMessage, SlackView, StateValues, StoredView } from './records.js';
import { buildStateValues, type SimpleValues } from './state-values.js';
import type { Workspace } from './workspace.js';

export type { CallRecord, EnvelopeRecord, FaultEvent } from './call-log.js';
export type { SimulatorOptions } from './core.js';
export type { FaultHandle, FaultScope } from './faults.js';
export { SLACK_POST_PACE, type ChannelPace, type PaceOptions } from './pace.js';
export type { BlockActionInput, EventInput, SlashCommandInput, ViewClosedInput, ViewSubmissionInput } from './interactions.js';
export type { Json, ResponseUrlPost, SimEphemeral, SimFile, SimMessage, SlackView, StateValues, StoredView } from './records.js';
export { buildStateValues, type SimpleValue, type SimpleValues } from './state-values.js';
export { DEFAULT_SCOPES, type ChannelInput, type SimChannel, type SimUser, type UserInput, type Workspace } from './workspace.js';

const DEFAULT_WAIT_MS = 10_000;

export interface SlackSimulator extends Interactions {
  /** `http://127.0.0.1:<port>/api/`: the `slackApiUrl` for Bolt and WebClient. */
  readonly url: string;
  readonly port: number;
  readonly botToken: string;
  readonly appToken: string;
  /** Team, bot (and its `scopes`), users, channels: change them at any time. */
  readonly workspace: Workspace;
  /** Switchable faults: rateLimit, httpError, slackError, latency, clear. */
  readonly faults: Faults;
  /** chat.postMessage's pace per channel (Slack's by default); `set(null)` lets every post through. */
  readonly pace: ChannelPace;

  /** Every HTTP call in order (Web API methods, 'upload', 'response_url'), optionally for one method. */
  calls(method?: string): CallRecord[];
  /** Faults that fired, socket drops included. */
  faultEvents(): FaultEvent[];
  /** Socket Mode envelopes sent, with their acks. */
  envelopes(type?: EnvelopeRecord['type']): EnvelopeRecord[];
  /** The first call (already made or still to come) matching `predicate`. */
  waitFor(predicate: (call: CallRecord) => boolean, timeoutMs?: number): Promise<CallRecord>;
  /** `check()`'s first truthy result, re-checked whenever anything is recorded. */
  waitUntil<T>(check: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;

  /** Messages the app posted, in order (deleted ones flagged); `channel` may be a user id for their DM. */
  messages(channel?: string): SimMessage[];
  message(channel: string, ts: string): SimMessage | undefined;
  /** Replies in a thread, oldest first. */
  replies(channel: string, threadTs: string): SimMessage[];
  /** Files from files.getUploadURLExternal, with the bytes uploaded and where they were shared. */
  files(): SimFile[];
  /** Modal and Home views, each with its versions. */
  views(filter?: { user?: string; callback_id?: string; open?: boolean }): StoredView[];
  /** The latest version of a view. */
  view(id: string): SlackView | undefined;
  /** The modal a user currently sees (top of their stack). */
  topView(user: string): SlackView | undefined;
  /** A user's published Home view. */
  homeView(user: string): SlackView | undefined;
  /** Ephemeral messages: chat.postEphemeral, response_url posts, slash command ack bodies. */
  ephemerals(user?: string): SimEphemeral[];
  /** Every POST to a response_url, raw. */
  responses(): ResponseUrlPost[];

  /** Resolves when an app is connected and has its hello (immediately if one is). */
  waitForConnection(timeoutMs?: number): Promise<void>;
  /** Open Socket Mode connections. */
  connectionCount(): number;
  /** Connections accepted since start (a reconnection counts again). */
  connectionsOpened(): number;
  /** Cuts every Socket Mode connection abruptly; the client reconnects (~5 s) via apps.connections.open. */
  dropConnections(): number;
  /** state.values for a stored view from `{ block_id: { action_id: value } }`. */
  stateValues(view: string | SlackView, values: SimpleValues): StateValues;
  /** Ages every issued trigger_id past 3 s, to test expired_trigger_id without waiting. */
  expireTriggers(): void;

  /** Closes sockets (waiting for their close), then the HTTP server. Stop the app first. */
  stop(): Promise<void>;
}

export async function startSlackSimulator(options: SimulatorOptions = {}): Promise<SlackSimulator> {
  let port = 0;
  const core = createCore(options, () => `http://127.0.0.1:${port}`);
  const server = createHttpServer(core);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const { log, records, workspace } = core;
  const channelId = (ref: string): string => workspace.channel(ref)?.id ?? ref;
  let stopping: Promise<void> | undefined;

  return {
    ...createInteractions(core),
    url: `${core.origin()}/api/`,
    port,
    botToken: core.botToken,
    appToken: core.appToken,
    workspace,
    faults: core.faults,
    pace: core.pace,

    calls: (method) => log.calls.filter((c) => method === undefined || c.method === method),
    faultEvents: () => [...log.faults],
    envelopes: (type) => log.envelopes.filter((e) => type === undefined || e.type === type),
    waitFor: (predicate, timeoutMs = DEFAULT_WAIT_MS) => log.waitUntil(() => log.calls.find(predicate), timeoutMs, 'a matching Web API call'),
    waitUntil: (check, timeoutMs = DEFAULT_WAIT_MS) => log.waitUntil(check, timeoutMs),

    messages: (channel) => records.messages.filter((m) => channel === undefined || m.channel === channelId(channel)),
    message: (channel, ts) => records.messages.find((m) => m.channel === channelId(channel) && m.ts === ts),
    replies: (channel, threadTs) => records.messages.filter((m) => m.channel === channelId(channel) && m.thread_ts === threadTs && m.ts !== threadTs),
    files: () => [...records.files.values()],
    views: (filter = {}) =>
      [...records.views.values()].filter(
        (v) =>
          (filter.user === undefined || v.user === filter.user) &&
          (filter.callback_id === undefined || v.current.callback_id === filter.callback_id) &&
          (filter.open === undefined || v.open === filter.open),
      ),
    view: (id) => records.views.get(id)?.current,
    topView: (user) => {
      const top = records.modalStack(user).at(-1);
      return top === undefined ? undefined : records.views.get(top)?.current;
    },
    homeView: (user) => {
      const id = records.homes.get(user);
      return id === undefined ? undefined : records.views.get(id)?.current;
    },
    ephemerals: (user) => records.ephemerals.filter((e) => user === undefined || e.user === user),
    responses: () => [...records.responses],

    waitForConnection: (timeoutMs = DEFAULT_WAIT_MS) => core.socket.waitForConnection(timeoutMs),
    connectionCount: () => core.socket.readyCount(),
    connectionsOpened: () => core.socket.openedCount(),
    dropConnections: () => {
      const dropped = core.socket.drop();
      log.addFault({ at: new Date(), kind: 'socket_drop', detail: dropped });
      return dropped;
    },
    stateValues: (view, values) => {
      const stored = records.views.get(typeof view === 'string' ? view : view.id);
      const target = stored?.current ?? (typeof view === 'string' ? undefined : view);
      if (!target) throw new Error(`slack-simulator: no view ${String(view)}`);
      return buildStateValues(target, values, target.state?.values);
    },
    expireTriggers: () => core.triggers.expireAll(),

    stop: () =>
      (stopping ??= (async () => {
        await core.socket.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Keep-alive sockets from fetch would hold close() open.
          server.closeAllConnections();
        });
      })()),
  };
}
