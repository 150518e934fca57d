// Recipients failing now, read from the real store (PostgreSQL): only alerts the caller may see,
// only recipients still on the alert, deleted alerts dropped, the streak since its first failure,
// and "or earlier" only when the alert is older than the window read.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Alert, DeliveryRecord } from '../../../src/domain/types.js';
import { findFailingRecipients, FAILING_WINDOW_MS } from '../../../src/services/failing-recipients.js';
import { createPostgresStore } from '../../../src/store/postgres/store.js';
import type { Store } from '../../../src/store/port.js';
import { newAlertFixture } from '../../contract/store-fixtures.js';
import { createTempDatabase, type TempDatabase } from '../../support/postgres.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const hoursAgo = (h: number): Date => new Date(NOW.getTime() - h * 3600_000);
const ok = (recipient: string): DeliveryRecord => ({ recipient, ok: true, unknown: false, error: null, ref: null, note: null });
const failed = (recipient: string): DeliveryRecord => ({ recipient, ok: false, unknown: false, error: 'Lookout is not a member of this channel', ref: null, note: null });

let db: TempDatabase;
let store: Store;

beforeAll(async () => {
  db = await createTempDatabase('lookout_failing');
  store = await createPostgresStore({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await store?.close();
  await db?.drop();
});

async function alertWith(name: string, channels: string[], createdAt = hoursAgo(100)): Promise<Alert> {
  return store.createAlert(newAlertFixture({ name, createdAt, recipients: channels.map((id) => ({ kind: 'slack_channel', id })) }));
}

/** A finished run of the alert `h` hours ago with these deliveries. */
async function ran(alert: Alert, h: number, deliveries: DeliveryRecord[]): Promise<void> {
  const execution = await store.claimTick({ alertId: alert.id, scheduledAt: hoursAgo(h), trigger: 'schedule', instance: 'test', now: hoursAgo(h) });
  if (execution === null) throw new Error('not claimed');
  await store.finishExecution(execution.id, { state: deliveries.every((d) => d.ok) ? 'SUCCESS' : 'ERROR', reason: null, deliveries, finishedAt: hoursAgo(h) });
}

const everyone = async (): Promise<boolean> => true;

describe('findFailingRecipients', () => {
  let ops: Alert;
  let hidden: Alert;
  let young: Alert;
  let moved: Alert;
  beforeAll(async () => {
    ops = await alertWith('Ops', ['C0OPS', 'C0ENG']);
    await ran(ops, 30, [failed('channel:C0OPS'), ok('channel:C0ENG')]); // outside the window
    await ran(ops, 5, [failed('channel:C0OPS'), ok('channel:C0ENG')]);
    await ran(ops, 3, [failed('channel:C0OPS'), failed('channel:C0ENG')]);
    await ran(ops, 1, [failed('channel:C0OPS'), ok('channel:C0ENG')]);
    hidden = await alertWith('Hidden', ['C0SECRET']);
    await ran(hidden, 2, [failed('channel:C0SECRET')]);
    young = await alertWith('Young', ['C0NEW'], hoursAgo(2));
    await ran(young, 1, [failed('channel:C0NEW')]);
    // Failing to a channel it no longer posts to, and an alert deleted since.
    moved = await alertWith('Moved', ['C0OLD']);
    await ran(moved, 1, [failed('channel:C0OLD')]);
    await store.updateAlert(moved.id, { recipients: [{ kind: 'slack_channel', id: 'C0MOVED' }], updatedBy: 'U1', updatedAt: NOW });
    const gone = await alertWith('Gone', ['C0GONE']);
    await ran(gone, 1, [failed('channel:C0GONE')]);
    await store.deleteAlert(gone.id);
  });

  it('lists each failing recipient of the alerts it may see, with its streak in the window', async () => {
    const report = await findFailingRecipients({ store, now: NOW, visible: async (a) => a.id !== hidden.id });
    expect(report.since).toEqual(new Date(NOW.getTime() - FAILING_WINDOW_MS));
    expect(report.partial).toBe(false);
    expect(report.items.map((i) => [i.alert.name, i.recipient, i.runs, i.since.toISOString(), i.orEarlier])).toEqual([
      ['Ops', 'channel:C0OPS', 3, hoursAgo(5).toISOString(), true],
      ['Young', 'channel:C0NEW', 1, hoursAgo(1).toISOString(), false],
    ]);
  });

  it('an admin (who may see everything) gets the hidden one too', async () => {
    const report = await findFailingRecipients({ store, now: NOW, visible: everyone });
    expect(report.items.map((i) => i.alert.name)).toEqual(['Hidden', 'Ops', 'Young']);
  });

  it('among the alerts the caller reads (Home: their own), only those, read once for the alerts failing', async () => {
    const asked: string[][] = [];
    const onlyOps = async (ids: readonly string[]): Promise<Alert[]> => {
      asked.push([...ids].sort());
      return store.listAlerts({ ids: ids.filter((id) => id === ops.id) });
    };
    const report = await findFailingRecipients({ store, now: NOW, visible: everyone, among: onlyOps });
    expect(report.items.map((i) => [i.alert.name, i.recipient])).toEqual([['Ops', 'channel:C0OPS']]);
    expect(report.partial).toBe(false);
    // The alerts with a failing recipient in the window, and no other (the deleted one's runs went with it).
    expect(asked).toEqual([[hidden.id, moved.id, ops.id, young.id].sort()]);
  });

  it('a success clears it', async () => {
    await ran(young, 0.5, [ok('channel:C0NEW')]);
    const report = await findFailingRecipients({ store, now: NOW, visible: everyone });
    expect(report.items.map((i) => i.alert.name)).toEqual(['Hidden', 'Ops']);
  });
});
