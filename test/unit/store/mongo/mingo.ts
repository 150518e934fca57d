// Running the MongoDB adapter's builders (src/store/mongo/queries.ts) on sample documents with
// mingo, MongoDB's query language in memory, the way store.ts runs them on a server.
import { Aggregator, find, Query, updateOne } from 'mingo';
import type { AlertDoc, ExecutionDoc } from '../../../../src/store/mongo/documents.js';
import { newAlertDoc } from '../../../../src/store/mongo/documents.js';
import { claimDoc, type FindQuery } from '../../../../src/store/mongo/queries.js';
import { newAlertFixture } from '../../../contract/store-contract.js';

// mingo's types want its own criteria types; the builders give the driver's. Both are plain
// MongoDB query language, so the documents pass through as plain objects.
export type Plain = Record<string, unknown>;
export const plain = (value: unknown): Plain => value as Plain;

export function matches(filter: unknown, doc: unknown): boolean {
  return new Query(plain(filter)).test(plain(doc));
}

/** Runs a find the way the adapter does: filter, sort, then skip and limit when set. */
export function run<T>(query: FindQuery<T>, docs: T[]): T[] {
  const cursor = find(docs as unknown as Plain[], plain(query.filter)).sort(query.sort);
  if (query.skip !== undefined) cursor.skip(query.skip);
  if (query.limit !== undefined) cursor.limit(query.limit);
  return cursor.all() as unknown as T[];
}

/**
 * Applies an update to the first document the filter matches, as updateOne does (with its array
 * filters, when given); true if one matched.
 */
export function applyUpdate<T>(docs: T[], filter: unknown, update: unknown, arrayFilters?: unknown[]): boolean {
  const config = arrayFilters === undefined ? undefined : { arrayFilters: arrayFilters as Plain[] };
  return updateOne(docs as unknown as Plain[], plain(filter), plain(update), config).matchedCount === 1;
}

/** Documents a deleteMany with this filter leaves. */
export function remaining<T>(docs: T[], filter: unknown): T[] {
  return docs.filter((doc) => !matches(filter, doc));
}

export function aggregate<R>(pipeline: unknown[], docs: unknown[], collections: Record<string, unknown[]> = {}): R[] {
  const aggregator = new Aggregator(pipeline as Plain[], {
    collectionResolver: (name: string) => (collections[name] ?? []) as Plain[],
  });
  return aggregator.run(docs as Plain[]) as unknown as R[];
}

export function alertDoc(overrides: Parameters<typeof newAlertFixture>[0] = {}): AlertDoc {
  return newAlertDoc(newAlertFixture(overrides));
}

let executionSeq = 0;
export function executionDoc(alertId: string, scheduledAt: Date, overrides: Partial<ExecutionDoc> = {}): ExecutionDoc {
  executionSeq += 1;
  const id = `e${String(executionSeq).padStart(4, '0')}`;
  return {
    ...claimDoc({ alertId, scheduledAt, trigger: 'schedule', instance: 'i1', now: scheduledAt }, id),
    ...overrides,
  };
}
