// The MongoDB adapter's reading of driver errors (src/store/mongo/errors.ts). Name conflicts
// use the driver's own MongoServerError; bulk write errors are shaped as the driver builds
// them for an unordered insertMany (its WriteError class is not exported to construct).
import { describe, expect, it } from '@jest/globals';
import { MongoServerError } from 'mongodb';
import { ConflictError, StoreError } from '../../../../src/errors.js';
import { duplicatePositions, isDuplicateKey, isNameConflict, nameConflict, storeError } from '../../../../src/store/mongo/driver-errors.js';

const nameDuplicate = new MongoServerError({
  message: 'E11000 duplicate key error collection: lookout.alerts index: alerts_name_key dup key: { nameKey: "cpu high" }',
  code: 11000,
  keyPattern: { nameKey: 1 },
  keyValue: { nameKey: 'cpu high' },
});
const tickDuplicate = new MongoServerError({
  message: 'E11000 duplicate key error collection: lookout.executions index: executions_tick_key dup key',
  code: 11000,
  keyPattern: { alertId: 1, scheduledAt: 1 },
});

describe('MongoDB errors', () => {
  it('tells a duplicate name from another duplicate key', () => {
    expect(isNameConflict(nameDuplicate)).toBe(true);
    expect(isNameConflict(tickDuplicate)).toBe(false);
    // A server that leaves out keyPattern still names the index in its message.
    expect(isNameConflict({ code: 11000, message: 'E11000 duplicate key error index: alerts_name_key' })).toBe(true);
    expect(isNameConflict(new MongoServerError({ message: 'alerts_name_key is fine', code: 2 }))).toBe(false);
    expect(isNameConflict(null)).toBe(false);
  });

  it('a name conflict is the same ConflictError the PostgreSQL adapter gives', () => {
    const err = nameConflict('cpu HIGH');
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ field: 'name', code: 'conflict', message: 'An alert named "cpu HIGH" already exists.' });
  });

  it('a duplicate key on insert is an already-claimed tick', () => {
    expect(isDuplicateKey(tickDuplicate)).toBe(true);
    expect(isDuplicateKey(new MongoServerError({ message: 'not primary', code: 10107 }))).toBe(false);
    expect(isDuplicateKey(undefined)).toBe(false);
  });

  it('an unordered insertMany refused only as duplicates gives their positions', () => {
    const err = {
      code: 11000,
      writeErrors: [
        { code: 11000, index: 0, errmsg: 'E11000' },
        { code: 11000, index: 3, errmsg: 'E11000' },
      ],
      result: { getWriteConcernError: () => undefined },
    };
    expect(duplicatePositions(err)).toEqual(new Set([0, 3]));
    // The driver may hold a single WriteError rather than an array.
    expect(duplicatePositions({ code: 11000, writeErrors: { code: 11000, index: 2 } })).toEqual(new Set([2]));
  });

  it('anything but duplicates is not read as claims', () => {
    // Another write error beside a duplicate.
    expect(duplicatePositions({ writeErrors: [{ code: 11000, index: 0 }, { code: 121, index: 1 }] })).toBeNull();
    // Duplicates, but the writes were not acknowledged by the write concern.
    expect(
      duplicatePositions({
        writeErrors: [{ code: 11000, index: 0 }],
        result: { getWriteConcernError: () => ({ code: 64, errmsg: 'waiting for replication timed out' }) },
      }),
    ).toBeNull();
    // A write concern error alone, as the driver wraps it.
    expect(duplicatePositions({ code: 64, writeErrors: [], err: { code: 64 } })).toBeNull();
    // A network error wrapped as a bulk error: no write errors at all.
    expect(duplicatePositions({ code: undefined, writeErrors: [] })).toBeNull();
    expect(duplicatePositions(new Error('connection reset'))).toBeNull();
    expect(duplicatePositions(null)).toBeNull();
  });

  it('a StoreError says what failed, keeps the cause and never the URL', () => {
    const cause = new Error('getaddrinfo ENOTFOUND mongodb://lookout:s3cret@db.internal:27017/lookout');
    const err = storeError('claim the ticks', cause);
    expect(err).toBeInstanceOf(StoreError);
    expect(err.code).toBe('store');
    expect(err.cause).toBe(cause);
    expect(err.message).toMatch(/^Lookout's database could not claim the ticks \(getaddrinfo ENOTFOUND <url>\)\./);
    expect(err.message).not.toContain('s3cret');
  });
});
