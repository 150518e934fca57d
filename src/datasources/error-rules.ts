// Rule tables from each driver's error codes (PostgreSQL SQLSTATE, MySQL/MariaDB errno,
// SQLite result codes, DuckDB error types, Node socket codes) to a DataSourceCause and the sentence people see.
// A sentence says what happened and what to do; it may quote the database's own first line
// (e.g. `relation "foo" does not exist`), never a stack, the connection URL or a password.
import { DataSourceError, type DataSourceCause, type PrivilegeFinding } from './port.js';

export interface RuleContext {
  /** The data source's name. */
  source: string;
  /** The database's own short message, first line only, secrets removed. */
  detail: string;
}

export interface ErrorRule {
  /** SQLSTATE, errno as text, Node error code, SQLite code, or one of our own refusal codes. */
  code: string;
  /** The rule applies only when the database's message matches, if set. */
  when?: RegExp;
  reason: DataSourceCause;
  message: (ctx: RuleContext) => string;
}

const q = (source: string) => `"${source}"`;

/** Socket and DNS failures, the same for every networked engine. */
export const NETWORK_RULES: readonly ErrorRule[] = [
  ...['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'PROTOCOL_CONNECTION_LOST'].map(
    (code): ErrorRule => ({
      code,
      reason: 'network',
      message: ({ source }) =>
        `Cannot reach the database of data source ${q(source)} (${code}). Check that the server is running and that the host and port in the source's URL are right.`,
    }),
  ),
  ...['ENOTFOUND', 'EAI_AGAIN'].map(
    (code): ErrorRule => ({
      code,
      reason: 'network',
      message: ({ source }) =>
        `The database host of data source ${q(source)} cannot be found (${code}). Check the host name in the source's URL.`,
    }),
  ),
  {
    code: 'ETIMEDOUT',
    reason: 'network',
    message: ({ source }) =>
      `Connecting to the database of data source ${q(source)} timed out. Check that the server is up and reachable from Lookout (firewall, host, port).`,
  },
];

const timeoutMessage = ({ source }: RuleContext) =>
  `The query on data source ${q(source)} ran longer than the source's statement timeout and was stopped. Make it faster (filter earlier, aggregate, use an index) or ask an admin to raise statementTimeoutS.`;

const canceledByOtherMessage = ({ source, detail }: RuleContext) =>
  `The query on data source ${q(source)} was canceled on the database (${detail}), probably by an administrator. Run it again; ask the database admin if it keeps happening.`;

const readOnlyMessage = ({ source, detail }: RuleContext) =>
  `Data source ${q(source)} is read-only for Lookout: the database refused a statement that would change data (${detail}). Alert SQL must only read, e.g. SELECT or WITH ... SELECT.`;

const missingMessage = ({ source, detail }: RuleContext) =>
  `The query on data source ${q(source)} uses something that does not exist: ${detail}. Check the table, column and schema names.`;

const permissionMessage = ({ source, detail }: RuleContext) =>
  `Lookout's database user on data source ${q(source)} may not read this: ${detail}. Ask the database admin to grant SELECT on it.`;

const syntaxMessage = ({ source, detail }: RuleContext) =>
  `The SQL has a syntax error for data source ${q(source)}: ${detail}. Fix the query and try again.`;

const credentialsMessage = ({ source }: RuleContext) =>
  `The database refused Lookout's login on data source ${q(source)}: the user name or password in the source's config is wrong or not allowed from this host. Ask an admin to fix the credentials.`;

/**
 * Our own stops while reading a result (result-bytes.ts, wire-meter.ts), alike for every engine
 * but for how its SQL shortens a value (`shorten`, e.g. "left(col, 200)").
 */
export const sizeRules = (shorten: (length: number) => string): readonly ErrorRule[] => [
  {
    code: 'RESULT_TOO_LARGE',
    reason: 'too_large',
    message: ({ source, detail }) =>
      `The query on data source ${q(source)} was stopped: ${detail}, the most Lookout reads from one query. Return less: aggregate, add a LIMIT, select fewer columns, or shorten long values (e.g. ${shorten(200)}); or ask an admin to raise maxResultBytes.`,
  },
  {
    code: 'CELL_TOO_LARGE',
    reason: 'too_large',
    message: ({ source, detail }) =>
      `The query on data source ${q(source)} was stopped: ${detail}, the most Lookout reads for one value. Shorten it in the SQL (e.g. ${shorten(1000)}) or leave the column out; or ask an admin to raise maxCellBytes.`,
  },
];
const leftOf = (length: number) => `left(col, ${length})`;

export const POSTGRES_RULES: readonly ErrorRule[] = [
  { code: '57014', when: /statement timeout/i, reason: 'timeout', message: timeoutMessage },
  { code: '57014', reason: 'canceled', message: canceledByOtherMessage },
  { code: '25006', reason: 'read_only', message: readOnlyMessage },
  // "transaction read-write mode must be set before any query": an attempt to leave read-only.
  { code: '25001', reason: 'read_only', message: readOnlyMessage },
  { code: '42P01', reason: 'missing_object', message: missingMessage },
  { code: '42703', reason: 'missing_object', message: missingMessage },
  { code: '42883', reason: 'missing_object', message: missingMessage },
  { code: '3F000', reason: 'missing_object', message: missingMessage },
  { code: '42704', reason: 'missing_object', message: missingMessage },
  {
    code: '3D000',
    reason: 'missing_object',
    message: ({ source, detail }) =>
      `The database named in data source ${q(source)}'s URL does not exist (${detail}). Ask an admin to fix the source's URL.`,
  },
  { code: '42501', reason: 'permission', message: permissionMessage },
  {
    code: '42601',
    when: /multiple commands/i,
    reason: 'syntax',
    message: ({ source }) =>
      `Data source ${q(source)} runs one statement per alert: remove the extra statements (and the semicolons between them).`,
  },
  { code: '42601', reason: 'syntax', message: syntaxMessage },
  { code: '42P02', reason: 'syntax', message: syntaxMessage },
  { code: '28P01', reason: 'credentials', message: credentialsMessage },
  { code: '28000', reason: 'credentials', message: credentialsMessage },
  ...['53300', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006'].map(
    (code): ErrorRule => ({
      code,
      reason: 'network',
      message: ({ source, detail }) =>
        `The database of data source ${q(source)} is not accepting the connection right now (${detail}). Try again later; tell the database admin if it persists.`,
    }),
  ),
  ...sizeRules(leftOf),
  ...NETWORK_RULES,
];

export const MYSQL_RULES: readonly ErrorRule[] = [
  { code: '1792', reason: 'read_only', message: readOnlyMessage },
  // --read-only server or similar option.
  { code: '1290', reason: 'read_only', message: readOnlyMessage },
  {
    // Our own check: the server says the statement returns no result set (a write or DDL).
    code: 'NOT_A_QUERY',
    reason: 'read_only',
    message: ({ source }) =>
      `Data source ${q(source)} only runs statements that return rows (SELECT, WITH ... SELECT, SHOW). Writes, DDL, CALL and SELECT ... INTO are refused.`,
  },
  {
    // Our own check: MariaDB's SET STATEMENT could lift the read-only setting for one statement.
    code: 'READ_ONLY_OVERRIDE',
    reason: 'read_only',
    message: ({ source }) =>
      `Data source ${q(source)} is read-only for Lookout: the query may not change the read-only setting. Remove the SET STATEMENT / read_only part.`,
  },
  {
    // Our own check: the statement names the statement-timeout variable or uses SET STATEMENT,
    // which could lift the server's limit for the query.
    code: 'TIMEOUT_OVERRIDE',
    reason: 'permission',
    message: ({ source }) =>
      `Data source ${q(source)} does not let a query change its own limits: remove the SET STATEMENT part and any max_statement_time / max_execution_time setting or hint. If the query needs longer, ask an admin to raise statementTimeoutS.`,
  },
  {
    code: '1295',
    reason: 'read_only',
    message: ({ source }) =>
      `This kind of statement cannot be checked for safety on data source ${q(source)}, so it is refused. Use a SELECT.`,
  },
  { code: '1969', reason: 'timeout', message: timeoutMessage },
  { code: '3024', reason: 'timeout', message: timeoutMessage },
  {
    code: '1205',
    reason: 'timeout',
    message: ({ source }) =>
      `The query on data source ${q(source)} waited too long for a lock held by another session. Try again later, or query a replica.`,
  },
  { code: '1317', reason: 'canceled', message: canceledByOtherMessage },
  { code: '1927', reason: 'canceled', message: canceledByOtherMessage },
  { code: '1146', reason: 'missing_object', message: missingMessage },
  { code: '1054', reason: 'missing_object', message: missingMessage },
  { code: '1305', reason: 'missing_object', message: missingMessage },
  {
    code: '1049',
    reason: 'missing_object',
    message: ({ source, detail }) =>
      `The database named in data source ${q(source)}'s URL does not exist (${detail}). Ask an admin to fix the source's URL.`,
  },
  { code: '1142', reason: 'permission', message: permissionMessage },
  { code: '1143', reason: 'permission', message: permissionMessage },
  { code: '1044', reason: 'permission', message: permissionMessage },
  { code: '1227', reason: 'permission', message: permissionMessage },
  { code: '1064', reason: 'syntax', message: syntaxMessage },
  { code: '1149', reason: 'syntax', message: syntaxMessage },
  { code: '1045', reason: 'credentials', message: credentialsMessage },
  { code: '1698', reason: 'credentials', message: credentialsMessage },
  ...['1040', '1129', '1130', '1053'].map(
    (code): ErrorRule => ({
      code,
      reason: 'network',
      message: ({ source, detail }) =>
        `The database of data source ${q(source)} is not accepting the connection right now (${detail}). Try again later; tell the database admin if it persists.`,
    }),
  ),
  ...sizeRules(leftOf),
  ...NETWORK_RULES,
];

export const SQLITE_RULES: readonly ErrorRule[] = [
  { code: 'SQLITE_READONLY', reason: 'read_only', message: readOnlyMessage },
  {
    // Our own check: better-sqlite3 says the statement returns no data (a write or DDL).
    code: 'NOT_A_READER',
    reason: 'read_only',
    message: ({ source }) =>
      `Data source ${q(source)} only runs statements that return rows (SELECT, WITH ... SELECT, PRAGMA reads). Writes, DDL and ATTACH are refused.`,
  },
  { code: 'SQLITE_ERROR', when: /no such (table|column|function|module)/i, reason: 'missing_object', message: missingMessage },
  {
    code: 'SQLITE_ERROR',
    when: /syntax error|incomplete input|unrecognized token/i,
    reason: 'syntax',
    message: syntaxMessage,
  },
  {
    code: 'SQLITE_ERROR',
    when: /more than one statement/i,
    reason: 'syntax',
    message: ({ source }) =>
      `Data source ${q(source)} runs one statement per alert: remove the extra statements (and the semicolons between them).`,
  },
  {
    code: 'SQLITE_CANTOPEN',
    reason: 'missing_object',
    message: ({ source }) =>
      `The SQLite file of data source ${q(source)} cannot be opened: it does not exist or Lookout may not read it. Ask an admin to check the source's path.`,
  },
  {
    code: 'SQLITE_NOTADB',
    reason: 'unknown',
    message: ({ source }) =>
      `The file of data source ${q(source)} is not an SQLite database. Ask an admin to check the source's path.`,
  },
  { code: 'SQLITE_AUTH', reason: 'permission', message: permissionMessage },
  { code: 'SQLITE_PERM', reason: 'permission', message: permissionMessage },
  {
    code: 'SQLITE_BUSY',
    reason: 'timeout',
    message: ({ source }) =>
      `The SQLite file of data source ${q(source)} stayed locked by a writer. Try again later.`,
  },
  {
    code: 'SQLITE_LOCKED',
    reason: 'timeout',
    message: ({ source }) =>
      `The SQLite file of data source ${q(source)} stayed locked by a writer. Try again later.`,
  },
  { code: 'SQLITE_INTERRUPT', reason: 'canceled', message: canceledByOtherMessage },
  {
    // The reader's memory cap (hard_heap_limit) stopped SQLite building a huge value or sort.
    code: 'SQLITE_NOMEM',
    reason: 'too_large',
    message: ({ source }) =>
      `The query on data source ${q(source)} needed more memory than Lookout gives one SQLite query, so it was stopped. Return less (aggregate, add a LIMIT, shorten long values with substr(col, 1, 200)); or ask an admin to raise maxResultBytes.`,
  },
  {
    // A value past SQLite's own length limit (SQLITE_LIMIT_LENGTH).
    code: 'SQLITE_TOOBIG',
    reason: 'too_large',
    message: ({ source }) =>
      `The query on data source ${q(source)} built a value larger than SQLite allows. Shorten it in the SQL (e.g. substr(col, 1, 1000)) or leave the column out.`,
  },
  ...sizeRules((length) => `substr(col, 1, ${length})`),
];

/**
 * DuckDB's errors by their type ("Catalog Error: ..." becomes code CATALOG, the rest the detail),
 * and the DuckDB reader's own refusals (duckdb-reader.cjs).
 */
export const DUCKDB_RULES: readonly ErrorRule[] = [
  { code: 'PARSER', reason: 'syntax', message: syntaxMessage },
  {
    code: 'NO_STATEMENT',
    reason: 'syntax',
    message: ({ source }) => `There is no SQL statement to run on data source ${q(source)}. Write a query, e.g. SELECT count(*) FROM 'orders.csv'.`,
  },
  {
    code: 'MULTIPLE_STATEMENTS',
    reason: 'syntax',
    message: ({ source }) =>
      `Data source ${q(source)} runs one statement per alert: remove the extra statements (and the semicolons between them).`,
  },
  {
    code: 'PIVOT_VALUES',
    reason: 'syntax',
    message: ({ source }) =>
      `Data source ${q(source)} runs a PIVOT only with its values listed, which makes it one query: e.g. PIVOT orders ON region IN ('EU', 'US') USING sum(amount).`,
  },
  {
    code: 'NOT_A_QUERY',
    reason: 'read_only',
    message: ({ source, detail }) =>
      `Data source ${q(source)} only runs queries that read (SELECT, WITH ... SELECT, FROM ..., DESCRIBE, SUMMARIZE); this is a ${detail} statement. COPY, EXPORT, ATTACH, INSTALL, LOAD, SET, CREATE, EXPLAIN and CALL are refused.`,
  },
  {
    code: 'FUNCTION_REFUSED',
    reason: 'read_only',
    message: ({ source, detail }) =>
      `Data source ${q(source)} does not run ${detail}(): a query reads files with read_csv, read_parquet, read_json, read_text or a path in FROM (e.g. FROM 'orders.csv'), and may use range, generate_series, unnest, sniff_csv and the parquet_* metadata functions. Functions that log, profile, run SQL from a string (query, query_table) or list directories (glob) are refused.`,
  },
  {
    code: 'NESTED_COLUMN',
    reason: 'syntax',
    message: ({ source, detail }) =>
      `Data source ${q(source)} returns plain values only, and a column holds a ${detail}. Turn it into text in the SQL (e.g. to_json(col) or CAST(col AS VARCHAR)), or unnest it into rows.`,
  },
  {
    // enable_external_access is off: only files under the source's allowedDirs, no URL.
    code: 'PERMISSION',
    reason: 'permission',
    message: ({ source, detail }) =>
      `Data source ${q(source)} reads only the files under the directories its admin allowed, and nothing on the network: ${detail}. Use a path under one of those directories (ask an admin which), or ask an admin to add a directory to the source's allowedDirs.`,
  },
  {
    // A URL that got past the file check finds no httpfs: it is never loaded.
    code: 'MISSING_EXTENSION',
    reason: 'permission',
    message: ({ source, detail }) =>
      `Data source ${q(source)} reads only the files under the directories its admin allowed, and nothing on the network: ${detail}. Use a path under one of those directories (ask an admin which).`,
  },
  { code: 'CATALOG', when: /does not exist|not found/i, reason: 'missing_object', message: missingMessage },
  { code: 'BINDER', when: /not found|does not exist/i, reason: 'missing_object', message: missingMessage },
  {
    code: 'IO',
    when: /No files found|No such file|does not exist/i,
    reason: 'missing_object',
    message: ({ source, detail }) =>
      `The query on data source ${q(source)} names a file that is not there: ${detail}. Check the path and the file name (globs such as '2024-*.csv' must match at least one file).`,
  },
  {
    // The reader's memory: DuckDB's memory limit (memoryLimitMiB) or the helper's data segment.
    code: 'OUT_OF_MEMORY',
    reason: 'too_large',
    message: ({ source }) =>
      `The query on data source ${q(source)} needed more memory than Lookout gives one DuckDB query, so it was stopped. Return less: filter earlier, aggregate, add a LIMIT or shorten long values with left(col, 200); or ask an admin to raise memoryLimitMiB.`,
  },
  { code: 'INTERRUPT', reason: 'canceled', message: canceledByOtherMessage },
  {
    code: 'OPEN_FAILED',
    reason: 'unknown',
    message: ({ source, detail }) =>
      `The DuckDB reader of data source ${q(source)} could not start (${detail}). Ask an admin to look at Lookout's log.`,
  },
  ...sizeRules(leftOf),
];

/** The first line of a driver message, without secrets, kept short. */
export function shortDetail(message: string, secrets: readonly string[] = []): string {
  let line = (message.split('\n')[0] ?? '').trim();
  for (const secret of secrets) {
    if (secret) line = line.split(secret).join('***');
  }
  // Connection strings may appear in some driver messages: never show one.
  line = line.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>');
  return line.length > 300 ? `${line.slice(0, 297)}...` : line || 'no message';
}

interface DriverError {
  code: string | undefined;
  message: string;
}

function readDriverError(err: unknown): DriverError {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; errno?: unknown; message?: unknown };
    const message = typeof e.message === 'string' ? e.message : String(err);
    // MySQL: the server's errno is the useful code (a positive number); socket errors keep `code`.
    if (typeof e.errno === 'number' && e.errno > 0 && e.errno < 100_000) return { code: String(e.errno), message };
    if (typeof e.code === 'string') return { code: e.code, message };
    return { code: undefined, message };
  }
  return { code: undefined, message: String(err) };
}

/** Driver messages without a code that still mean "cannot connect". */
function codeFromMessage(message: string): string | undefined {
  if (/timeout exceeded when trying to connect|connection timeout|connect ETIMEDOUT/i.test(message)) return 'ETIMEDOUT';
  if (/Connection terminated|ECONNRESET/i.test(message)) return 'ECONNRESET';
  if (/ECONNREFUSED/.test(message)) return 'ECONNREFUSED';
  return undefined;
}

function findRule(rules: readonly ErrorRule[], code: string, message: string): ErrorRule | undefined {
  return rules.find((rule) => rule.code === code && (!rule.when || rule.when.test(message)));
}

/** Applies one engine's table; anything unmatched becomes 'unknown' quoting the database. */
export function classifyWith(
  rules: readonly ErrorRule[],
  err: unknown,
  source: string,
  secrets: readonly string[] = [],
  fallbackCode?: (code: string) => string | undefined,
): DataSourceError {
  if (err instanceof DataSourceError) return err;
  const { code, message } = readDriverError(err);
  const ctx: RuleContext = { source, detail: shortDetail(message, secrets) };
  const candidates = [code, code && fallbackCode?.(code), codeFromMessage(message)];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const rule = findRule(rules, candidate, message);
    if (rule) return new DataSourceError(source, rule.reason, rule.message(ctx), { cause: err });
  }
  return new DataSourceError(
    source,
    'unknown',
    `The query on data source ${q(source)} failed: ${ctx.detail}. Check the SQL; if it looks right, ask an admin to look at Lookout's log.`,
    { cause: err },
  );
}

export function classifyPostgresError(err: unknown, source: string, secrets: readonly string[] = []): DataSourceError {
  return classifyWith(POSTGRES_RULES, err, source, secrets);
}

export function classifyMysqlError(err: unknown, source: string, secrets: readonly string[] = []): DataSourceError {
  return classifyWith(MYSQL_RULES, err, source, secrets);
}

export function classifySqliteError(err: unknown, source: string, secrets: readonly string[] = []): DataSourceError {
  // Extended codes (SQLITE_READONLY_DBMOVED) fall back to their primary code (SQLITE_READONLY).
  return classifyWith(SQLITE_RULES, err, source, secrets, (code) => /^SQLITE_[A-Z]+/.exec(code)?.[0]);
}

export function classifyDuckdbError(err: unknown, source: string): DataSourceError {
  return classifyWith(DUCKDB_RULES, err, source);
}

/** The signal aborted: the execution's working timeout expired (or someone stopped it). */
export function canceledError(source: string, cause?: unknown): DataSourceError {
  return new DataSourceError(
    source,
    'canceled',
    `The query on data source ${q(source)} was stopped after the working timeout, and canceled on the database. Make the query faster or raise the alert's working timeout.`,
    { cause },
  );
}

/** The statement timeout passed without the database stopping the query itself. */
export function statementTimeoutError(source: string, cause?: unknown): DataSourceError {
  return new DataSourceError(source, 'timeout', timeoutMessage({ source, detail: '' }), { cause });
}

/**
 * The source's database user can do more than read, and the source does not allow it: no
 * query runs until an admin gives Lookout a read-only user or accepts the risk in config.
 */
export function privilegedError(source: string, findings: readonly PrivilegeFinding[]): DataSourceError {
  return new DataSourceError(
    source,
    'privileged',
    `Data source ${q(source)} runs no queries: its database user can do more than read: ${describeFindings(findings)}. An admin should give Lookout a read-only database user (see "Read-only database users" in the README), or set allowPrivilegedUser: true on the source to accept the risk.`,
  );
}

/** For a source that allows a privileged user: it runs, and the admins should know what that risks. */
export function privilegedWarning(source: string, findings: readonly PrivilegeFinding[]): string {
  return `Data source ${q(source)} runs its alerts although its database user can do more than read (allowPrivilegedUser is set): ${describeFindings(findings)}. A read-only database user would remove the risk (see "Read-only database users" in the README).`;
}

function describeFindings(findings: readonly PrivilegeFinding[]): string {
  const shown = findings.slice(0, 4).map((f) => `${f.privilege} (${f.meaning})`);
  if (findings.length > shown.length) shown.push(`and ${findings.length - shown.length} more`);
  return shown.join('; ');
}

/** Secrets that must never appear in a message: the URL and its password. */
export function secretsOfUrl(url: string): string[] {
  const secrets = [url];
  try {
    const password = new URL(url).password;
    if (password) secrets.push(password, decodeURIComponent(password));
  } catch {
    // Not a URL: the URL itself is still hidden.
  }
  return secrets;
}
