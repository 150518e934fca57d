// The configured data sources by name, opened once, with their limits and allowed users.
// Before a source runs its first query, and again every few minutes, the catalog asks what its
// database user may do beyond reading (DataSource.privileges). A privileged user's source runs
// no queries unless its config sets allowPrivilegedUser; either way `onPrivileged` hears of it
// once per source per process. A check that fails (the source is down) caches nothing, so the
// next query checks again: a source that comes back is checked then.
import { systemClock, type Clock } from '../clock.js';
import type { DataSourceConfig } from '../config.js';
import { canceledError, privilegedError } from './error-rules.js';
import { openDataSource } from './open-data-source.js';
import type { DataSource, DataSourceCatalog, PrivilegeFinding, PrivilegeVerdict } from './port.js';

export interface CatalogOptions {
  /**
   * A source's user was found privileged: called once per source per process, so the admins
   * can be told. `refused`: its queries are refused (allowPrivilegedUser is not set).
   */
  onPrivileged?(source: string, findings: PrivilegeFinding[], refused: boolean): void;
  /** How long a verdict holds before the next query checks again; default 10 minutes. */
  recheckMs?: number;
  /** Time the check may take; default 15 s. */
  checkTimeoutMs?: number;
  clock?: Clock;
}

const RECHECK_MS = 10 * 60_000;
const CHECK_TIMEOUT_MS = 15_000;

/** `work`, or a canceled error as soon as `signal` aborts (the work goes on, its result unused). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, source: string): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(canceledError(source));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(canceledError(source));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function createDataSourceCatalog(configs: DataSourceConfig[], options: CatalogOptions = {}): DataSourceCatalog {
  const byName = new Map(configs.map((config) => [config.name, config]));
  const recheckMs = options.recheckMs ?? RECHECK_MS;
  const checkTimeoutMs = options.checkTimeoutMs ?? CHECK_TIMEOUT_MS;
  const clock = options.clock ?? systemClock;
  // Opened on first use: a source that is down does not stop Lookout from starting.
  const open = new Map<string, DataSource>();
  const guarded = new Map<string, DataSource>();
  const verdicts = new Map<string, PrivilegeVerdict>();
  const checking = new Map<string, Promise<PrivilegeVerdict>>();
  const told = new Set<string>();

  function raw(config: DataSourceConfig): DataSource {
    let source = open.get(config.name);
    if (source === undefined) {
      source = openDataSource(config);
      open.set(config.name, source);
    }
    return source;
  }

  async function check(config: DataSourceConfig): Promise<PrivilegeVerdict> {
    const findings = await raw(config).privileges(checkTimeoutMs);
    const verdict = { findings, refused: findings.length > 0 && !config.allowPrivilegedUser, checkedAt: clock() };
    verdicts.set(config.name, verdict);
    if (findings.length > 0 && !told.has(config.name)) {
      told.add(config.name);
      options.onPrivileged?.(config.name, findings, verdict.refused);
    }
    return verdict;
  }

  /** The source's recent verdict, or a new check (one at a time per source). */
  function verdictOf(config: DataSourceConfig): Promise<PrivilegeVerdict> {
    const cached = verdicts.get(config.name);
    if (cached && clock().getTime() - cached.checkedAt.getTime() < recheckMs) return Promise.resolve(cached);
    let pending = checking.get(config.name);
    if (pending === undefined) {
      pending = check(config).finally(() => checking.delete(config.name));
      checking.set(config.name, pending);
    }
    return pending;
  }

  /** The source as callers see it: queries wait for a verdict and refuse a privileged user. */
  function guard(config: DataSourceConfig): DataSource {
    const source = raw(config);
    return {
      name: source.name,
      kind: source.kind,
      async query(sql, queryOptions) {
        const verdict = await untilAborted(verdictOf(config), queryOptions.signal, config.name);
        if (verdict.refused) throw privilegedError(config.name, verdict.findings);
        return raw(config).query(sql, queryOptions);
      },
      // The doctor asks whether the source answers, whoever its user is.
      ping: (timeoutMs) => raw(config).ping(timeoutMs),
      privileges: (timeoutMs) => raw(config).privileges(timeoutMs),
      close: async () => open.get(config.name)?.close(),
    };
  }

  return {
    get(name) {
      const config = byName.get(name);
      if (config === undefined) return undefined;
      let source = guarded.get(name);
      if (source === undefined) {
        source = guard(config);
        guarded.set(name, source);
      }
      return source;
    },
    limits(name) {
      const config = byName.get(name);
      return config && { statementTimeoutS: config.statementTimeoutS, maxRows: config.maxRows, maxResultBytes: config.maxResultBytes };
    },
    names: () => [...byName.keys()],
    allowedUsers: (name) => byName.get(name)?.allowedUsers ?? [],
    async privileges(name) {
      const config = byName.get(name);
      return config && verdictOf(config);
    },
    async checkAll() {
      // A source that cannot be checked now is checked by its next query.
      await Promise.all([...byName.values()].map((config) => verdictOf(config).catch(() => undefined)));
    },
    async closeAll() {
      await Promise.all([...open.values()].map((source) => source.close()));
      open.clear();
      guarded.clear();
    },
  };
}
