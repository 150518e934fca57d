// What Slack (and anything else) calls to manage alerts: create, update, pause, resume,
// snooze, delete, run now, history, test query. Every field is validated here and every
// change is checked against owners and admins; front ends only translate.
import type { Clock } from '../clock.js';
import { audienceChannels, barredFromSource, mayChange, mayUseSource, mayView, type AccessPolicy } from '../domain/access.js';
import { credentialUsersOf } from '../domain/auth-origin.js';
import { IANAZone } from 'luxon';
import { DEFAULT_MAX_SERIES } from '../domain/decide-result.js';
import { nextRunAfter, nextRuns, validateSchedule } from '../domain/schedule.js';
import { privilegedError, privilegedWarning } from '../datasources/error-rules.js';
import { DataSourceError, type DataSourceCatalog, type DataSourceCause, type DataSourceKind } from '../datasources/port.js';
import { DEFAULTS, type Alert, type AlertSpec, type Execution, type QueryResult, type Recipient, type Schedule } from '../domain/types.js';
import { keyCandidates, keyFromName } from '../domain/alert-key.js';
import { differsFrom, specOf, type AlertVersion, type ChangeChannel } from '../domain/versions.js';
import { ConflictError, ForbiddenError, LookoutError, ManagedInCodeError, NotFoundError, SourceBarredError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { shardOf } from '../domain/shards.js';
import { MAX_VERSIONS_PER_ALERT, type AlertChannel, type AlertPatch, type Store } from '../store/port.js';
import type { TestQueryResult, TestVerdict } from '../messages/test-query-result.js';
import { LIMITS, validateAlertInput, type AlertInput } from './alert-input.js';
import { readAlertRules } from './alert-rules-input.js';
import { orDefault, wholeNumber } from './input-checks.js';
import { testVerdict } from './test-query-verdict.js';
import { alertToDocument, alertsFileText, specToInput } from './alert-document.js';
import type { ChannelDirectory } from './channel-directory.js';
import { createVersionRecorder } from './alert-versions.js';
import { findFailingRecipients, type FailingReport } from './failing-recipients.js';

/** What `/alert doctor` reads of the channels alerts post to. */
export type { AlertChannel };

export interface Actor {
  userId: string;
  /** Through what the person acts: Slack unless said (the CLI and alert files say so). */
  via?: ChangeChannel;
}

/** How a change made in code places the alert: the file that manages it (null: none). */
export interface CodeOptions {
  managedBy?: string | null;
  /** The version this change restores, recorded with it. */
  restoredFrom?: number;
}

/** A person asked to run an alert now: the scheduler queues it, its tick is the time of asking. */
export interface RunNowRequest {
  alertId: string;
  /** ISO time of the request: the execution's scheduled time. */
  requestedAt: string;
  requestedBy: string;
}

export interface AlertServiceDeps {
  store: Store;
  dataSources: DataSourceCatalog;
  clock: Clock;
  admins: string[];
  shards: number;
  allowedHosts: string[];
  /** screenshots.auth keys with their allowedUsers (no credentials): who may capture with them. */
  credentialUsers?: Readonly<Record<string, readonly string[]>>;
  /** Queues a run-now job (the scheduler's; tests may run it directly). */
  runNow: (data: RunNowRequest) => Promise<void>;
  /**
   * Front-end checks on recipients that need the outside world (e.g. the bot and the
   * person are members of each channel). Returns field errors keyed like the input's.
   */
  verifyRecipients?: (actor: Actor, recipients: Recipient[]) => Promise<Record<string, string>>;
  /** Channel membership, for who may see an alert's output; without it, owners and admins only. */
  channels?: ChannelDirectory;
  /** Series an alert may have (alerts.maxSeries), for Test query as for the runs. */
  maxSeries?: number;
  /** Where a version that could not be recorded is reported. */
  logger?: Logger;
}

/** An alert that passed every check, ready to save: its spec, and what the person should know. */
export interface PreparedAlert {
  spec: AlertSpec;
  warnings: string[];
  /** The key was given (a taken one is refused), not made from the name (a taken one is made again). */
  keyGiven: boolean;
}

export interface PrepareOptions {
  /** Alerts about to be deleted in the same apply: their names and keys count as free. */
  freeing?: ReadonlySet<string>;
}

/** Versions `/alert versions` lists at most. */
export const VERSIONS_SHOWN = 20;


/** A data source as /alert doctor reports it. */
export interface SourceCheck {
  name: string;
  /** Its engine: a file engine (DuckDB) has no database user to check, so the doctor says what it reads instead. */
  kind: DataSourceKind | undefined;
  /** It answers and runs queries. */
  ok: boolean;
  /** What is wrong (or, for a privileged source that runs anyway, the warning); null when all is well. */
  error: string | null;
  /** Its user can do more than read: its queries are refused, or allowed by allowPrivilegedUser. */
  privileged: 'refused' | 'allowed' | null;
}

/** An alert as saved, with what the person should know although nothing stopped the save. */
export type SavedAlert = Alert & {
  /** E.g. the SQL's dry run did not finish in time; empty when all is well. */
  warnings: string[];
};

/** The save-time dry run: enough rows to know the source takes the statement, a short timeout. */
const DRY_RUN_ROWS = 1;
const DRY_RUN_TIMEOUT_MS = 10_000;
/** Failures that say nothing about the SQL itself: the alert is saved with a warning. */
const INCONCLUSIVE: readonly DataSourceCause[] = ['timeout', 'canceled', 'network', 'credentials', 'unknown'];

/** The longest a snooze may last. */
export const MAX_SNOOZE_MS = 90 * 24 * 3600 * 1000;
const TEST_QUERY_TIMEOUT_MS = 15_000;
const PREVIEW_ROWS = 5;

export function createAlertService(deps: AlertServiceDeps) {
  const { store, clock } = deps;

  const policy: AccessPolicy = { admins: deps.admins };
  const versions = createVersionRecorder({ store, clock, logger: deps.logger });
  const isAdmin = (userId: string) => policy.admins.includes(userId);

  /** What `/alert list` reads: the person's alerts, or everyone's for an admin who asks. */
  function listed(actor: Actor, all = false): { owner?: string } {
    if (all && !isAdmin(actor.userId)) throw new LookoutError('forbidden', 'Only Lookout admins can list all alerts; `/alert list` shows yours.');
    return all ? {} : { owner: actor.userId };
  }

  function usableDataSources(actor: Actor): string[] {
    return deps.dataSources.names().filter((name) => mayUseSource(actor.userId, deps.dataSources.allowedUsers(name), policy));
  }

  /** Of these people, those the source's allowedUsers leaves out. */
  function barred(source: string, people: readonly string[]): string[] {
    return barredFromSource(people, deps.dataSources.allowedUsers(source), policy);
  }

  /** Finds an alert by id, (case-insensitive) name or key, whoever asks (for internal use). */
  async function find(ref: string): Promise<Alert | null> {
    const trimmed = ref.trim();
    return (await store.getAlert(trimmed).catch(() => null)) ?? (await store.findAlertByName(trimmed)) ?? (await store.findAlertByKey(trimmed));
  }

  async function canView(actor: Actor, alert: Alert): Promise<boolean> {
    if (mayChange(actor.userId, alert, policy)) return true;
    const channels = audienceChannels(alert);
    const directory = deps.channels;
    if (channels.length === 0 || directory === undefined) return false;
    const answers = await Promise.all(channels.map(async (channel) => [channel, await directory.isMember(actor.userId, channel)] as const));
    return mayView(actor.userId, alert, policy, new Map(answers));
  }

  /** The alert if this person may see it; otherwise exactly what a missing alert gives. */
  async function getVisible(actor: Actor, ref: string): Promise<Alert> {
    const alert = await find(ref);
    if (alert === null || !(await canView(actor, alert))) throw new NotFoundError(ref.trim());
    return alert;
  }

  /** The alert if this person may change it: unseen → not found, seen but not theirs → not allowed. */
  async function getForChange(actor: Actor, ref: string, action: string): Promise<Alert> {
    const alert = await getVisible(actor, ref);
    if (!mayChange(actor.userId, alert, policy)) throw new ForbiddenError(action);
    return alert;
  }

  /** Refuses when the person acting or an owner may not use the alert's data source. */
  function checkSourceUse(actor: Actor, alert: Pick<Alert, 'dataSource' | 'owners'>): void {
    const people = barred(alert.dataSource, [actor.userId, ...alert.owners]);
    if (people.length > 0) throw new SourceBarredError(alert.dataSource, people);
  }

  async function validate(actor: Actor, input: AlertInput, existing: Alert | null, options: PrepareOptions = {}): Promise<PreparedAlert> {
    // Only sources this person may use, even for an alert that already uses another: an editor
    // outside a source's allowedUsers must not rewrite its SQL.
    const result = validateAlertInput(input, { dataSources: usableDataSources(actor), allowedHosts: deps.allowedHosts, actor: actor.userId });
    if (!result.ok) throw new ValidationError(result.errors);
    const barredOwners = barred(result.spec.dataSource, result.spec.owners);
    if (barredOwners.length > 0) {
      throw new ValidationError({
        owners: `${barredOwners.join(', ')} may not use the data source "${result.spec.dataSource}" (it is limited to its allowedUsers): remove ${barredOwners.length === 1 ? 'this owner' : 'these owners'} or choose another source`,
      });
    }
    const content = result.spec.content;
    if (content.kind === 'screenshot') {
      const limitedTo = credentialUsersOf(deps.credentialUsers ?? {}, content.url);
      const barredPeople = limitedTo.length === 0 ? [] : barredFromSource([actor.userId, ...result.spec.owners], limitedTo, policy);
      if (barredPeople.length > 0) {
        throw new ValidationError({
          'content.url': `Lookout's login for ${new URL(content.url).origin} is limited to some people (screenshots.auth allowedUsers), and ${barredPeople.join(', ')} ${barredPeople.length === 1 ? 'is' : 'are'} not among them: ask an admin, or take a page that needs no login`,
        });
      }
    }
    // The SQL is tried only when it (or its source) is new: an edit of the schedule must not wait on it.
    const sqlChanged = existing === null || existing.sql !== result.spec.sql || existing.dataSource !== result.spec.dataSource;
    const [recipientErrors, dryRun] = await Promise.all([
      deps.verifyRecipients ? deps.verifyRecipients(actor, result.spec.recipients) : Promise.resolve({}),
      sqlChanged ? dryRunSql(result.spec.dataSource, result.spec.sql) : Promise.resolve(null),
    ]);
    const errors = { ...recipientErrors, ...(dryRun?.kind === 'refused' ? { sql: dryRun.message } : {}) };
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);
    const warnings = dryRun?.kind === 'inconclusive' ? [dryRun.message] : [];
    if (existing === null || existing.name.toLowerCase() !== result.spec.name.toLowerCase()) {
      const clash = await store.findAlertByName(result.spec.name);
      if (clash !== null && clash.id !== existing?.id && !options.freeing?.has(clash.id)) {
        throw new ValidationError({ name: `an alert named "${clash.name}" already exists; choose another name` });
      }
    }
    // A key given must be free; none given keeps the alert's own, or is made from the name.
    const given = result.spec.key;
    if (given !== null && given !== existing?.key) {
      const clash = await store.findAlertByKey(given);
      if (clash !== null && clash.id !== existing?.id && !options.freeing?.has(clash.id)) {
        // Named only to someone who may see it.
        const whose = (await canView(actor, clash)) ? `the alert “${clash.name}”` : 'another alert';
        throw new ValidationError({ key: `${whose} already has the key "${given}"; choose another key` });
      }
    }
    const key = given ?? existing?.key ?? (await freeKey(result.spec.name));
    return { spec: { ...result.spec, key } satisfies AlertSpec, warnings, keyGiven: given !== null };
  }

  /** The name's key, or the first of its numbered variants that no alert has. */
  async function freeKey(name: string): Promise<string> {
    for (const candidate of keyCandidates(keyFromName(name))) {
      if ((await store.findAlertByKey(candidate)) === null) return candidate;
    }
    throw new ValidationError({ key: `too many alerts have keys made from this name; give this one a key of its own` });
  }

  /** Slack may not change an alert defined in a file; the CLI and the files may. */
  function checkNotManaged(actor: Actor, alert: Alert, action: string): void {
    if ((actor.via ?? 'slack') === 'slack' && alert.managedBy !== null) throw new ManagedInCodeError(alert.name, alert.managedBy, action);
  }

  /**
   * Runs the SQL once under the same read-only rules and caps as Test query: a statement the
   * source refuses (a write, a syntax error, a missing table, a result over the byte cap) is a
   * field error; one that only did not finish, or a source that did not answer, is a warning.
   */
  async function dryRunSql(sourceName: string, sql: string): Promise<{ kind: 'refused' | 'inconclusive'; message: string } | null> {
    const source = deps.dataSources.get(sourceName);
    const limits = deps.dataSources.limits(sourceName);
    if (source === undefined || limits === undefined) return null; // validateAlertInput already refused it
    try {
      await source.query(sql, { timeoutMs: Math.min(limits.statementTimeoutS * 1000, DRY_RUN_TIMEOUT_MS), maxRows: DRY_RUN_ROWS });
      return null;
    } catch (err) {
      const message = err instanceof LookoutError ? err.userMessage : 'the SQL could not be tried for an unexpected reason';
      if (err instanceof DataSourceError && !INCONCLUSIVE.includes(err.reason)) return { kind: 'refused', message };
      return {
        kind: 'inconclusive',
        message: `Saved, but Lookout could not check the SQL just now: ${message.replace(/\.$/, '')}. Use Test query, or Run now, to see it work.`,
      };
    }
  }

  return {
    isAdmin,
    usableDataSources,
    getForChange,
    /** Whether this person may change the alert (its owners and admins). */
    mayChange: (actor: Actor, alert: Pick<Alert, 'owners'>): boolean => mayChange(actor.userId, alert, policy),

    async create(actor: Actor, input: AlertInput, options: CodeOptions = {}): Promise<SavedAlert> {
      return saveNew(actor, await validate(actor, input, null), options);
    },

    async update(actor: Actor, ref: string, input: AlertInput, options: CodeOptions = {}): Promise<SavedAlert> {
      const alert = await getForChange(actor, ref, 'edit');
      checkNotManaged(actor, alert, 'edit');
      return saveChange(actor, alert, await validate(actor, input, alert), options);
    },

    /** Whether this person may see the alert (its owners, admins, members of every channel it posts to). */
    canSee: (actor: Actor, alert: Alert): Promise<boolean> => canView(actor, alert),

    /**
     * Every check create or update makes (`existing` is the alert an update would change), saving
     * nothing: alert files are checked whole before any of their alerts is saved.
     */
    prepare(actor: Actor, input: AlertInput, existing: Alert | null, options: PrepareOptions = {}): Promise<PreparedAlert> {
      if (existing !== null && !mayChange(actor.userId, existing, policy)) return Promise.reject(new ForbiddenError('edit'));
      return validate(actor, input, existing, options);
    },

    /** The alert as an alert file holds it (owners and admins: it shows the SQL, as the edit view does). */
    async exportAlert(actor: Actor, ref: string): Promise<{ alert: Alert; text: string }> {
      const alert = await getForChange(actor, ref, 'export');
      return { alert, text: alertsFileText([alertToDocument(specOf(alert))]) };
    },

    /** Saves what prepare accepted, as create or update would (`existing` as given to prepare). */
    save(actor: Actor, prepared: PreparedAlert, existing: Alert | null, options: CodeOptions = {}): Promise<SavedAlert> {
      return existing === null ? saveNew(actor, prepared, options) : saveChange(actor, existing, prepared, options);
    },

    /** The alert's versions, newest first (who may see the alert may see them). */
    async versions(actor: Actor, ref: string, limit = VERSIONS_SHOWN): Promise<{ alert: Alert; versions: AlertVersion[] }> {
      const alert = await getVisible(actor, ref);
      return { alert, versions: await store.versions(alert.id, Math.min(Math.max(limit, 1), MAX_VERSIONS_PER_ALERT)) };
    },

    /**
     * Makes the alert as it was at `version`, as a new version: the same checks as an edit (who
     * may change it, the sources the person may use now, names and keys still free).
     */
    async restore(actor: Actor, ref: string, version: number): Promise<SavedAlert & { restored: boolean }> {
      const alert = await getForChange(actor, ref, 'restore');
      checkNotManaged(actor, alert, 'restore');
      const old = await store.getVersion(alert.id, version);
      if (old === null) throw new LookoutError('not_found', `“${alert.name}” has no version ${version}. See \`/alert versions ${alert.name}\`.`);
      if (!differsFrom(alert, old)) return { ...alert, warnings: [], restored: false };
      const saved = await this.update(actor, alert.id, specToInput(old.spec), { restoredFrom: version });
      return { ...saved, restored: true };
    },

    async list(actor: Actor, options: { all?: boolean } = {}): Promise<Alert[]> {
      return store.listAlerts(listed(actor, options.all));
    },

    /**
     * The first `limit` alerts of `list` (oldest first) and how many it has: what Home and
     * `/alert list` show, read without the rest.
     */
    async first(actor: Actor, limit: number, options: { all?: boolean } = {}): Promise<{ alerts: Alert[]; total: number }> {
      const filter = listed(actor, options.all);
      // Two reads, not one snapshot: the count may trail the list by an alert made between them
      // (the views never show fewer than they were given).
      const [alerts, total] = await Promise.all([store.listAlerts({ ...filter, limit }), store.countAlerts(filter)]);
      return { alerts, total };
    },

    /** The Slack channels alerts post to (`list all`'s alerts: admins only), at most `limit`, and how many in all. */
    async channelsInUse(actor: Actor, limit: number): Promise<{ channels: AlertChannel[]; total: number }> {
      listed(actor, true);
      return store.alertChannels(limit);
    },

    async pause(actor: Actor, ref: string): Promise<Alert> {
      const alert = await getForChange(actor, ref, 'pause');
      // A paused alert has no next run: the dispatcher never sees it.
      return change(alert, { active: false, nextRunAt: null, updatedBy: actor.userId, updatedAt: clock() });
    },

    async resume(actor: Actor, ref: string): Promise<Alert> {
      const alert = await getForChange(actor, ref, 'resume');
      const now = clock();
      return change(alert, {
        active: true,
        snoozedUntil: null,
        nextRunAt: nextRunAfter(alert.schedule, now),
        updatedBy: actor.userId,
        updatedAt: now,
      });
    },

    async snooze(actor: Actor, ref: string, until: Date): Promise<Alert> {
      const alert = await getForChange(actor, ref, 'snooze');
      const now = clock();
      if (until.getTime() <= now.getTime()) throw new ValidationError({ snoozeUntil: 'must be in the future' });
      if (until.getTime() - now.getTime() > MAX_SNOOZE_MS) {
        throw new ValidationError({ snoozeUntil: 'can be at most 90 days ahead; pause the alert instead' });
      }
      return change(alert, { snoozedUntil: until, updatedBy: actor.userId, updatedAt: now });
    },

    async unsnooze(actor: Actor, ref: string): Promise<Alert> {
      const alert = await getForChange(actor, ref, 'unsnooze');
      return change(alert, { snoozedUntil: null, updatedBy: actor.userId, updatedAt: clock() });
    },

    async remove(actor: Actor, ref: string): Promise<Alert> {
      const alert = await getForChange(actor, ref, 'delete');
      checkNotManaged(actor, alert, 'delete');
      await store.deleteAlert(alert.id);
      return alert;
    },

    async runNow(actor: Actor, ref: string): Promise<Alert> {
      const alert = await getForChange(actor, ref, 'run');
      checkSourceUse(actor, alert);
      await deps.runNow({ alertId: alert.id, requestedAt: clock().toISOString(), requestedBy: actor.userId });
      return alert;
    },

    async history(actor: Actor, ref: string, limit = 10): Promise<{ alert: Alert; executions: Execution[] }> {
      const alert = await getVisible(actor, ref);
      return { alert, executions: await store.history(alert.id, Math.min(Math.max(limit, 1), 50)) };
    },

    /**
     * Recipients whose latest delivery of the last day failed, of the alerts whose history this
     * person may read (admins: all); `mine`: only alerts they own (their Home tab).
     */
    async failingRecipients(actor: Actor, options: { mine?: boolean } = {}): Promise<FailingReport> {
      if (options.mine === true) {
        const own = (ids: readonly string[]) => store.listAlerts({ owner: actor.userId, ids });
        return findFailingRecipients({ store, now: clock(), among: own, visible: () => Promise.resolve(true) });
      }
      return findFailingRecipients({ store, now: clock(), visible: (alert) => canView(actor, alert) });
    },

    /** The next runs of a schedule, or its field errors (for the modal's preview). */
    previewSchedule(schedule: Schedule, count = 3): { ok: true; runs: Date[] } | { ok: false; errors: Record<string, string> } {
      const errors = validateSchedule(schedule);
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      return { ok: true, runs: nextRuns(schedule, clock(), count) };
    },

    /**
     * Asks every configured data source to answer, and what its database user may do beyond
     * reading (for /alert doctor): `privileged` is the sentence to show, or null.
     */
    async checkDataSources(timeoutMs = 5000): Promise<SourceCheck[]> {
      return Promise.all(
        deps.dataSources.names().map(async (name): Promise<SourceCheck> => {
          const source = deps.dataSources.get(name);
          const kind = source?.kind;
          try {
            await source?.ping(timeoutMs);
          } catch (err) {
            return { name, kind, ok: false, error: err instanceof LookoutError ? err.userMessage : 'did not answer', privileged: null };
          }
          try {
            const verdict = await deps.dataSources.privileges(name);
            if (verdict === undefined || verdict.findings.length === 0) return { name, kind, ok: true, error: null, privileged: null };
            return verdict.refused
              ? { name, kind, ok: false, error: privilegedError(name, verdict.findings).userMessage, privileged: 'refused' }
              : { name, kind, ok: true, error: privilegedWarning(name, verdict.findings), privileged: 'allowed' };
          } catch (err) {
            return { name, kind, ok: false, error: err instanceof LookoutError ? err.userMessage : 'its database user could not be checked', privileged: null };
          }
        }),
      );
    },

    /**
     * Runs SQL once, read-only, and says what it returned (or the database's message) and, for an
     * alert, what the draft's rules would do with it at the next scheduled check: `draft` is the
     * form as it stands, `alertId` the alert being edited (its series states count).
     */
    async testQuery(
      actor: Actor,
      request: { dataSource: string; sql: string; draft?: AlertInput | null; alertId?: string | null; owners?: readonly string[] },
    ): Promise<TestQueryResult> {
      if (!usableDataSources(actor).includes(request.dataSource)) {
        return { ok: false, error: `"${request.dataSource}" is not a data source you may use.` };
      }
      const barredOwners = barred(request.dataSource, request.owners ?? []);
      if (barredOwners.length > 0) return { ok: false, error: new SourceBarredError(request.dataSource, barredOwners).userMessage };
      if (request.sql.trim() === '') return { ok: false, error: 'Write some SQL first.' };
      const source = deps.dataSources.get(request.dataSource);
      const limits = deps.dataSources.limits(request.dataSource);
      if (!source || !limits) return { ok: false, error: `"${request.dataSource}" is not configured.` };
      try {
        const result = await source.query(request.sql, {
          timeoutMs: Math.min(limits.statementTimeoutS * 1000, TEST_QUERY_TIMEOUT_MS),
          maxRows: limits.maxRows,
        });
        return {
          ok: true,
          columns: result.columns,
          rows: result.rows.slice(0, PREVIEW_ROWS),
          rowCount: result.rows.length,
          truncated: result.truncated,
          verdict: await verdictFor(actor, request.draft ?? null, request.alertId ?? null, result),
        };
      } catch (err) {
        if (err instanceof LookoutError) return { ok: false, error: err.userMessage };
        throw err;
      }
    },
  };

  /** What an alert draft's rules make of a result; null for a report. */
  async function verdictFor(actor: Actor, draft: AlertInput | null, alertId: string | null, result: QueryResult): Promise<TestVerdict | null> {
    if (draft === null || draft.type !== 'alert') return null;
    const errors: Record<string, string> = {};
    const rules = readAlertRules(draft, errors);
    if (rules === null) return { kind: 'unchecked', problems: Object.entries(errors).map(([field, message]) => `${field}: ${message}`) };
    // An edit starts from the alert's series; one this person may not change counts as new.
    const stored = alertId === null ? null : await getForChange(actor, alertId, 'edit').catch(() => null);
    const grace = wholeNumber(0, LIMITS.gracePeriodS, 'seconds').safeParse(orDefault(draft.gracePeriodS, DEFAULTS.gracePeriodS));
    const zone = draft.schedule?.timezone;
    return testVerdict({
      rules,
      stored,
      gracePeriodS: grace.success ? grace.data : DEFAULTS.gracePeriodS,
      timezone: typeof zone === 'string' && IANAZone.isValidZone(zone.trim()) ? zone.trim() : (stored?.schedule.timezone ?? 'UTC'),
      result,
      now: clock(),
      maxSeries: deps.maxSeries ?? DEFAULT_MAX_SERIES,
    });
  }

  async function saveNew(actor: Actor, { spec, warnings, keyGiven }: PreparedAlert, options: CodeOptions): Promise<SavedAlert> {
    const now = clock();
    const id = crypto.randomUUID();
    const row = {
      ...spec,
      id,
      active: true,
      nextRunAt: nextRunAfter(spec.schedule, now),
      shard: shardOf(id, deps.shards),
      managedBy: (actor.via ?? 'slack') === 'slack' ? null : (options.managedBy ?? null),
      createdBy: actor.userId,
      createdAt: now,
    };
    let alert: Alert;
    try {
      alert = await store.createAlert(row);
    } catch (err) {
      if (!(err instanceof ConflictError && err.field === 'key')) throw err;
      // Taken between the look-up and the insert: a given key is refused, a made one made again.
      if (keyGiven) throw new ValidationError({ key: `an alert with the key "${spec.key}" already exists; choose another key` });
      alert = await store.createAlert({ ...row, key: await freeKey(spec.name) });
    }
    await versions.record({ before: null, after: alert, by: actor.userId, via: actor.via ?? 'slack' });
    return { ...alert, warnings };
  }

  async function saveChange(actor: Actor, alert: Alert, { spec, warnings }: PreparedAlert, options: CodeOptions): Promise<SavedAlert> {
    const patch: AlertPatch = { ...spec, updatedBy: actor.userId, updatedAt: clock() };
    if ((actor.via ?? 'slack') !== 'slack' && options.managedBy !== undefined) patch.managedBy = options.managedBy;
    const scheduleChanged = spec.schedule.cron !== alert.schedule.cron || spec.schedule.timezone !== alert.schedule.timezone;
    if (scheduleChanged && alert.active) patch.nextRunAt = nextRunAfter(spec.schedule, clock());
    const updated = await store.updateAlert(alert.id, patch);
    if (updated === null) throw new NotFoundError(alert.name);
    await versions.record({ before: alert, after: updated, by: actor.userId, via: actor.via ?? 'slack', restoredFrom: options.restoredFrom });
    return { ...updated, warnings };
  }

  async function change(alert: Alert, patch: AlertPatch): Promise<Alert> {
    const updated = await store.updateAlert(alert.id, patch);
    if (updated === null) throw new NotFoundError(alert.name);
    return updated;
  }
}

export type AlertService = ReturnType<typeof createAlertService>;

