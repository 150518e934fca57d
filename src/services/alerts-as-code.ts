// Alerts as code (issue 5/6): alert files planned and applied through the same service as Slack
// (its checks, its saves, its versions), for the CLI and for the alerts directory.
// - An alert is found by its key (given, or made from its name); applying a file twice changes
//   nothing the second time.
// - Every alert of every file is checked before anything is saved: one invalid alert, one key used
//   twice, one alert managed by another file, and nothing changes.
// - Applied alerts are managed by their file (managedBy): Slack shows them read-only. `prune`
//   deletes the alerts a file manages that it no longer lists (and, for a directory, those of its
//   files that are gone).
import pLimit from 'p-limit';
import { keyFromName } from '../domain/alert-key.js';
import { changedFields, specOf, type ChangeChannel } from '../domain/versions.js';
import type { Alert, AlertSpec } from '../domain/types.js';
import { LookoutError, ValidationError } from '../errors.js';
import { validateAlertInput, type AlertInput, type InputContext } from './alert-input.js';
import type { AlertFile, FileProblem } from './alert-files.js';
import type { Actor, AlertService, PreparedAlert } from './alert-service.js';
import type { Store } from '../store/port.js';
import { alertToDocument, alertsFileText } from './alert-document.js';

/** What applying would do to one alert. */
export type PlanStep =
  | { kind: 'create'; file: string; index: number; key: string; name: string; prepared: PreparedAlert }
  | { kind: 'change'; file: string; index: number; key: string; name: string; fields: string[]; alert: Alert; prepared: PreparedAlert }
  | { kind: 'unchanged'; file: string; index: number; key: string; name: string }
  | { kind: 'delete'; key: string; name: string; alert: Alert };

export interface Plan {
  steps: PlanStep[];
  /** Every problem found; a plan with any is not applied. */
  problems: FileProblem[];
  /** Said without stopping the plan (e.g. a SQL that could not be tried just now). */
  warnings: string[];
}

export interface PlanOptions {
  /** Delete alerts of these files' scope that they do not list. */
  prune: boolean;
  /**
   * The alerts become managed by their file (default). False for a paste in Slack (`/alert
   * import`): they stay editable there, and an alert managed by a file is refused.
   */
  manage?: boolean;
  /**
   * The scope beyond the files themselves: alerts managed by a file under this directory name
   * ('team/' or '' for all) whose file is not among those read are pruned too (a deleted file).
   */
  directory?: string | null;
  /**
   * Of those, only alerts last saved through this channel: the CLI names files from where it
   * runs and alertsDir from its directory, so a name alone does not say which of them put it there.
   */
  prunedVia?: ChangeChannel;
}

export interface ApplyResult {
  plan: Plan;
  applied: boolean;
  /** A step that failed while saving (something changed between the check and the save). */
  failed: { step: PlanStep; error: string } | null;
}

/** Alerts checked at once (each may run its SQL once, read-only). */
const CHECKS_AT_ONCE = 4;

export function createAlertsAsCode(deps: { service: AlertService; store: Store }) {
  const { service, store } = deps;

  async function plan(actor: Actor, files: AlertFile[], options: PlanOptions): Promise<Plan> {
    const problems: FileProblem[] = files.flatMap((f) => f.problems);
    const warnings: string[] = [];
    const existing = await store.listAlerts();
    const byKey = new Map(existing.map((a) => [a.key, a]));
    const entries = files.flatMap((file) => file.alerts.map((entry) => ({ file, entry, key: keyOf(entry.raw) })));
    const listed = new Set(entries.flatMap((e) => (e.key === null ? [] : [e.key])));
    // Which keys each file lists: an alert may move from one file to another applied with it.
    const keysOf = new Map(files.map((f) => [f.name, new Set(entries.filter((e) => e.file === f && e.key !== null).map((e) => e.key!))]));
    const deletions = options.prune ? await pruned(existing, files, listed, options) : [];
    // Alerts about to be deleted free their names for the alerts that replace them.
    const freeing = new Set(deletions.map((d) => d.alert.id));
    const manage = options.manage ?? true;
    const limit = pLimit(CHECKS_AT_ONCE);

    const checked = await Promise.all(
      entries.map(({ file, entry, key }) =>
        limit(async (): Promise<PlanStep | null> => {
          const fieldProblem = (field: string | null, message: string): null => {
            problems.push({ file: file.name, ...file.placeOf(entry.index, field), alert: entry.index, field, message });
            return null;
          };
          const current = key === null ? null : (byKey.get(key) ?? null);
          // An alert this person may not see is not named, nor is its file: the key is just taken.
          if (current !== null && !(await service.canSee(actor, current))) {
            return fieldProblem('key', `the key “${current.key}” is taken by an alert you cannot see; use another key`);
          }
          // Managed by another file: refused, with the entry's other problems said too — unless that
          // file is applied too and no longer lists it (the alert moves).
          const moving = current !== null && current.managedBy !== null && keysOf.has(current.managedBy) && !keysOf.get(current.managedBy)!.has(current.key);
          const elsewhere = current !== null && current.managedBy !== null && (current.managedBy !== file.name || !manage) && !(manage && moving);
          if (elsewhere) fieldProblem('key', `the alert “${current.name}” with this key is managed in code by ${current.managedBy}; change it there${manage ? ', or use another key' : ''}`);
          const input = isObject(entry.raw) ? ({ ...entry.raw, key: key ?? entry.raw.key } as AlertInput) : (entry.raw as AlertInput);
          let prepared: PreparedAlert;
          try {
            prepared = await service.prepare(actor, input, current, { freeing });
          } catch (err) {
            if (err instanceof ValidationError) {
              for (const [field, message] of Object.entries(err.fieldErrors)) fieldProblem(field, message);
              return null;
            }
            if (err instanceof LookoutError) return fieldProblem(null, err.userMessage);
            throw err;
          }
          if (elsewhere) return null;
          warnings.push(...prepared.warnings.map((w) => `${file.name}: ${prepared.spec.name}: ${w}`));
          const base = { file: file.name, index: entry.index, key: prepared.spec.key, name: prepared.spec.name };
          if (current === null) return { kind: 'create', ...base, prepared };
          const fields = changesOf(current, prepared.spec, manage ? file.name : null);
          return fields.length === 0 ? { kind: 'unchanged', ...base } : { kind: 'change', ...base, fields, alert: current, prepared };
        }),
      ),
    );

    // A key or a name twice: the later one (in file order) is the problem.
    const steps: PlanStep[] = [];
    const seenKeys = new Map<string, string>();
    const seenNames = new Map<string, string>();
    checked.forEach((step, i) => {
      const { file, entry } = entries[i]!;
      if (step === null || step.kind === 'delete') return;
      const where = `${file.name}:${entry.place.line}`;
      const problem = (field: string, message: string) => problems.push({ file: file.name, ...file.placeOf(entry.index, field), alert: entry.index, field, message });
      const twiceKey = seenKeys.get(step.key);
      const twiceName = seenNames.get(step.name.toLowerCase());
      if (twiceKey !== undefined) return problem('key', `"${step.key}" is also the key of the alert at ${twiceKey}`);
      if (twiceName !== undefined) return problem('name', `“${step.name}” is also the name of the alert at ${twiceName}`);
      seenKeys.set(step.key, where);
      seenNames.set(step.name.toLowerCase(), where);
      steps.push(step);
    });
    steps.push(...deletions);
    problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
    return { steps, problems, warnings };
  }

  /**
   * The alerts of the files' scope that they do not list: managed by one of them, or by a file gone
   * from the directory (last saved through `prunedVia`, when given).
   */
  async function pruned(existing: Alert[], files: AlertFile[], listed: ReadonlySet<string>, options: PlanOptions): Promise<Extract<PlanStep, { kind: 'delete' }>[]> {
    const names = new Set(files.map((f) => f.name));
    const directory = options.directory ?? null;
    const out: Extract<PlanStep, { kind: 'delete' }>[] = [];
    for (const alert of existing) {
      const managedBy = alert.managedBy;
      if (managedBy === null || listed.has(alert.key)) continue;
      const ownFile = names.has(managedBy);
      if (!ownFile && (directory === null || !managedBy.startsWith(directory))) continue;
      if (!ownFile && options.prunedVia !== undefined && (await lastVia(alert)) !== options.prunedVia) continue;
      out.push({ kind: 'delete', key: alert.key, name: alert.name, alert });
    }
    return out;

    async function lastVia(alert: Alert): Promise<ChangeChannel | null> {
      return (await store.versions(alert.id, 1))[0]?.via ?? null;
    }
  }

  return {
    plan,

    /** Plans, then, when nothing is wrong, saves each step (creates, changes, then deletes). */
    async apply(actor: Actor, files: AlertFile[], options: PlanOptions): Promise<ApplyResult> {
      const planned = await plan(actor, files, options);
      if (planned.problems.length > 0) return { plan: planned, applied: false, failed: null };
      // Deletions first: an alert that replaces a pruned one may take its name.
      const order = { delete: 0, create: 1, change: 2, unchanged: 3 } as const;
      for (const step of [...planned.steps].sort((a, b) => order[a.kind] - order[b.kind])) {
        try {
          const managedBy = options.manage === false ? null : step.kind === 'delete' ? null : step.file;
          if (step.kind === 'create') await service.save(actor, step.prepared, null, { managedBy });
          else if (step.kind === 'change') await service.save(actor, step.prepared, step.alert, { managedBy });
          else if (step.kind === 'delete') await service.remove(actor, step.alert.id);
        } catch (err) {
          return { plan: planned, applied: false, failed: { step, error: err instanceof LookoutError ? err.userMessage : String(err) } };
        }
      }
      return { plan: planned, applied: true, failed: null };
    },

    /** The alerts as one file's text, by key (so the same alerts always give the same text). */
    exportText(alerts: Alert[], header: string[] = []): string {
      const sorted = [...alerts].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return alertsFileText(sorted.map((a) => alertToDocument(specOf(a))), header);
    },
  };
}

/**
 * The files checked as the Slack form checks an alert, without the store: every field of every
 * alert, a key or a name used twice, against the person's data sources and screenshot hosts.
 */
export function checkFiles(files: AlertFile[], context: InputContext): FileProblem[] {
  const problems: FileProblem[] = files.flatMap((f) => f.problems);
  const seenKeys = new Map<string, string>();
  const seenNames = new Map<string, string>();
  for (const file of files) {
    for (const entry of file.alerts) {
      const at = (field: string | null, message: string) => problems.push({ file: file.name, ...file.placeOf(entry.index, field), alert: entry.index, field, message });
      const key = keyOf(entry.raw);
      const input = isObject(entry.raw) ? ({ ...entry.raw, key: key ?? entry.raw.key } as AlertInput) : (entry.raw as AlertInput);
      const result = validateAlertInput(input, context);
      if (!result.ok) {
        for (const [field, message] of Object.entries(result.errors)) at(field, message);
        continue;
      }
      const where = `${file.name}:${entry.place.line}`;
      const name = result.spec.name.toLowerCase();
      if (key !== null && seenKeys.has(key)) at('key', `"${key}" is also the key of the alert at ${seenKeys.get(key)}`);
      else if (seenNames.has(name)) at('name', `“${result.spec.name}” is also the name of the alert at ${seenNames.get(name)}`);
      if (key !== null && !seenKeys.has(key)) seenKeys.set(key, where);
      if (!seenNames.has(name)) seenNames.set(name, where);
    }
  }
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/** The key an entry names, or makes from its name; null when it has neither. */
function keyOf(raw: unknown): string | null {
  if (!isObject(raw)) return null;
  if (typeof raw.key === 'string' && raw.key.trim() !== '') return raw.key.trim();
  return typeof raw.name === 'string' && raw.name.trim() !== '' ? keyFromName(raw.name.trim()) : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a change would change: the spec's fields, then managedBy when the file takes it over. */
function changesOf(current: Alert, spec: AlertSpec, managedBy: string | null): string[] {
  const fields = changedFields(specOf(current), spec);
  return current.managedBy === managedBy ? fields : [...fields, 'managedBy'];
}

export type AlertsAsCode = ReturnType<typeof createAlertsAsCode>;
