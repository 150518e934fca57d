// The persistence port. Adapters (store/postgres for PostgreSQL and PGlite, store/mongo later)
// promise the same, checked by one contract suite (test/contract/store-contract.ts):
// - an execution is unique on (alert id, scheduled time): claimTick returns null when that
//   tick is already claimed, by this instance or any other, so a tick runs at most once;
// - conditional updates (advanceNextRun, takeOver) change a row only if it is as the caller
//   last saw it, so two instances racing on one alert never both win;
// - nothing outside the adapter sees a row, a driver type or a driver error (StoreError).
import type { Acknowledgement, Alert, AlertRuntime, AlertSpec, DeliveryRecord, Execution, ExecutionState, Mute, SeriesOutcome, Trigger } from '../domain/types.js';
import type { AlertVersion, NewAlertVersion } from '../domain/versions.js';

export interface NewAlert extends AlertSpec {
  /** Chosen by the service (crypto.randomUUID()), since the shard is derived from it. */
  id: string;
  active: boolean;
  nextRunAt: Date | null;
  shard: number;
  /** The alert file that defines it, or null (made in Slack). */
  managedBy: string | null;
  createdBy: string;
  createdAt: Date;
}

/** Fields a person changes (edit, pause, resume, snooze). */
export type AlertPatch = Partial<AlertSpec> & {
  active?: boolean;
  snoozedUntil?: Date | null;
  nextRunAt?: Date | null;
  shard?: number;
  managedBy?: string | null;
  updatedBy: string;
  updatedAt: Date;
};

/** Alert names an AlertChannel carries at most, the oldest alerts' first. */
export const ALERT_CHANNEL_NAMES = 3;

/** A Slack channel alerts post to: the names of the oldest of them (ALERT_CHANNEL_NAMES at most), and how many use it. */
export interface AlertChannel {
  id: string;
  alertNames: string[];
  alerts: number;
}

export interface AlertFilter {
  /** Only alerts this Slack user owns. */
  owner?: string;
  /** Only these alerts (by id). */
  ids?: readonly string[];
  limit?: number;
}

export interface AlertStore {
  /** Inserts an alert; its name (case-insensitive) and its key must be unique, else ConflictError. */
  createAlert(alert: NewAlert): Promise<Alert>;
  /** The alert, or null. */
  getAlert(id: string): Promise<Alert | null>;
  /** The alert with this name (case-insensitive), or null. */
  findAlertByName(name: string): Promise<Alert | null>;
  /** The alert with this key, or null. */
  findAlertByKey(key: string): Promise<Alert | null>;
  /** Alerts by name, oldest first. */
  listAlerts(filter?: AlertFilter): Promise<Alert[]>;
  /** How many alerts match the filter (its limit aside), without reading them. */
  countAlerts(filter?: Omit<AlertFilter, 'limit'>): Promise<number>;
  /**
   * The Slack channels alerts post to, in the order of the oldest alert naming each (then by id),
   * at most `limit`, and how many there are in all: what `/alert doctor` checks, read without
   * the alerts themselves.
   */
  alertChannels(limit: number): Promise<{ channels: AlertChannel[]; total: number }>;
  /** Applies a person's change; returns the updated alert, or null if it no longer exists. A name or key taken: ConflictError. */
  updateAlert(id: string, patch: AlertPatch): Promise<Alert | null>;
  /** Deletes an alert, its executions and its seen keys; false if it did not exist. */
  deleteAlert(id: string): Promise<boolean>;
  /** Active alerts of one shard whose next run time is at or before `now`, earliest first. */
  dueAlerts(shard: number, now: Date, limit: number): Promise<Alert[]>;
  /**
   * Moves an alert's next run time from `expected` to `next`, only if it is still `expected`
   * (another instance may have moved it). True if this call moved it.
   */
  advanceNextRun(id: string, expected: Date, next: Date | null): Promise<boolean>;
  /**
   * advanceNextRun for many alerts in one round trip (the dispatcher's batch); returns how
   * many moved.
   */
  advanceNextRuns(moves: NextRunMove[]): Promise<number>;
  /** Saves what a finished tick changed on the alert's runtime projection. */
  saveRuntime(id: string, runtime: Partial<AlertRuntime>): Promise<void>;
  /**
   * Sets (or, with null, clears) the acknowledgement of the alert's open incident, only while
   * that incident is the one the caller saw: the alert's firingSince equals `firingSince`.
   * False, changing nothing, when the alert is gone or its incident changed (resolved, or a
   * new one began).
   */
  setAcknowledgement(id: string, ack: Acknowledgement | null, firingSince: Date): Promise<boolean>;
}

/** Settings that hold for every alert (issue 4/6). */
export interface SettingsStore {
  /** The admins' mute of everything, or null (an expired mute is returned as stored; callers compare). */
  getMute(): Promise<Mute | null>;
  /** Sets or (null) lifts the mute. */
  setMute(mute: Mute | null): Promise<void>;
}

export interface NextRunMove {
  id: string;
  expected: Date;
  next: Date | null;
}

export interface ClaimRequest {
  alertId: string;
  scheduledAt: Date;
  trigger: Trigger;
  instance: string;
  now: Date;
}

/** What finishing an execution records. */
export interface ExecutionFinish {
  state: ExecutionState;
  reason: string | null;
  value?: string | null;
  rowCount?: number | null;
  deliveries?: DeliveryRecord[];
  /** What each series did (alerts with series, levels or waiting). */
  series?: SeriesOutcome[];
  ownersNotified?: boolean;
  queryMs?: number | null;
  deliveryMs?: number | null;
  finishedAt: Date;
}

/** One execution's finish in a batch (finishExecutions). */
export interface ExecutionFinishing {
  id: string;
  finish: ExecutionFinish;
  runtime?: Partial<AlertRuntime>;
}

/** One execution's send mark in a batch (markSendings). */
export interface SendMark {
  id: string;
  at: Date;
}

/** What the state machine needs of an execution still running. */
export type RunningExecution = Pick<Execution, 'id' | 'startedAt' | 'sendStartedAt'>;

export interface ClaimedTick {
  execution: Execution;
  running: RunningExecution | null;
}

export interface ExecutionStore {
  /**
   * Records the tick as WORKING if no execution exists for (alertId, scheduledAt).
   * Returns the new execution, or null when the tick is already claimed.
   */
  claimTick(request: ClaimRequest): Promise<Execution | null>;
  /**
   * claimTick for many ticks in one round trip; returns the executions this call created
   * (ticks already claimed, or of deleted alerts, are left out), each with the oldest other
   * WORKING execution of its alert, as runningExecution would find it, so a tick costs no
   * extra round trip.
   */
  claimTicks(requests: ClaimRequest[]): Promise<ClaimedTick[]>;
  /** The execution, or null. */
  getExecution(id: string): Promise<Execution | null>;
  /** The oldest other WORKING execution of this alert, or null. */
  runningExecution(alertId: string, exceptId: string): Promise<Execution | null>;
  /** Marks the moment the first delivery starts: past it, a retry could send twice. */
  markSending(id: string, at: Date): Promise<void>;
  /**
   * Records the final state of an execution that is still WORKING, and with it (atomically)
   * the change to its alert's runtime projection, if given. False, changing nothing, if the
   * execution was no longer WORKING.
   */
  finishExecution(id: string, finish: ExecutionFinish, runtime?: Partial<AlertRuntime>): Promise<boolean>;
  /**
   * finishExecution for many executions in one round trip where the database allows (one
   * statement on PostgreSQL): one answer per item, in order, each what finishExecution would
   * have answered had the items been finished one after the other in that order (a second
   * finish of one execution answers false; runtime changes to one alert apply in order).
   */
  finishExecutions(items: ExecutionFinishing[]): Promise<boolean[]>;
  /** markSending for many executions at once; each keeps its earliest mark. */
  markSendings(marks: SendMark[]): Promise<void>;
  /**
   * WORKING executions of alerts in this shard started before `startedBefore` minus each
   * alert's working timeout, oldest first (claims of instances that died or hung).
   */
  staleExecutions(shard: number, now: Date, limit: number): Promise<Execution[]>;
  /**
   * Takes over a stale first-attempt claim that sent nothing: sets attempt 2, the new
   * instance and start time, only if it is still WORKING, attempt 1, with no send started.
   */
  takeOver(id: string, instance: string, now: Date): Promise<Execution | null>;
  /** The latest executions of an alert, newest first. */
  history(alertId: string, limit: number): Promise<Execution[]>;
  /** Deletes executions older than their alert's log retention; returns how many. */
  pruneExecutions(now: Date): Promise<number>;
  /**
   * Finished executions with at least one delivery, finished at or after `since`, newest first
   * (delivery health: `/alert doctor`, App Home).
   */
  deliveriesSince(since: Date, limit: number): Promise<Execution[]>;
  /**
   * Finished executions started at or after `since` with a delivery whose outcome is unknown
   * (`unknown` true and no `reconciled` yet), oldest first: what reconciliation looks up.
   */
  unknownDeliveries(since: Date, limit: number): Promise<Execution[]>;
  /**
   * Replaces the delivery record of `record.recipient` on a finished execution, and sets the
   * execution's state and reason to `fold` (foldDeliveries of the records after the change).
   * Conditional: only while that record is still unknown and not reconciled, so of two callers
   * (two sweeps at once) exactly one wins. False when the execution is gone, has no record for
   * that recipient, or that record is no longer unknown and unreconciled.
   */
  reconcileDelivery(executionId: string, record: DeliveryRecord, fold: { state: ExecutionState; reason: string | null }): Promise<boolean>;
}

/** Which Lookout instances are running, so the shard jobs can be spread over them. */
export interface InstanceStore {
  /** Records that `instance` was alive at `now` (inserting it the first time). */
  heartbeat(instance: string, now: Date): Promise<void>;
  /** Names of the instances seen at or after `since`, in name order. */
  liveInstances(since: Date): Promise<string[]>;
  /** Forgets an instance (a graceful stop), so the others take over its share at once. */
  leave(instance: string): Promise<void>;
}

/**
 * Keys an alert remembers at most; rememberKeys deletes the oldest beyond it. Without a bound,
 * an alert whose query returns ever-new keys (a timestamp or a UUID as the key column) would
 * grow its keys without end between daily prunes, in memory for the look-ups and on disk.
 */
export const MAX_KEYS_PER_ALERT = 100_000;

/**
 * The keys a new-rows alert has seen (domain/new-rows.ts), each with when it was first seen.
 * Keys are text of at most KEY_CHARS (200) characters, as the domain cuts them; a call may
 * pass thousands (the adapters send them in chunks). Deleting an alert deletes its keys.
 */
export interface KeyStore {
  /** Which of these keys the alert has seen. */
  seenKeys(alertId: string, keys: string[]): Promise<Set<string>>;
  /**
   * Records these keys as seen at `at`; a key already seen keeps its first time (so calling
   * again changes nothing). Then keeps the alert's newest MAX_KEYS_PER_ALERT keys (by first
   * seen time, then key) and deletes the rest. Nothing for an alert that does not exist.
   */
  rememberKeys(alertId: string, keys: string[], at: Date): Promise<void>;
  /** Deletes the alert's keys first seen before `before`; returns how many. */
  pruneKeys(alertId: string, before: Date): Promise<number>;
}

/** Versions an alert keeps at most; addVersion deletes the oldest beyond it. */
export const MAX_VERSIONS_PER_ALERT = 200;

/**
 * The versions of each alert's definition (issue 5/6). Numbered 1, 2, … per alert; deleting the
 * alert deletes them.
 */
export interface VersionStore {
  /**
   * Appends a version numbered one more than the alert's newest (1 for its first), then keeps its
   * newest MAX_VERSIONS_PER_ALERT. Two calls at once get two numbers. Null when the alert does
   * not exist.
   */
  addVersion(version: NewAlertVersion): Promise<AlertVersion | null>;
  /** The alert's versions, newest first, at most `limit`. */
  versions(alertId: string, limit: number): Promise<AlertVersion[]>;
  /** One version of the alert, or null. */
  getVersion(alertId: string, version: number): Promise<AlertVersion | null>;
}

export interface Store extends AlertStore, ExecutionStore, InstanceStore, KeyStore, SettingsStore, VersionStore {
  /** Checks the store answers (health). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
