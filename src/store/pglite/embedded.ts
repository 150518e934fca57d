// The embedded default store: PGlite on a data directory, served over its socket server so
// that `pg` (our store) and Agenda's PostgresBackend talk to it as to any PostgreSQL.
// PGlite is a single session: the socket server runs one message at a time and keeps an open
// transaction's statements on its own connection, so callers must not rely on session state.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { StoreError } from '../../errors.js';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /**
   * Connections the socket server accepts; more are refused ("Too many connections").
   * Default 30. Keep it at 20 or more and above the store's pool plus Agenda's: with the
   * server's own default of 1, Agenda's connections get ECONNRESET (DESIGN.md).
   */
  maxConnections?: number;
  /** TCP port on 127.0.0.1; default 0, a free port chosen by the OS. */
  port?: number;
}

export interface EmbeddedPostgres {
  /** A `pg` connection string for the server, e.g. postgres://postgres@127.0.0.1:41234/postgres. */
  url: string;
  /** Stops the socket server (closing its connections), then closes PGlite. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const DEFAULT_MAX_CONNECTIONS = 30;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const failed = (err: unknown): StoreError =>
    new StoreError(
      `Could not start the embedded database in ${options.dataDir} (${err instanceof Error ? err.message : String(err)}).`,
      { cause: err },
    );
  // PGlite takes no lock of its own: a second process opening the directory would corrupt it.
  const running = await runningEmbedded(options.dataDir);
  if (running !== null) {
    throw new StoreError(
      `The embedded database in ${options.dataDir} is in use by another Lookout (process ${running.pid}). Stop it first, or use another DATA_DIR.`,
    );
  }
  let db: PGlite;
  try {
    await mkdir(options.dataDir, { recursive: true });
    db = await PGlite.create(options.dataDir);
  } catch (err) {
    throw failed(err);
  }
  const server = new PGLiteSocketServer({
    db,
    host: HOST,
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
  });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw failed(err);
  }
  // start() stores the bound port once listening; getServerConn() reports it as "host:port"
  // (with port 0 that is the port the OS chose).
  const port = Number(server.getServerConn().split(':').pop());

  const url = `postgres://postgres@${HOST}:${port}/postgres`;
  const lock = lockPath(options.dataDir);
  await writeFile(lock, JSON.stringify({ pid: process.pid, url } satisfies EmbeddedLock));
  let stopped = false;
  return {
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      // The server's stop() leaves the database open; closing PGlite flushes and unlocks it.
      await server.stop();
      await db.close();
      await rm(lock, { force: true });
    },
  };
}

/** Who serves a data directory: written at start, removed at stop. */
interface EmbeddedLock {
  pid: number;
  url: string;
}

function lockPath(dataDir: string): string {
  return join(dataDir, 'lookout.lock');
}

/**
 * The embedded database another Lookout process serves from this directory, or null: then the
 * directory may be opened (a lock left by a process that is gone does not count). The CLI connects
 * to the running one's URL instead of opening the directory.
 */
export async function runningEmbedded(dataDir: string): Promise<EmbeddedLock | null> {
  let lock: EmbeddedLock;
  try {
    lock = JSON.parse(await readFile(lockPath(dataDir), 'utf8')) as EmbeddedLock;
  } catch {
    return null;
  }
  if (typeof lock.pid !== 'number' || typeof lock.url !== 'string' || lock.pid === process.pid) return null;
  try {
    process.kill(lock.pid, 0);
    return lock;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as { code?: unknown }).code === 'EPERM' ? lock : null;
  }
}
