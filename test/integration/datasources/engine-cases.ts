// What every engine must do alike, run by each engine's test file (not a test file itself).
import { expect, it } from '@jest/globals';
import { DataSourceError, type DataSource } from '../../../src/datasources/port.js';

export const opts = { timeoutMs: 10_000, maxRows: 1000 };

/** The DataSourceError a query fails with; fails the test if it succeeds or throws anything else. */
export async function failure(promise: Promise<unknown>): Promise<DataSourceError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DataSourceError);
    return err as DataSourceError;
  }
  throw new Error('expected the query to fail');
}

/** `source` is read when each test runs, so the file's beforeAll can open it. */
export function runCommonEngineCases(source: () => DataSource): void {
  it('does not start a query whose signal has already aborted', async () => {
    const error = await failure(source().query('SELECT 1', { ...opts, signal: AbortSignal.abort() }));
    expect(error.reason).toBe('canceled');
  });

  it('names a missing table', async () => {
    const error = await failure(source().query('SELECT * FROM no_such_table_here', opts));
    expect(error.reason).toBe('missing_object');
    expect(error.userMessage).toContain('no_such_table_here');
  });

  it('reports a syntax error', async () => {
    const error = await failure(source().query('SELEC 1', opts));
    expect(error.reason).toBe('syntax');
    expect(error.userMessage).toContain('SELEC');
  });
}
