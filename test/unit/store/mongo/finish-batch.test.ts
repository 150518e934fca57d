// The MongoDB adapter's builders for batched writes (finish-batch.ts), run on sample documents
// with mingo as store.ts runs them: each finish a compare-and-set that records its batch, the
// batch's winners found by that mark, their runtime changes in the items' order, and send marks
// earliest first. mingo is not a server: only the contract suite against MongoDB shows it agrees.
import { describe, expect, it } from '@jest/globals';
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import type { AlertDoc } from '../../../../src/store/mongo/documents.js';
import { finishBatchOps, finishedByBatchFilter, markSendingsOps, runtimeOps } from '../../../../src/store/mongo/finish-batch.js';
import { alertDoc, applyUpdate, executionDoc, run } from './mingo.js';

const T0 = new Date('2026-03-01T09:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

/** Runs bulk updateOne operations in order, as an ordered bulkWrite does; the number matched. */
function bulk<T, S extends Document>(docs: T[], ops: AnyBulkWriteOperation<S>[]): number {
  return ops.filter((op) => 'updateOne' in op && applyUpdate(docs, op.updateOne.filter, op.updateOne.update)).length;
}

describe('MongoDB batched finishes', () => {
  it('finishes only executions still WORKING, and the batch mark finds exactly those', () => {
    const alert = alertDoc();
    const working = executionDoc(alert._id, T0);
    const done = executionDoc(alert._id, at(60), { state: 'ERROR', reason: 'working timeout', finishedAt: at(61) });
    const docs = [working, done];
    const items = [
      { id: working._id, finish: { state: 'SUCCESS' as const, reason: null, queryMs: 12.4, finishedAt: at(2) } },
      { id: done._id, finish: { state: 'NOOP' as const, reason: null, finishedAt: at(62) } },
    ];
    expect(bulk(docs, finishBatchOps(items, 'b1'))).toBe(1);
    expect(docs[0]).toMatchObject({ state: 'SUCCESS', reason: null, queryMs: 12, finishedAt: at(2), deliveries: [], series: [], ownersNotified: false });
    expect(docs[1]).toMatchObject({ state: 'ERROR', reason: 'working timeout', finishedAt: at(61) });
    const ids = items.map((i) => i.id);
    expect(run({ filter: finishedByBatchFilter(ids, 'b1'), sort: { _id: 1 } }, docs).map((d) => d._id)).toEqual([working._id]);
    // Another batch's mark is not this one's.
    expect(run({ filter: finishedByBatchFilter(ids, 'b2'), sort: { _id: 1 } }, docs)).toEqual([]);
  });

  it('saves the runtime changes of the items won, in the items’ order, and none for an item lost', () => {
    const alerts: AlertDoc[] = [alertDoc(), alertDoc()];
    const [a, b] = alerts;
    const alertOf = new Map([
      ['e1', a!._id],
      ['e2', a!._id],
    ]);
    const ops = runtimeOps(
      [
        { id: 'e1', finish: { state: 'SUCCESS', reason: null, finishedAt: at(1) }, runtime: { lastState: 'SUCCESS', firingSince: T0 } },
        { id: 'e2', finish: { state: 'NOOP', reason: null, finishedAt: at(2) }, runtime: { lastState: 'NOOP' } },
        { id: 'e3', finish: { state: 'SUCCESS', reason: null, finishedAt: at(3) }, runtime: { lastState: 'SUCCESS' } },
        { id: 'e1', finish: { state: 'SUCCESS', reason: null, finishedAt: at(1) } },
      ],
      alertOf,
    );
    expect(ops).toHaveLength(2);
    bulk(alerts, ops);
    expect(alerts[0]).toMatchObject({ lastState: 'NOOP', firingSince: T0 });
    expect(alerts[1]).toEqual(b);
  });

  it('marks sends earliest first, so each execution keeps its earliest mark of the call and any mark made before', () => {
    const alert = alertDoc();
    const docs = [executionDoc(alert._id, T0), executionDoc(alert._id, at(60), { sendStartedAt: at(61) })];
    bulk(docs, markSendingsOps([
      { id: docs[0]!._id, at: at(5) },
      { id: docs[1]!._id, at: at(62) },
      { id: docs[0]!._id, at: at(2) },
    ]));
    expect(docs[0]!.sendStartedAt).toEqual(at(2));
    expect(docs[1]!.sendStartedAt).toEqual(at(61));
  });
});
