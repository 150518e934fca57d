// One Lookout as main.ts would build it — real Bolt app in Socket Mode, real WebClients, real
// store on a throwaway PostgreSQL database, Agenda, a SQLite data source the test can change —
// talking to the Slack simulator. Helpers drive it the way people do: slash commands, the
// modal, buttons.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeConfig, type Config, type DataSourceConfig, dataSourceConfig } from '../../../src/config.js';
import type { Alert } from '../../../src/domain/types.js';
import { silentLogger } from '../../../src/logger.js';
import { startLookout, type Lookout, type LookoutOptions } from '../../../src/lookout.js';
import { ACTION, BLOCK } from '../../../src/messages/slack/ids.js';
import { createTempDatabase, type TempDatabase } from '../../support/postgres.js';
export { eventually } from '../../support/eventually.js';
import { startSlackSimulator, type Json, type SimMessage, type SimpleValues, type SlackSimulator, type SlackView } from '../../support/slack-simulator/index.js';

export const ALICE = 'U0ALICE01';
export const BOB = 'U0BOB0001';
export const ADMIN = 'U0ADMIN01';
/** Everyone and the bot. */
export const ALERTS = 'C0ALERTS1';
/** Alice and Bob, not the bot. */
export const QUIET = 'C0QUIET01';
/** Bob and the bot, not Alice. */
export const BOBS = 'C0BOBS001';

export interface AlertFields {
  name: string;
  sql?: string;
  op?: string;
  threshold?: string;
  /** Default daily at 09:00. */
  preset?: 'every_minutes' | 'hourly' | 'daily' | 'weekly' | 'custom';
  everyMinutes?: string;
  cron?: string;
  timezone?: string;
  timezoneOther?: string;
  channels?: string[];
  /** Default 'sample'. */
  dataSource?: string;
  owners?: string[];
  /** What the alert checks; a switch re-renders the modal first (as the select dispatches). */
  measure?: 'value' | 'row_count' | 'freshness' | 'change' | 'new_rows';
  labels?: string;
  warning?: string;
  pendingTicks?: string;
  keepFiringTicks?: string;
  /** Other condition options by block (condition-fields.ts), e.g. `{ 'measure.floor': '100' }`; checkboxes as true/false. */
  rules?: Record<string, string | boolean>;
}

export interface E2e {
  sim: SlackSimulator;
  lookout: Lookout;
  db: TempDatabase;
  /** Sets the value `SELECT v FROM metric` returns. */
  setMetric(value: number | null): void;
  /** Runs SQL on the sample data source (e.g. a table for a chart). */
  exec(sql: string): void;
  /** `/alert create` as `user`; resolves with the modal once views.open has answered. */
  openCreateModal(user: string): Promise<SlackView>;
  /** Sets fields the way a person types (into the modal's state); a preset switch re-renders first. */
  fill(user: string, view: SlackView, fields: Partial<AlertFields>): Promise<SlackView>;
  /** Opens, fills and submits the create modal; resolves with the ack. */
  submitAlertModal(user: string, fields: AlertFields): Promise<{ ack: Json; view: SlackView }>;
  /** An alert created through the modal, once its confirmation DM is out. */
  createAlert(user: string, fields: AlertFields): Promise<Alert>;
  /** `/alert <text>` as `user`; resolves with the ephemeral answer sent to its response_url. */
  command(user: string, text: string): Promise<{ text: string; blocks: unknown[] }>;
  /** Top-level messages posted to `channel` by the delivery (firing, report). */
  posts(channel: string): SimMessage[];
  stop(): Promise<void>;
}

export interface E2eOptions {
  /** More sources; a function gets the sample SQLite file's path (to open it under other limits). */
  extraSources?: DataSourceConfig[] | ((samplePath: string) => DataSourceConfig[]);
  /** Changes to the config before Lookout starts (email, screenshots). */
  configure?: (config: Config) => Config;
  /** Lookout's tuning (Slack's request timeout, reconciliation's times), scaled down for a test. */
  tuning?: Pick<LookoutOptions, 'slackTimeoutMs' | 'reconcile'>;
}

export const ALICE_EMAIL = 'alice@example.com';

const LOCK_LIFETIME_MS = 2000;
const AGENDA_LEFTOVER_MS = LOCK_LIFETIME_MS / 2 + 100;
const limits = { statementTimeoutS: 30, maxRows: 100, poolSize: 2 };

export async function startE2e(options: E2eOptions = {}): Promise<E2e> {
  const db = await createTempDatabase('lookout_e2e');
  const dir = mkdtempSync(join(tmpdir(), 'lookout-e2e-'));
  const sqlitePath = join(dir, 'sample.sqlite');
  const writer = new Database(sqlitePath);
  writer.exec('CREATE TABLE metric (v); INSERT INTO metric VALUES (42);');

  const sim = await startSlackSimulator({
    users: [
      { id: ALICE, name: 'alice', realName: 'Alice Kim', tz: 'Asia/Seoul', email: ALICE_EMAIL },
      { id: BOB, name: 'bob', tz: 'Europe/Berlin' },
      { id: ADMIN, name: 'admin', tz: 'UTC' },
    ],
    channels: [
      { id: ALERTS, name: 'alerts', members: [ALICE, BOB, ADMIN] },
      { id: QUIET, name: 'quiet', members: [ALICE, BOB], botIsMember: false },
      { id: BOBS, name: 'bobs', members: [BOB] },
    ],
  });
  const config: Config = makeConfig({
    store: { kind: 'postgres', url: db.url },
    dataSources: [
      dataSourceConfig({ name: 'sample', kind: 'sqlite', path: sqlitePath, ...limits }),
      ...(typeof options.extraSources === 'function' ? options.extraSources(sqlitePath) : (options.extraSources ?? [])),
    ],
    admins: [ADMIN],
    scheduler: { shards: 4, concurrency: 8, instance: 'e2e' },
    slack: { botToken: sim.botToken, appToken: sim.appToken, apiUrl: sim.url },
    logLevel: 'silent',
  });
  let lookout: Lookout;
  try {
    lookout = await startLookout(options.configure ? options.configure(config) : config, {
      logger: silentLogger(),
      processEveryMs: 1000,
      lockLifetimeMs: LOCK_LIFETIME_MS,
      ...options.tuning,
    });
    await sim.waitForConnection();
  } catch (err) {
    await sim.stop();
    writer.close();
    await db.drop();
    throw err;
  }

  const setState = (view: SlackView, values: SimpleValues): void => {
    const stored = sim.views().find((v) => v.id === view.id);
    if (!stored) throw new Error(`no view ${view.id}`);
    stored.current.state = { values: sim.stateValues(view.id, values) };
  };

  const e2e: E2e = {
    sim,
    lookout,
    db,
    setMetric(value) {
      writer.prepare('UPDATE metric SET v = ?').run(value);
    },
    exec(sql) {
      writer.exec(sql);
    },
    async openCreateModal(user) {
      const opened = sim.calls('views.open').length;
      await sim.slashCommand({ user_id: user, text: 'create' });
      const call = await sim.waitUntil(() => sim.calls('views.open')[opened]);
      const view = (call.response as { view?: SlackView }).view;
      if (!view) throw new Error(`views.open failed: ${JSON.stringify(call.response)}`);
      return view;
    },
    async fill(user, view, fields) {
      let current = view;
      // A switch re-renders the modal with the fields that choice needs.
      const choose = async (action_id: string, value: string): Promise<void> => {
        const hash = sim.view(view.id)?.hash;
        await sim.blockAction({ user, view: view.id, action_id, value });
        current = await sim.waitUntil(() => {
          const now = sim.view(view.id);
          return now !== undefined && now.hash !== hash ? now : undefined;
        });
      };
      if (fields.preset !== undefined) await choose(ACTION.schedulePresetChanged, fields.preset);
      if (fields.measure !== undefined) await choose(ACTION.measureChanged, fields.measure);
      setState(current, modalValues(fields));
      return sim.view(current.id) ?? current;
    },
    async submitAlertModal(user, fields) {
      const opened = await e2e.openCreateModal(user);
      const view = await e2e.fill(user, opened, fields);
      const ack = await sim.viewSubmission({ view: view.id, values: modalValues(fields) });
      return { ack, view };
    },
    async createAlert(user, fields) {
      const dms = sim.messages(user).length;
      const { ack } = await e2e.submitAlertModal(user, fields);
      // On a loaded machine the save may outlast the modal's budget: the modal then says it is
      // still saving and the same DM follows when it is done (alert-modal-submit.ts). Only
      // another answer is a refusal.
      const stillSaving = JSON.stringify(ack).includes('Still checking and saving');
      if (Object.keys(ack).length > 0 && !stillSaving) throw new Error(`the modal was refused: ${JSON.stringify(ack)}`);
      await sim.waitUntil(() => sim.messages(user).length > dms);
      const alert = await lookout.store.findAlertByName(fields.name);
      if (alert === null) throw new Error(`alert ${fields.name} was not stored`);
      return alert;
    },
    async command(user, text) {
      const before = sim.responses().length;
      await sim.slashCommand({ user_id: user, text });
      const post = await sim.waitUntil(() => sim.responses().slice(before).find((r) => r.user === user && r.source === 'slash_command'), 15_000);
      return { text: String(post.body.text ?? ''), blocks: Array.isArray(post.body.blocks) ? post.body.blocks : [] };
    },
    posts(channel) {
      return sim.messages(channel).filter((m) => m.via === 'chat.postMessage' && m.thread_ts === undefined && !m.deleted);
    },
    async stop() {
      await lookout.stop();
      // Agenda leaves its job-liveness timer (half the lock lifetime, 1 s here) behind after
      // stop (src/scheduler/agenda.ts); let it run out so Jest's worker exits by itself.
      await new Promise((resolve) => setTimeout(resolve, AGENDA_LEFTOVER_MS));
      await sim.stop();
      writer.close();
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    },
  };
  return e2e;
}

/** The modal's `{ block_id: { action_id: value } }` for the given fields. */
export function modalValues(fields: Partial<AlertFields>): SimpleValues {
  const v: SimpleValues = {};
  const set = (block: string, action: string, value: string | string[]) => ((v[block] ??= {})[action] = value);
  if (fields.name !== undefined) set(BLOCK.name, ACTION.value, fields.name);
  if (fields.sql !== undefined || fields.name !== undefined || fields.dataSource !== undefined) set(BLOCK.dataSource, ACTION.value, fields.dataSource ?? 'sample');
  if (fields.owners !== undefined) set(BLOCK.owners, ACTION.value, fields.owners);
  if (fields.sql !== undefined) set(BLOCK.sql, ACTION.value, fields.sql);
  if (fields.op !== undefined) set(BLOCK.conditionOp, ACTION.conditionOpChanged, fields.op);
  if (fields.threshold !== undefined) set(BLOCK.conditionThreshold, ACTION.value, fields.threshold);
  if (fields.measure !== undefined) set(BLOCK.measureKind, ACTION.measureChanged, fields.measure);
  const rules = { ...fields.rules, labels: fields.labels, 'warning.threshold': fields.warning, pendingTicks: fields.pendingTicks, keepFiringTicks: fields.keepFiringTicks };
  for (const [block, value] of Object.entries(rules)) {
    if (value !== undefined) set(block, ACTION.value, typeof value === 'boolean' ? (value ? ['on'] : []) : value);
  }
  if (fields.everyMinutes !== undefined) set(BLOCK.scheduleEveryMinutes, ACTION.scheduleChanged, fields.everyMinutes);
  if (fields.cron !== undefined) set(BLOCK.scheduleCron, ACTION.scheduleChanged, fields.cron);
  if (fields.timezone !== undefined) set(BLOCK.scheduleTimezone, ACTION.scheduleChanged, fields.timezone);
  if (fields.timezoneOther !== undefined) set(BLOCK.scheduleTimezoneOther, ACTION.scheduleChanged, fields.timezoneOther);
  if (fields.channels !== undefined) set(BLOCK.recipientChannels, ACTION.value, fields.channels);
  return v;
}

/** The text of every block (sections, headers, context) in a message or view. */
export function blocksText(blocks: unknown[] | undefined): string {
  return JSON.stringify(blocks ?? []);
}

/** A quick every-minute alert on ALERTS that fires on the sample value (42 > 40). */
export function firingAlert(name: string, overrides: Partial<AlertFields> = {}): AlertFields {
  return {
    name,
    sql: 'SELECT v FROM metric',
    op: '>',
    threshold: '40',
    preset: 'custom',
    cron: '0 9 * * *',
    timezone: 'UTC',
    channels: [ALERTS],
    ...overrides,
  };
}
