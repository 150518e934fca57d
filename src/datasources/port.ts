// The data-source port: run one read-only query with a statement timeout and a row cap.
// Every engine module (postgres.ts, mysql.ts, sqlite.ts) promises the same:
// - the query runs read-only, enforced by the database (read-only transaction, connection
//   or file), so writes fail there and leave the data unchanged;
// - it stops at `timeoutMs` on the server, and is cancelled on the server when `signal` aborts;
// - at most `maxRows` rows are fetched (`truncated` says whether more existed);
// - failures are DataSourceErrors with a cause and a sentence a person can act on.
import type { QueryResult } from '../domain/types.js';
import { LookoutError } from '../errors.js';

export type { Cell, QueryResult } from '../domain/types.js';

export type DataSourceKind = 'postgres' | 'mysql' | 'sqlite';

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
  | 'unknown';

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
}

/** The configured data sources by name, with their limits and who may use them. */
export interface DataSourceCatalog {
  get(name: string): DataSource | undefined;
  limits(name: string): QueryLimits | undefined;
  names(): string[];
  /** Slack user ids allowed to use the source; empty means everyone. */
  allowedUsers(name: string): string[];
  closeAll(): Promise<void>;
}
