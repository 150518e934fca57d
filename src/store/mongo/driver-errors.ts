// Driver errors as the port's errors (StoreError, ConflictError), read by shape so the rules
// are testable without a server. Nothing here lets a URL (it may hold a password) into a
// message that can reach Slack.
import { ConflictError, StoreError } from '../../errors.js';

/** The server's code for a unique index refusing a write. */
export const DUPLICATE_KEY = 11000;

const NAME_INDEX = 'alerts_name_key';

/** Never lets a URL into a message: the driver repeats connection strings in some errors. */
export function redact(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>');
}

export function storeError(action: string, err: unknown): StoreError {
  const detail = err instanceof Error ? redact(err.message) : 'unknown error';
  return new StoreError(
    `Lookout's database could not ${action} (${detail}). Try again; if it keeps failing, tell a Lookout admin.`,
    { cause: err, unreachable: isUnreachable(err) },
  );
}

// The driver's errors for a server it cannot reach or a connection that broke; a primary
// stepping down answers with these codes (NotWritablePrimary, InterruptedDueToReplStateChange, …).
// After a network error the driver clears its pool, and operations waiting for a connection fail
// with MongoPoolClearedError (no code; label PoolRequestedRetry).
const UNREACHABLE_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoServerClosedError',
  'MongoPoolClearedError',
]);
const UNREACHABLE_LABELS = ['ResetPool', 'PoolRequestedRetry', 'RetryableWriteError'];
const UNREACHABLE_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]);

/** Whether the server could not be reached or the connection broke (worth trying again). */
export function isUnreachable(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown; errorLabels?: unknown } | null;
  if (e === null || typeof e !== 'object') return false;
  if (typeof e.name === 'string' && UNREACHABLE_NAMES.has(e.name)) return true;
  if (typeof e.code === 'number' && UNREACHABLE_CODES.has(e.code)) return true;
  return Array.isArray(e.errorLabels) && UNREACHABLE_LABELS.some((label) => (e.errorLabels as unknown[]).includes(label));
}

/** A duplicate key on the case-insensitive name index (createAlert, a rename). */
export function isNameConflict(err: unknown): boolean {
  const e = err as { code?: unknown; keyPattern?: unknown; message?: unknown } | null;
  if (e?.code !== DUPLICATE_KEY) return false;
  // Servers name the key pattern; the index name in the message covers any that do not.
  const pattern = e.keyPattern;
  if (typeof pattern === 'object' && pattern !== null && 'nameKey' in pattern) return true;
  return typeof e.message === 'string' && e.message.includes(NAME_INDEX);
}

export function nameConflict(name: string): ConflictError {
  return new ConflictError('name', `An alert named "${name}" already exists.`);
}

/** A duplicate key on the alerts' key index (createAlert, a change of key). */
export function isKeyConflict(err: unknown): boolean {
  const e = err as { code?: unknown; keyPattern?: unknown; message?: unknown } | null;
  if (e?.code !== DUPLICATE_KEY) return false;
  const pattern = e.keyPattern;
  if (typeof pattern === 'object' && pattern !== null && 'key' in pattern && !('alertId' in pattern)) return true;
  return typeof e.message === 'string' && e.message.includes('alerts_key_key');
}

/** A taken name or key as ConflictError, else undefined (the store's own error follows). */
export function alertConflict(err: unknown, alert: { name?: string; key?: string }): ConflictError | undefined {
  if (isNameConflict(err) && alert.name !== undefined) return nameConflict(alert.name);
  if (isKeyConflict(err) && alert.key !== undefined) return new ConflictError('key', `An alert with the key "${alert.key}" already exists.`);
  return undefined;
}

/** A single-document insert refused as a duplicate (a tick already claimed). */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === DUPLICATE_KEY;
}

/**
 * For an unordered insertMany that failed: the positions refused as duplicates, when every
 * failure was a duplicate (the other documents were inserted); null when anything else went
 * wrong (another write error, a write concern error, a network error), which the caller
 * reports as a StoreError.
 */
export function duplicatePositions(err: unknown): Set<number> | null {
  const e = err as { writeErrors?: unknown; err?: unknown; result?: { getWriteConcernError?: () => unknown } } | null;
  if (e === null || typeof e !== 'object') return null;
  // A write concern error means the inserts may not last (a failover can undo them), so they
  // are not taken as claims. The driver keeps it in `err`, or in the result beside write errors.
  if (e.err !== undefined && e.err !== null) return null;
  const writeConcernError = typeof e.result?.getWriteConcernError === 'function' ? e.result.getWriteConcernError() : undefined;
  if (writeConcernError !== undefined && writeConcernError !== null) return null;
  // The driver gives one WriteError or an array of them.
  const raw = e.writeErrors;
  const writeErrors = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  if (writeErrors.length === 0) return null;
  const positions = new Set<number>();
  for (const writeError of writeErrors as { code?: unknown; index?: unknown }[]) {
    if (writeError.code !== DUPLICATE_KEY || typeof writeError.index !== 'number') return null;
    positions.add(writeError.index);
  }
  return positions;
}
