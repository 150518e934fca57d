// Which database errors are worth waiting out (the server is restarting, the connection broke),
// and the retry that waits them out, with no database: errors are built by shape.
import { describe, expect, it } from '@jest/globals';
import { MongoNetworkError } from 'mongodb';
import { StoreError } from '../../../src/errors.js';
import { isUnreachable as mongoUnreachable } from '../../../src/store/mongo/driver-errors.js';
import { isUnreachable as pgUnreachable } from '../../../src/store/postgres/unreachable.js';
import { pino } from 'pino';
import { patientStore, withStoreRetry } from '../../../src/store/retry.js';
import { createTestClock } from '../../support/clock.js';

const T0 = new Date('2026-11-25T00:00:00Z');
const withCode = (code: string | number, message = 'x') => Object.assign(new Error(message), { code });

describe('PostgreSQL errors that mean the server is unreachable', () => {
  it.each([
    ['refused connection', withCode('ECONNREFUSED')],
    ['reset connection', withCode('ECONNRESET')],
    ['fast shutdown ended the session', withCode('57P01', 'terminating connection due to administrator command')],
    ['the server is starting up', withCode('57P03', 'the database system is starting up')],
    ['connection exception class 08', withCode('08006')],
    ['a connection ended mid-query (no code)', new Error('Connection terminated unexpectedly')],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
  ])('%s', (_what, err) => expect(pgUnreachable(err)).toBe(true));

  it.each([
    ['a syntax error', withCode('42601')],
    ['a unique violation', withCode('23505')],
    ['a statement timeout', withCode('57014')],
    ['anything else', new Error('boom')],
    ['not an error', 'ECONNREFUSED'],
  ])('not %s', (_what, err) => expect(pgUnreachable(err)).toBe(false));
});

describe('MongoDB errors that mean the server is unreachable', () => {
  const named = (name: string) => Object.assign(new Error('x'), { name });
  it.each([
    ['no server selected', named('MongoServerSelectionError')],
    ['a network error', new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed')],
    // Operations waiting for a connection when the driver cleared its pool after a network error.
    ['a cleared pool', Object.assign(named('MongoPoolClearedError'), { errorLabels: ['PoolRequestedRetry'] })],
    ['a primary that stepped down', withCode(10107, 'not primary')],
    ['a server shutting down', withCode(91)],
    ['a pool reset', Object.assign(new Error('x'), { errorLabels: ['ResetPool'] })],
  ])('%s', (_what, err) => expect(mongoUnreachable(err)).toBe(true));

  it.each([
    ['a duplicate key', withCode(11000)],
    ['a bad update', withCode(9, 'FailedToParse')],
  ])('not %s', (_what, err) => expect(mongoUnreachable(err)).toBe(false));
});

describe('withStoreRetry', () => {
  const down = () => new StoreError('down', { unreachable: true });

  it('waits out an unreachable database and returns what the call gave', async () => {
    const clock = createTestClock(T0);
    let calls = 0;
    const retried: number[] = [];
    const value = await withStoreRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw down();
        return 'recorded';
      },
      { until: new Date(T0.getTime() + 10_000), clock, firstPauseMs: 5, onRetry: (_err, attempt) => retried.push(attempt) },
    );
    expect(value).toBe('recorded');
    expect(calls).toBe(3);
    expect(retried).toEqual([1, 2]);
  });

  it('throws any other error at once', async () => {
    const clock = createTestClock(T0);
    let calls = 0;
    const refused = new StoreError('bad statement');
    await expect(
      withStoreRetry(async () => {
        calls += 1;
        throw refused;
      }, { until: new Date(T0.getTime() + 10_000), clock, firstPauseMs: 5 }),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
  });

  it('gives up at its deadline on the injected clock, with the last failure', async () => {
    // Each failure moves the test's clock a second: the third pause would end past `until`.
    const clock = createTestClock(T0);
    let calls = 0;
    await expect(
      withStoreRetry(async () => {
        calls += 1;
        clock.advance(1_000);
        throw down();
      }, { until: new Date(T0.getTime() + 2_500), clock, firstPauseMs: 5 }),
    ).rejects.toMatchObject({ unreachable: true });
    expect(calls).toBe(3);
  });
});

describe('patientStore', () => {
  it('retries a store call until its deadline on the clock, logging the first retry of each call once', async () => {
    const lines: { what?: string; msg?: string }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const clock = createTestClock(T0);
    const stored = patientStore({ clock, logger });
    let calls = 0;
    const value = await stored('record the result', new Date(T0.getTime() + 10_000), async () => {
      calls += 1;
      if (calls < 4) throw new StoreError('down', { unreachable: true });
      return 'recorded';
    });
    expect(value).toBe('recorded');
    expect(lines).toEqual([expect.objectContaining({ what: 'record the result', msg: 'the database is unreachable; retrying' })]);
  }, 10_000);
});
