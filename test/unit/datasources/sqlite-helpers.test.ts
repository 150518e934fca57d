// The SQLite helpers' queue when a helper cannot even be started: spawn throws synchronously
// (Node does for errors other than EACCES, EAGAIN, EMFILE, ENFILE and ENOENT). The queries
// waiting fail with that error; nothing is thrown outside them (an uncaught exception would take
// Lookout down with it).
import { describe, expect, it } from '@jest/globals';
import { createSqliteHelpers } from '../../../src/datasources/sqlite-helpers.js';

const errors = {
  died: () => new Error('died'),
  timedOut: () => new Error('timed out'),
  canceled: () => new Error('canceled'),
  closed: () => new Error('closed'),
};

describe('SQLite helpers whose spawn throws', () => {
  it('fail the queries waiting with its error, and keep failing later ones the same way', async () => {
    let spawns = 0;
    const helpers = createSqliteHelpers({
      ...errors,
      poolSize: 2,
      spawn: () => {
        spawns += 1;
        throw new Error('spawn E2BIG');
      },
    });
    const asked = [1, 2, 3].map(() => helpers.run('SELECT 1', { timeoutMs: 60_000, limit: 10 }));
    for (const query of asked) await expect(query).rejects.toThrow('spawn E2BIG');
    await expect(helpers.run('SELECT 2', { timeoutMs: 60_000, limit: 10 })).rejects.toThrow('spawn E2BIG');
    expect(spawns).toBe(2);
    await helpers.close();
  });
});
