// Recording versions of alerts' definitions (issue 5/6): after each change that reached the store,
// the alert as saved, who, when, through what, and which fields changed since its last version.
// An alert stored before versions gets a first version of itself as it was, so its history starts
// where it stood. A change that changed nothing records nothing.
import type { Clock } from '../clock.js';
import { specOf, versionChanges, type AlertVersion, type ChangeChannel } from '../domain/versions.js';
import type { Alert } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/port.js';

export interface VersionDeps {
  store: Store;
  clock: Clock;
  logger?: Logger;
}

export interface Change {
  /** The alert before the change; null when it was just created. */
  before: Alert | null;
  after: Alert;
  by: string;
  via: ChangeChannel;
  restoredFrom?: number | null;
}

export function createVersionRecorder(deps: VersionDeps) {
  const { store } = deps;

  async function add(change: Change): Promise<AlertVersion | null> {
    const [previous] = await store.versions(change.after.id, 1);
    let last: Pick<AlertVersion, 'spec' | 'managedBy'> | null = previous ?? null;
    if (last === null && change.before !== null) {
      // Made before versions existed (in Slack, the only way then): its first version is itself.
      const before = change.before;
      last = await store.addVersion({
        alertId: before.id,
        spec: specOf(before),
        managedBy: before.managedBy,
        changed: [],
        by: before.updatedBy,
        at: before.updatedAt,
        via: 'slack',
        restoredFrom: null,
      });
    }
    const next = { spec: specOf(change.after), managedBy: change.after.managedBy };
    const changed = versionChanges(last, next);
    if (last !== null && changed.length === 0) return null;
    return store.addVersion({
      alertId: change.after.id,
      ...next,
      changed,
      by: change.by,
      at: deps.clock(),
      via: change.via,
      restoredFrom: change.restoredFrom ?? null,
    });
  }

  return {
    /**
     * Records the change's version. The change itself is already saved: a store that fails now
     * does not undo it, so the failure is logged, and the next version's changed fields are
     * counted from the last version recorded (they include this change's).
     */
    async record(change: Change): Promise<void> {
      try {
        await add(change);
      } catch (err) {
        deps.logger?.warn({ err, alertId: change.after.id }, 'could not record the version of a change');
      }
    },
  };
}

export type VersionRecorder = ReturnType<typeof createVersionRecorder>;
