// What Slack (and anything else) calls to manage alerts: create, update, pause, resume,
// snooze, delete, run now, history, test query. Every field is validated here and every
// change is checked against owners and admins; front ends only translate.
import { evaluateCondition, type ConditionOutcome } from '../domain/condition.js';
import { nextRunAfter, nextRuns, validateSchedule } from '../domain/schedule.js';
import type { DataSourceCatalog } from '../datasources/port.js';
import type { Alert, Condition, Execution, QueryResult, Recipient, Schedule } from '../domain/types.js';
import { ForbiddenError, LookoutError, NotFoundError, ValidationError } from '../errors.js';
import type { RunNowData } from '../scheduler/run-now-job.js';
import { shardOf } from '../scheduler/shards.js';
import type { AlertPatch, Store } from '../store/port.js';
import { validateAlertInput, type AlertInput } from './alert-input.js';

export interface Actor {
  userId: string;
}

export interface AlertServiceDeps {
  store: Store;
  dataSources: DataSourceCatalog;
  clock: () => Date;
  admins: string[];
  shards: number;
  allowedHosts: string[];
  /** Queues a run-now job (the scheduler's; tests may run it directly). */
  runNow: (data: RunNowData) => Promise<void>;
  /**
   * Front-end checks on recipients that need the outside world (e.g. the bot and the
   * person are members of each channel). Returns field errors keyed like the input's.
   */
  verifyRecipients?: (actor: Actor, recipients: Recipient[]) => Promise<Record<string, string>>;
}

export type TestQueryResult =
  | {
      ok: true;
      columns: string[];
      /** The first rows, for a preview. */
      rows: QueryResult['rows'];
      rowCount: number;
      truncated: boolean;
      /** For alerts: what the condition makes of the result. */
      condition: ConditionOutcome | null;
    }
  | { ok: false; error: string };

/** The longest a snooze may last. */
export const MAX_SNOOZE_MS = 90 * 24 * 3600 * 1000;
const TEST_QUERY_TIMEOUT_MS = 15_000;
const PREVIEW_ROWS = 5;

export function createAlertService(deps: AlertServiceDeps) {
  const { store, clock } = deps;

  const isAdmin = (userId: string) => deps.admins.includes(userId);

  function usableDataSources(actor: Actor): string[] {
    return deps.dataSources.names().filter((name) => {
      const allowed = deps.dataSources.allowedUsers(name);
      return allowed.length === 0 || allowed.includes(actor.userId) || isAdmin(actor.userId);
    });
  }

  /** Finds an alert by id or (case-insensitive) name. */
  async function get(ref: string): Promise<Alert> {
    const trimmed = ref.trim();
    const alert = (await store.getAlert(trimmed).catch(() => null)) ?? (await store.findAlertByName(trimmed));
    if (alert === null) throw new NotFoundError(trimmed);
    return alert;
  }

  function canChange(actor: Actor, alert: Alert): boolean {
    return alert.owners.includes(actor.userId) || isAdmin(actor.userId);
  }

  async function getForChange(actor: Actor, ref: string, action: string): Promise<Alert> {
    const alert = await get(ref);
    if (!canChange(actor, alert)) throw new ForbiddenError(action);
    return alert;
  }

  async function validate(actor: Actor, input: AlertInput, existing: Alert | null) {
    const sources = usableDataSources(actor);
    // An alert keeps a source it already uses, even if this editor may not pick it anew.
    if (existing && !sources.includes(existing.dataSource)) sources.push(existing.dataSource);
    const result = validateAlertInput(input, { dataSources: sources, allowedHosts: deps.allowedHosts, actor: actor.userId });
    if (!result.ok) throw new ValidationError(result.errors);
    if (deps.verifyRecipients) {
      const errors = await deps.verifyRecipients(actor, result.spec.recipients);
      if (Object.keys(errors).length > 0) throw new ValidationError(errors);
    }
    if (existing === null || existing.name.toLowerCase() !== result.spec.name.toLowerCase()) {
      const clash = await store.findAlertByName(result.spec.name);
      if (clash !== null && clash.id !== existing?.id) {
        throw new ValidationError({ name: `an alert named "${clash.name}" already exists; choose another name` });
      }
    }
    return result.spec;
  }

  return {
    isAdmin,
    usableDataSources,
    get,
    canChange,

    async create(actor: Actor, input: AlertInput): Promise<Alert> {
      const spec = await validate(actor, input, null);
      const now = clock();
      const id = crypto.randomUUID();
      return store.createAlert({
        ...spec,
        id,
        active: true,
        nextRunAt: nextRunAfter(spec.schedule, now),
        shard: shardOf(id, deps.shards),
        createdBy: actor.userId,
        createdAt: now,
      });
    },

    async update(actor: Actor, ref: string, input: AlertInput): Promise<Alert> {
      const alert = await getForChange(actor, ref, 'edit');
      const spec = await validate(actor, input, alert);
      const patch: AlertPatch = { ...spec, updatedBy: actor.userId, updatedAt: clock() };
      const scheduleChanged =
        spec.schedule.cron !== alert.schedule.cron || spec.schedule.timezone !== alert.schedule.timezone;
      if (scheduleChanged && alert.active) patch.nextRunAt = nextRunAfter(spec.schedule, clock());
      return (await store.updateAlert(alert.id, patch)) ?? Promise.reject(new NotFoundError(ref));
    },

    async list(actor: Actor, options: { all?: boolean } = {}): Promise<Alert[]> {
      if (options.all && !isAdmin(actor.userId)) throw new LookoutError('forbidden', 'Only Lookout admins can list all alerts; `/alert list` shows yours.');
      return store.listAlerts(options.all ? {} : { owner: actor.userId });
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
      await store.deleteAlert(alert.id);
      return alert;
    },

    async runNow(actor: Actor, ref: string): Promise<Alert> {
      const alert = await getForChange(actor, ref, 'run');
      await deps.runNow({ alertId: alert.id, requestedAt: clock().toISOString(), requestedBy: actor.userId });
      return alert;
    },

    async history(ref: string, limit = 10): Promise<{ alert: Alert; executions: Execution[] }> {
      const alert = await get(ref);
      return { alert, executions: await store.history(alert.id, Math.min(Math.max(limit, 1), 50)) };
    },

    /** The next runs of a schedule, or its field errors (for the modal's preview). */
    previewSchedule(schedule: Schedule, count = 3): { ok: true; runs: Date[] } | { ok: false; errors: Record<string, string> } {
      const errors = validateSchedule(schedule);
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      return { ok: true, runs: nextRuns(schedule, clock(), count) };
    },

    /** Asks every configured data source to answer (for /alert doctor). */
    async checkDataSources(timeoutMs = 5000): Promise<{ name: string; ok: boolean; error: string | null }[]> {
      return Promise.all(
        deps.dataSources.names().map(async (name) => {
          try {
            await deps.dataSources.get(name)?.ping(timeoutMs);
            return { name, ok: true, error: null };
          } catch (err) {
            return { name, ok: false, error: err instanceof LookoutError ? err.userMessage : 'did not answer' };
          }
        }),
      );
    },

    /** Runs SQL once, read-only, and says what it returned (or the database's message). */
    async testQuery(
      actor: Actor,
      request: { dataSource: string; sql: string; condition?: Condition | null },
    ): Promise<TestQueryResult> {
      if (!usableDataSources(actor).includes(request.dataSource)) {
        return { ok: false, error: `"${request.dataSource}" is not a data source you may use.` };
      }
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
          condition: request.condition ? evaluateCondition(request.condition, result) : null,
        };
      } catch (err) {
        if (err instanceof LookoutError) return { ok: false, error: err.userMessage };
        throw err;
      }
    },
  };

  async function change(alert: Alert, patch: AlertPatch): Promise<Alert> {
    const updated = await store.updateAlert(alert.id, patch);
    if (updated === null) throw new NotFoundError(alert.name);
    return updated;
  }
}

export type AlertService = ReturnType<typeof createAlertService>;
