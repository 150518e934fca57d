// Applies migrations/NNN_name.sql in order, each in its own transaction, and records them in
// lookout_migrations. A transaction-scoped advisory lock serialises instances that start
// together (two racing CREATE TABLEs on a fresh database fail on pg_type's unique index).
// Transaction-scoped, not a session lock: PGlite is one session shared by every socket
// connection, so a session lock would not exclude anyone there; pglite-socket already keeps
// a transaction's statements together.
import { readdir, readFile } from 'node:fs/promises';
import type pg from 'pg';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/** Arbitrary constant key for pg_advisory_xact_lock, shared by every Lookout instance. */
const MIGRATION_LOCK_KEY = 7_402_311_001;

interface Migration {
  version: number;
  name: string;
  url: URL;
}

async function listMigrations(): Promise<Migration[]> {
  const files = await readdir(MIGRATIONS_DIR);
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = /^(\d+)_[\w-]+\.sql$/.exec(file);
    if (!match?.[1]) continue;
    migrations.push({ version: Number(match[1]), name: file, url: new URL(file, MIGRATIONS_DIR) });
  }
  return migrations.sort((a, b) => a.version - b.version);
}

export interface MigrateOptions {
  /**
   * Applies migrations up to this version only. For tests that build a database as an older
   * Lookout left it; Lookout itself always migrates to the newest.
   */
  upTo?: number;
}

/** Brings the database's schema up to date; safe to call from several instances at once. */
export async function migrate(pool: pg.Pool, options: MigrateOptions = {}): Promise<void> {
  const upTo = options.upTo ?? Number.POSITIVE_INFINITY;
  for (const migration of (await listMigrations()).filter((m) => m.version <= upTo)) {
    const client = await pool.connect();
    let broken = false;
    // A checked-out client has no pool listener: a server that goes away between two queries
    // would otherwise be an unhandled 'error' event that ends the process.
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS lookout_migrations (
           version    integer PRIMARY KEY,
           name       text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const applied = await client.query('SELECT 1 FROM lookout_migrations WHERE version = $1', [migration.version]);
      if (applied.rowCount === 0) {
        // No parameters: the simple protocol, which runs a file of several statements.
        await client.query(await readFile(migration.url, 'utf8'));
        await client.query('INSERT INTO lookout_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.off('error', onError);
      // A connection that cannot even roll back is dropped, not returned to the pool.
      client.release(broken);
    }
  }
}
