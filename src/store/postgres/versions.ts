// The versions of alerts' definitions on PostgreSQL (VersionStore, issue 5/6): the row type, its
// mapping, and the statements. Private to store/postgres.
import type { AlertVersion, ChangeChannel, NewAlertVersion } from '../../domain/versions.js';
import { specFrom } from '../version-json.js';

export interface VersionRow {
  alert_id: string;
  version: number;
  spec: unknown;
  managed_by: string | null;
  changed: string[];
  changed_by: string;
  changed_at: Date;
  via: string;
  restored_from: number | null;
}

export function toVersion(row: VersionRow): AlertVersion {
  return {
    alertId: row.alert_id,
    version: row.version,
    spec: specFrom(row.spec),
    managedBy: row.managed_by,
    changed: row.changed,
    by: row.changed_by,
    at: row.changed_at,
    via: row.via as ChangeChannel,
    restoredFrom: row.restored_from,
  };
}

/**
 * One statement: the next number for the alert (none when the alert is gone, since the insert
 * selects through it), then the oldest beyond the bound deleted. Two at once compute the same
 * number; the second fails on the primary key and is retried by the caller.
 */
export const ADD_VERSION = `
  WITH added AS (
    INSERT INTO alert_versions (alert_id, version, spec, managed_by, changed, changed_by, changed_at, via, restored_from)
    SELECT a.id, coalesce((SELECT max(v.version) FROM alert_versions v WHERE v.alert_id = a.id), 0) + 1,
           $2::jsonb, $3::text, $4::text[], $5::text, $6::timestamptz, $7::text, $8::integer
    FROM alerts a WHERE a.id = $1
    RETURNING *
  ), pruned AS (
    DELETE FROM alert_versions old USING added
    WHERE old.alert_id = added.alert_id AND old.version <= added.version - $9::integer
  )
  SELECT * FROM added`;

export function addVersionParams(version: NewAlertVersion, keep: number): unknown[] {
  return [
    version.alertId,
    JSON.stringify(version.spec),
    version.managedBy,
    version.changed,
    version.by,
    version.at,
    version.via,
    version.restoredFrom,
    keep,
  ];
}

export const LIST_VERSIONS = 'SELECT * FROM alert_versions WHERE alert_id = $1 ORDER BY version DESC LIMIT $2';
export const GET_VERSION = 'SELECT * FROM alert_versions WHERE alert_id = $1 AND version = $2';

/** The primary key violation of two versions numbered at once. */
export function isVersionClash(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown };
  return e.code === '23505' && e.constraint === 'alert_versions_pkey';
}
