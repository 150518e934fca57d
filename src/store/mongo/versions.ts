// The versions of alerts' definitions on MongoDB (VersionStore, issue 5/6), and the keys of alerts
// stored before keys existed: the document type, its mapping and the filters, pure so that
// test/unit/store/mongo checks them with mingo. Private to store/mongo.
import type { Filter } from 'mongodb';
import { keyCandidates, keyFromName } from '../../domain/alert-key.js';
import type { AlertVersion, ChangeChannel, NewAlertVersion } from '../../domain/versions.js';
import { specFrom } from '../version-json.js';
import type { AlertDoc } from './documents.js';
import type { FindQuery } from './queries.js';

/** `_id` is the driver's own; {alertId, version} is unique. */
export interface AlertVersionDoc {
  alertId: string;
  version: number;
  spec: unknown;
  managedBy: string | null;
  changed: string[];
  by: string;
  at: Date;
  via: string;
  restoredFrom: number | null;
}

export function toVersion(doc: AlertVersionDoc): AlertVersion {
  return {
    alertId: doc.alertId,
    version: doc.version,
    spec: specFrom(doc.spec),
    managedBy: doc.managedBy ?? null,
    changed: doc.changed ?? [],
    by: doc.by,
    at: doc.at,
    via: doc.via as ChangeChannel,
    restoredFrom: doc.restoredFrom ?? null,
  };
}

export function newVersionDoc(version: NewAlertVersion, number: number): AlertVersionDoc {
  return {
    alertId: version.alertId,
    version: number,
    spec: version.spec,
    managedBy: version.managedBy,
    changed: version.changed,
    by: version.by,
    at: version.at,
    via: version.via,
    restoredFrom: version.restoredFrom,
  };
}

/** The alert's newest version (its number tells the next). */
export function newestVersionQuery(alertId: string): FindQuery<AlertVersionDoc> {
  return { filter: { alertId }, sort: { version: -1 }, limit: 1 };
}

export function versionsQuery(alertId: string, limit: number): FindQuery<AlertVersionDoc> {
  return { filter: { alertId }, sort: { version: -1 }, limit };
}

export function versionFilter(alertId: string, version: number): Filter<AlertVersionDoc> {
  return { alertId, version };
}

/** Versions older than the newest `keep` once `newest` is added. */
export function oldVersionsFilter(alertId: string, newest: number, keep: number): Filter<AlertVersionDoc> {
  return { alertId, version: { $lte: newest - keep } };
}

export function versionsOfAlertFilter(alertId: string): Filter<AlertVersionDoc> {
  return { alertId };
}

/** Alerts stored before keys: no key yet. */
export const KEYLESS_ALERTS: Filter<AlertDoc> = { key: { $exists: false } };

/** The key for an alert stored before keys: its name's, or the next free one after `taken`. */
export function backfillKey(name: string, taken: ReadonlySet<string>): string {
  const free = keyCandidates(keyFromName(name)).find((key) => !taken.has(key));
  return free ?? `${keyFromName(name).slice(0, 40)}-${taken.size}`;
}
