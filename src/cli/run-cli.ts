// `lookout alerts …` (issue 5/6): reads the settings as Lookout does (src/config.ts), opens the
// store and the data sources, and works through the same alert service as Slack, acting as one of
// the configured admins; every change it makes records that admin and "cli". Exit codes fit CI:
// 0 ok, 1 invalid alerts (nothing changed), 2 usage, settings or connection.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { systemClock } from '../clock.js';
import { loadConfig, screenshotCredentialUsers, type Config } from '../config.js';
import { createDataSourceCatalog } from '../datasources/catalog.js';
import { ConfigError, LookoutError } from '../errors.js';
import { createRootLogger } from '../logger.js';
import { readAlertPaths } from '../services/alert-paths.js';
import { createAlertService, type Actor } from '../services/alert-service.js';
import { checkFiles, createAlertsAsCode } from '../services/alerts-as-code.js';
import type { AlertFile } from '../services/alert-files.js';
import type { Store } from '../store/port.js';
import type { Alert } from '../domain/types.js';
import { openCliStore } from './open-cli-store.js';
import { parseCliArgs, USAGE, type CliCommand, type ExportFilter } from './parse-cli-args.js';
import { planLines, planSummary, problemLines } from './report.js';

export interface CliIo {
  /** Settings as the environment gives them; the process's when left out (config.ts reads it). */
  env?: Record<string, string | undefined>;
  cwd: string;
  out(line: string): void;
  err(line: string): void;
}

export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

/** The first line of an exported file. */
const EXPORT_HEADER = ['Lookout alerts. Check: npx lookout alerts validate -f <file>; apply: npx lookout alerts apply -f <file>'];

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const command = parseCliArgs(argv);
  if (command.kind === 'help') {
    io.out(USAGE);
    return EXIT.ok;
  }
  if (command.kind === 'usage') {
    io.err(`lookout: ${command.message}`);
    io.err('Try: lookout alerts --help');
    return EXIT.usage;
  }
  let config: Config;
  try {
    config = io.env === undefined ? loadConfig(undefined, io.cwd) : loadConfig(io.env, io.cwd);
  } catch (err) {
    io.err(`lookout: ${err instanceof ConfigError ? err.message : String(err)}`);
    return EXIT.usage;
  }
  const root = resolve(io.cwd, command.common.root ?? '.');
  try {
    return await run(command, config, root, io);
  } catch (err) {
    // A store or data source that went away mid-way: a connection problem, said in one line.
    io.err(`lookout: ${err instanceof LookoutError ? err.userMessage : err instanceof Error ? err.message : String(err)}`);
    return EXIT.usage;
  }
}

async function run(command: Exclude<CliCommand, { kind: 'help' | 'usage' }>, config: Config, root: string, io: CliIo): Promise<number> {
  const actorId = command.common.actor ?? config.code.actor;
  if (command.kind === 'validate') {
    const given = await readFiles(command.files, root, io);
    if (given === null) return EXIT.usage;
    const read = given.files;
    // Without a store: checked as an admin would be (every data source), or as the one named.
    const problems = checkFiles(read, {
      dataSources: config.dataSources.filter((s) => actorId === null || config.admins.includes(actorId) || s.allowedUsers.length === 0 || s.allowedUsers.includes(actorId)).map((s) => s.name),
      allowedHosts: config.screenshots.allowedHosts,
      actor: actorId ?? 'U0LOOKOUT',
    });
    const count = read.reduce((n, f) => n + f.alerts.length, 0);
    for (const line of problemLines(problems)) io.out(line);
    if (problems.length > 0) {
      io.out(`invalid: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} in ${new Set(problems.map((p) => p.file)).size} of ${read.length} files`);
      return EXIT.invalid;
    }
    io.out(`valid: ${count} ${count === 1 ? 'alert' : 'alerts'} in ${read.length} ${read.length === 1 ? 'file' : 'files'}`);
    return EXIT.ok;
  }

  if (actorId === null) {
    io.err('lookout: say who acts: --as <admin user id>, or alertsActor in lookout.config.yml (ALERTS_ACTOR)');
    return EXIT.usage;
  }
  if (!config.admins.includes(actorId)) {
    io.err(`lookout: ${actorId} is not a Lookout admin (admins in lookout.config.yml, or ADMIN_USER_IDS); the CLI acts as an admin`);
    return EXIT.usage;
  }
  const actor: Actor = { userId: actorId, via: 'cli' };
  const read = command.kind === 'export' ? { files: [], directory: null } : await readFiles(command.files, root, io);
  if (read === null) return EXIT.usage;

  const logger = createRootLogger('warn');
  const dataSources = createDataSourceCatalog(config.dataSources, { clock: systemClock });
  let store: Store;
  try {
    store = await openCliStore(config);
  } catch (err) {
    await dataSources.closeAll();
    throw err;
  }
  try {
    const service = createAlertService({
      store,
      dataSources,
      clock: systemClock,
      admins: config.admins,
      shards: config.scheduler.shards,
      allowedHosts: config.screenshots.allowedHosts,
      credentialUsers: screenshotCredentialUsers(config),
      maxSeries: config.alerts.maxSeries,
      logger,
      runNow: () => Promise.reject(new LookoutError('internal', 'the CLI does not run alerts')),
    });
    const code = createAlertsAsCode({ service, store });

    if (command.kind === 'export') {
      const alerts = filterAlerts(await service.list(actor, { all: true }), command.filter);
      const text = code.exportText(alerts, EXPORT_HEADER);
      if (command.output === null || command.output === '-') io.out(text.trimEnd());
      else {
        await writeFile(resolve(root, command.output), text);
        io.err(`exported ${alerts.length} ${alerts.length === 1 ? 'alert' : 'alerts'} to ${command.output}`);
      }
      return EXIT.ok;
    }

    const options = { prune: command.prune, directory: read.directory, prunedVia: 'cli' as const };
    if (command.kind === 'diff') {
      const plan = await code.plan(actor, read.files, options);
      for (const line of problemLines(plan.problems)) io.out(line);
      if (plan.problems.length > 0) {
        io.out(`invalid: ${plan.problems.length} ${plan.problems.length === 1 ? 'problem' : 'problems'}; apply would change nothing`);
        return EXIT.invalid;
      }
      for (const line of planLines(plan, 'diff')) io.out(line);
      io.out(planSummary(plan, 'diff', command.prune));
      return EXIT.ok;
    }
    const result = await code.apply(actor, read.files, options);
    for (const line of problemLines(result.plan.problems)) io.out(line);
    if (result.plan.problems.length > 0) {
      io.out(`refused: ${result.plan.problems.length} ${result.plan.problems.length === 1 ? 'problem' : 'problems'}; nothing was changed`);
      return EXIT.invalid;
    }
    if (result.failed !== null) {
      io.out(`failed at ${result.failed.step.key}: ${result.failed.error}`);
      io.out('the steps before it were applied; run apply again once it is fixed');
      return EXIT.invalid;
    }
    for (const line of planLines(result.plan, 'apply')) io.out(line);
    io.out(planSummary(result.plan, 'apply', command.prune));
    return EXIT.ok;
  } finally {
    await dataSources.closeAll().catch(() => undefined);
    await store.close().catch(() => undefined);
  }
}

/**
 * The files, or null after saying which could not be read; and the directory whose files are the
 * scope of --prune: given one directory below the root (and nothing else), alerts its files
 * managed are in scope even when their file is gone. Never the root itself: names there are
 * relative to where the command runs, and alertsDir's files must not fall in its scope.
 */
async function readFiles(paths: string[], root: string, io: CliIo): Promise<{ files: AlertFile[]; directory: string | null } | null> {
  const read = await readAlertPaths(paths, root);
  for (const { path, message } of read.unreadable) io.err(`lookout: ${path}: ${message}`);
  if (read.unreadable.length > 0) return null;
  const [only] = read.directories;
  return { files: read.files, directory: paths.length === 1 && only !== undefined && only !== '' && !only.startsWith('../') ? only : null };
}

function filterAlerts(alerts: Alert[], filter: ExportFilter): Alert[] {
  return alerts.filter(
    (a) =>
      (filter.keys.length === 0 || filter.keys.includes(a.key)) &&
      (filter.owner === null || a.owners.includes(filter.owner)) &&
      (filter.type === null || a.type === filter.type) &&
      (filter.managedBy === null || a.managedBy === filter.managedBy) &&
      (!filter.unmanaged || a.managedBy === null),
  );
}
