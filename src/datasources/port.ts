// The data-source port: run one read-only query with a statement timeout and a row cap.
// Every engine module (postgres.ts, mysql.ts, sqlite.ts, duckdb.ts) promises the same:
// - the query runs read-only, enforced by the database (read-only transaction, connection
//   or file; for DuckDB, an empty in-memory database that runs queries only), so writes fail
//   there and leave the data unchanged;
// - it stops at `timeoutMs` on the server, and is cancelled on the server when `signal` aborts;
//   nothing in the SQL can lift that limit;
// - at most `maxRows` rows are fetched (`truncated` says whether more existed);
// - at most the source's `maxResultBytes` are read and no value past `maxCellBytes` is kept:
//   a bigger result fails the query ('too_large') while it is read, so no result, however
//   built, can end the process or grow it past a fixed bound;
// - nothing the query did outlives it on a pooled connection (locks, settings, variables,
//   temporary objects, prepared statements);
// - failures are DataSourceErrors with a cause and a sentence a person can act on.
import type { QueryResult } from '../domain/types.js';
import { LookoutError } from '../errors.js';

export type { Cell, QueryResult } from '../domain/types.js';

export type DataSourceKind = 'postgres' | 'mysql' | 'sqlite' | 'duckdb';

export interface QueryOptions {
  /** Statement timeout enforced by the database. */
  timeoutMs: number;
  /** Row cap: rows past it are not fetched. */
  maxRows: number;
  /** Aborted when the execution's working timeout expires: cancel the query on the server. */
  signal?: AbortSignal;
}

export interface DataSource {
  readonly name: string;
  readonly kind: DataSourceKind;
  /** Runs one read-only statement. Throws DataSourceError. */
  query(sql: string, options: QueryOptions): Promise<QueryResult>;
  /** Checks the source answers (for /alert doctor). Throws DataSourceError. */
  ping(timeoutMs: number): Promise<void>;
  /**
   * What the source's database user may do beyond reading: write grants, server files and
   * programs, superuser. Empty for a read-only user. Throws DataSourceError.
   */
  privileges(timeoutMs: number): Promise<PrivilegeFinding[]>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}

/** Why a query failed, in words a person can act on. */
export type DataSourceCause =
  | 'timeout'
  | 'canceled'
  | 'credentials'
  | 'network'
  | 'missing_object'
  | 'permission'
  | 'syntax'
  | 'read_only'
  /** The result, or one value in it, is larger than the source's byte caps. */
  | 'too_large'
  /** The source's database user can write or reach the server's files and programs. */
  | 'privileged'
  | 'unknown';

/** One power of the source's database user beyond reading, in words. */
export interface PrivilegeFinding {
  /** The privilege as the database names it, e.g. `superuser`, `FILE`, `INSERT on shop.orders`. */
  privilege: string;
  /** What it lets the user do, e.g. "can run programs on the database server". */
  meaning: string;
}

/** The last privilege check of a source, for /alert doctor. */
export interface PrivilegeVerdict {
  findings: PrivilegeFinding[];
  /** True when queries on the source are refused because of the findings. */
  refused: boolean;
  checkedAt: Date;
}

export class DataSourceError extends LookoutError {
  /** The kind of failure; `cause` keeps the driver's own error for the logs. */
  readonly reason: DataSourceCause;
  readonly dataSource: string;
  constructor(dataSource: string, reason: DataSourceCause, userMessage: string, options?: { cause?: unknown }) {
    super('datasource', userMessage, options);
    this.reason = reason;
    this.dataSource = dataSource;
  }
}

export interface QueryLimits {
  statementTimeoutS: number;
  maxRows: number;
  /** The most one query's result may take (the wire and value caps). */
  maxResultBytes: number;
}

/**
 * The configured data sources by name, with their limits and who may use them. A source whose
 * database user is privileged runs no queries unless its config sets allowPrivilegedUser.
 */
export interface DataSourceCatalog {
  /** The source; its `query` rejects ('privileged') while its user is privileged and not allowed. */
  get(name: string): DataSource | undefined;
  limits(name: string): QueryLimits | undefined;
  names(): string[];
  /** Slack user ids allowed to use the source; empty means everyone. */
  allowedUsers(name: string): string[];
  /** Checks the source's user now unless a recent verdict exists (for /alert doctor). Throws DataSourceError. */
  privileges(name: string): Promise<PrivilegeVerdict | undefined>;
  /** Checks every source once (start-up); a source that is down is checked when it comes back. */
  checkAll(): Promise<void>;
  closeAll(): Promise<void>;
}
