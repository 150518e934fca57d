// The simulator's parts, wired once and handed to every endpoint and helper.
import { CallLog } from './call-log.js';
import { Faults } from './faults.js';
import { ChannelPace, type PaceOptions } from './pace.js';
import { createIds, type Ids } from './ids.js';
import { Records } from './records.js';
import { ResponseUrls } from './response-urls.js';
import { SocketModeServer } from './socket-mode.js';
import { Triggers } from './triggers.js';
import { Workspace, type WorkspaceOptions } from './workspace.js';

export interface SimulatorOptions extends WorkspaceOptions {
  /** Default 'xoxb-0000-lookout-sim'. */
  botToken?: string;
  /** Default 'xapp-1-A0LOOKOUT-0000-sim'. */
  appToken?: string;
  /** How long the app has to ack an envelope; Slack's limit, 3000. */
  ackTimeoutMs?: number;
  /** How long a trigger_id stays usable; Slack's limit, 3000. */
  triggerTtlMs?: number;
  /** conversations.members page size when the app sends no `limit` (Slack: 100). */
  pageSize?: number;
  /**
   * For load: keep calls without their arguments and answers, and messages without their
   * blocks and arguments (channel, ts, thread, text, metadata and time stay), so tens of
   * thousands of posts fit in memory.
   */
  lean?: boolean;
  /**
   * chat.postMessage's pace per channel: Slack's (about 1 a second, bursts of 3) unless given;
   * null lets every post through. Faster posting is answered 429 with Retry-After.
   */
  postPace?: PaceOptions | null;
}

export interface SimulatorCore {
  options: { ackTimeoutMs: number; triggerTtlMs: number; pageSize: number };
  botToken: string;
  appToken: string;
  workspace: Workspace;
  records: Records;
  log: CallLog;
  faults: Faults;
  /** chat.postMessage's pace per channel. */
  pace: ChannelPace;
  ids: Ids;
  triggers: Triggers;
  responseUrls: ResponseUrls;
  socket: SocketModeServer;
  /** `http://127.0.0.1:<port>`, known once the server listens. */
  origin(): string;
}

export function createCore(options: SimulatorOptions, origin: () => string): SimulatorCore {
  const ids = createIds();
  const log = new CallLog(options.lean ?? false);
  const records = new Records(log.changed, options.lean ?? false);
  const workspace = new Workspace(ids, options);
  const settings = {
    ackTimeoutMs: options.ackTimeoutMs ?? 3000,
    triggerTtlMs: options.triggerTtlMs ?? 3000,
    pageSize: options.pageSize ?? 100,
  };
  return {
    options: settings,
    botToken: options.botToken ?? 'xoxb-0000-lookout-sim',
    appToken: options.appToken ?? `xapp-1-${workspace.appId}-0000-sim`,
    workspace,
    records,
    log,
    faults: new Faults(),
    pace: new ChannelPace(options.postPace === undefined ? undefined : options.postPace),
    ids,
    triggers: new Triggers(ids, settings.triggerTtlMs),
    responseUrls: new ResponseUrls(ids, workspace, records, origin),
    socket: new SocketModeServer({ log, ids, appId: workspace.appId, ackTimeoutMs: settings.ackTimeoutMs, origin }),
    origin,
  };
}
