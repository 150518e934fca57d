// Every entry of every engine's rule table: reachable by its code, classified to its reason,
// and its sentence is non-empty, names the source and carries no stack line or secret.
import { describe, expect, it } from '@jest/globals';
import {
  canceledError,
  classifyDuckdbError,
  classifyMysqlError,
  classifyPostgresError,
  classifySqliteError,
  DUCKDB_RULES,
  MYSQL_RULES,
  NETWORK_RULES,
  POSTGRES_RULES,
  secretsOfUrl,
  SQLITE_RULES,
  statementTimeoutError,
  type ErrorRule,
} from '../../../src/datasources/error-rules.js';
import { DataSourceError } from '../../../src/datasources/port.js';

const SOURCE = 'warehouse';
// Messages the `when` patterns are written for, tried in order; the last one matches none.
const SAMPLE_MESSAGES = [
  'canceling statement due to statement timeout',
  'no such table: orders',
  'near "SELEC": syntax error',
  'The supplied SQL string contains more than one statement',
  'cannot insert multiple commands into a prepared statement',
  'Table with name orders does not exist!',
  'canceling statement due to user request',
];

const STACK_LINE = /\n\s*at /;

function driverError(code: string, message: string): Error {
  const err = new Error(message) as Error & { code?: string; errno?: number };
  // MySQL errors carry the server's errno as a number, beside a symbolic code.
  if (/^\d{4}$/.test(code)) {
    err.errno = Number(code);
    err.code = 'ER_SOMETHING';
  } else {
    err.code = code;
  }
  return err;
}

const tables: [string, readonly ErrorRule[], (err: unknown, source: string) => DataSourceError][] = [
  ['PostgreSQL', POSTGRES_RULES, classifyPostgresError],
  ['MySQL', MYSQL_RULES, classifyMysqlError],
  ['SQLite', SQLITE_RULES, classifySqliteError],
  ['DuckDB', DUCKDB_RULES, classifyDuckdbError],
];

describe.each(tables)('%s rule table', (_, rules, classify) => {
  it.each(rules.map((rule, index) => [`${rule.code}${rule.when ? ` ${rule.when}` : ''}`, index] as const))(
    '%s',
    (__, index) => {
      const rule = rules[index]!;
      // A message this rule accepts and no earlier rule for the same code takes.
      const message = SAMPLE_MESSAGES.find(
        (m) =>
          (!rule.when || rule.when.test(m)) &&
          rules.find((r) => r.code === rule.code && (!r.when || r.when.test(m))) === rule,
      );
      expect(message).toBeDefined();
      const error = classify(driverError(rule.code, message!), SOURCE);
      expect(error).toBeInstanceOf(DataSourceError);
      expect(error.reason).toBe(rule.reason);
      expect(error.userMessage).toBe(rule.message({ source: SOURCE, detail: message! }));
      expect(error.userMessage.trim()).not.toBe('');
      expect(error.userMessage).toContain(SOURCE);
      expect(error.userMessage).not.toMatch(STACK_LINE);
      expect(error.dataSource).toBe(SOURCE);
    },
  );
});

describe('classification', () => {
  it('includes the network rules in both networked engines', () => {
    for (const rule of NETWORK_RULES) {
      expect(POSTGRES_RULES).toContain(rule);
      expect(MYSQL_RULES).toContain(rule);
    }
  });

  it('quotes only the first line of the database message', () => {
    const err = Object.assign(new Error('relation "orders" does not exist\n    at Parser.parse (pg.js:1:1)'), { code: '42P01' });
    const error = classifyPostgresError(err, SOURCE);
    expect(error.userMessage).toContain('relation "orders" does not exist');
    expect(error.userMessage).not.toMatch(STACK_LINE);
  });

  it('hides the URL and password even when a driver message carries them', () => {
    const url = 'postgres://lookout:hunter2secret@db.internal:5432/app';
    const err = Object.assign(new Error(`could not connect to ${url} with password hunter2secret`), { code: 'XX000' });
    const error = classifyPostgresError(err, SOURCE, secretsOfUrl(url));
    expect(error.reason).toBe('unknown');
    expect(error.userMessage).not.toContain('hunter2secret');
    expect(error.userMessage).not.toContain('postgres://');
  });

  it('falls back to unknown, quoting the database, for a code without a rule', () => {
    const error = classifyMysqlError(Object.assign(new Error('Deadlock found'), { errno: 1213 }), SOURCE);
    expect(error.reason).toBe('unknown');
    expect(error.userMessage).toContain('Deadlock found');
  });

  it('uses the socket code when MySQL reports a negative errno', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { errno: -111, code: 'ECONNREFUSED' });
    expect(classifyMysqlError(err, SOURCE).reason).toBe('network');
  });

  it('reads a connection timeout without a code as network', () => {
    expect(classifyPostgresError(new Error('timeout exceeded when trying to connect'), SOURCE).reason).toBe('network');
    expect(classifyPostgresError(new Error('Connection terminated unexpectedly'), SOURCE).reason).toBe('network');
  });

  it('maps an extended SQLite code to its primary code', () => {
    const err = { code: 'SQLITE_READONLY_DBMOVED', message: 'attempt to write a readonly database' };
    expect(classifySqliteError(err, SOURCE).reason).toBe('read_only');
  });

  it('tells a PostgreSQL statement timeout from a cancel by someone else', () => {
    const timeout = classifyPostgresError(driverError('57014', 'canceling statement due to statement timeout'), SOURCE);
    const canceled = classifyPostgresError(driverError('57014', 'canceling statement due to user request'), SOURCE);
    expect([timeout.reason, canceled.reason]).toEqual(['timeout', 'canceled']);
  });

  it('keeps a DataSourceError as it is', () => {
    const original = canceledError(SOURCE);
    expect(classifySqliteError(original, SOURCE)).toBe(original);
  });

  it('has readable sentences for working-timeout cancels and statement timeouts', () => {
    expect(canceledError(SOURCE)).toMatchObject({ reason: 'canceled', code: 'datasource' });
    expect(canceledError(SOURCE).userMessage).toMatch(/stopped after the working timeout/);
    expect(statementTimeoutError(SOURCE)).toMatchObject({ reason: 'timeout' });
    expect(statementTimeoutError(SOURCE).userMessage).not.toMatch(STACK_LINE);
  });
});
