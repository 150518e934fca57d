// Provisioned alerts (issue 5/6): the alert files of `alertsDir` applied at start and whenever they
// change, as the configured admin, through the same plan as `lookout alerts apply --prune`. The
// directory is the truth for the alerts it manages: an alert leaves when its entry or its file
// does. All or nothing, as the CLI: a directory with any problem changes nothing, and its problems
// are logged and told to the admins (once per set of problems) until it is fixed.
// Changes are seen by fs.watch (debounced) and, since watching can miss events (editors that
// replace files, network filesystems), by a poll that compares the files' names, sizes and times.
// One apply at a time; a change during an apply leads to one more after it.
import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { formatProblem } from '../services/alert-files.js';
import { MAX_FILES, readAlertPaths } from '../services/alert-paths.js';
import type { ApplyResult, AlertsAsCode } from '../services/alerts-as-code.js';

export interface AlertsDirDeps {
  dir: string;
  /** The admin the files act as (config alertsActor). */
  actor: string;
  code: AlertsAsCode;
  logger: Logger;
  /** Told (once per set of problems) when the directory cannot be applied. */
  tellAdmins?: (text: string) => void;
  /** Quiet time after a change before applying (editors write in several steps). */
  debounceMs?: number;
  /** How often the files are compared, in case fs.watch missed a change. */
  pollMs?: number;
}

export interface AlertsDir {
  /** Applies the directory now (after any apply under way); what it did. */
  applyNow(): Promise<ApplyResult | null>;
  stop(): Promise<void>;
}

const DEBOUNCE_MS = 1000;
const POLL_MS = 30_000;
/** Problems a log line or an admin notice lists at most. */
const PROBLEMS_SHOWN = 20;

/** Applies the directory once, then keeps watching it. */
export async function startAlertsDir(deps: AlertsDirDeps): Promise<AlertsDir> {
  const { dir, logger } = deps;
  const actor = { userId: deps.actor, via: 'files' as const };
  let running: Promise<ApplyResult | null> | null = null;
  let again = false;
  let stopped = false;
  let lastFingerprint = '';
  let lastProblems = '';
  let timer: NodeJS.Timeout | undefined;

  async function applyOnce(): Promise<ApplyResult | null> {
    lastFingerprint = await fingerprint(dir).catch(() => '');
    const read = await readAlertPaths([dir], dir);
    if (read.unreadable.length > 0) {
      report(read.unreadable.map((u) => `${u.path}: ${u.message}`));
      return null;
    }
    const result = await deps.code.apply(actor, read.files, { prune: true, directory: '', prunedVia: 'files' });
    if (result.plan.problems.length > 0) {
      report(result.plan.problems.map((p) => formatProblem(p)));
    } else if (result.failed !== null) {
      report([`${result.failed.step.key}: ${result.failed.error}`]);
    } else {
      lastProblems = '';
      const changed = result.plan.steps.filter((s) => s.kind !== 'unchanged');
      if (changed.length > 0) {
        logger.info({ changes: changed.map((s) => `${s.kind} ${s.key}`), files: read.files.length }, 'applied the alerts directory');
      }
    }
    return result;
  }

  function report(lines: string[]): void {
    const shown = [...lines.slice(0, PROBLEMS_SHOWN), ...(lines.length > PROBLEMS_SHOWN ? [`…and ${lines.length - PROBLEMS_SHOWN} more`] : [])];
    const text = shown.join('\n');
    logger.warn({ problems: shown }, 'the alerts directory was not applied: nothing changed');
    if (text !== lastProblems) deps.tellAdmins?.(`⚠️ The alert files in ${dir} were not applied (nothing changed):\n${text}`);
    lastProblems = text;
  }

  function applyNow(): Promise<ApplyResult | null> {
    if (running !== null) {
      again = true;
      return running.then(() => (running ?? applyNow()));
    }
    const run: Promise<ApplyResult | null> = applyOnce()
      .catch((err: unknown) => {
        logger.warn({ err }, 'could not apply the alerts directory; trying again at its next change');
        return null;
      })
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          void applyNow();
        }
      });
    running = run;
    return run;
  }

  const changed = (): void => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void applyNow(), deps.debounceMs ?? DEBOUNCE_MS);
  };

  await applyNow();
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dir, { recursive: true }, changed);
    watcher.on('error', (err) => logger.warn({ err }, 'stopped watching the alerts directory; its poll still sees changes'));
  } catch (err) {
    logger.warn({ err }, 'cannot watch the alerts directory; its poll sees changes');
  }
  const poll = setInterval(() => {
    void fingerprint(dir).then(
      (now) => now !== lastFingerprint && changed(),
      () => undefined,
    );
  }, deps.pollMs ?? POLL_MS);
  poll.unref();

  return {
    applyNow,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(poll);
      watcher?.close();
      await running;
    },
  };
}

/** The alert files' names, sizes and modification times: changes when any file does. */
async function fingerprint(dir: string): Promise<string> {
  const parts: string[] = [];
  const walk = async (path: string, depth: number): Promise<void> => {
    for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || parts.length > MAX_FILES) continue;
      const full = join(path, entry.name);
      if (entry.isDirectory() && depth < 8) await walk(full, depth + 1);
      else if (entry.isFile() && /\.(ya?ml|json)$/i.test(entry.name)) {
        const info = await stat(full);
        parts.push(`${full}:${info.size}:${info.mtimeMs}`);
      }
    }
  };
  await walk(dir, 0);
  return parts.join('\n');
}
