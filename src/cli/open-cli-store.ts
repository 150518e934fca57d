// The store for a one-off command, from the same settings as Lookout: PostgreSQL or MongoDB by
// their URL; the embedded database through the running Lookout's server when one serves DATA_DIR
// (PGlite takes no lock: opening its directory twice would corrupt it), else opened here.
import type { Config } from '../config.js';
import { ConfigError, StoreError } from '../errors.js';
import { createMongoStore } from '../store/mongo/store.js';
import { runningEmbedded, startEmbeddedPostgres } from '../store/pglite/embedded.js';
import type { Store } from '../store/port.js';
import { createPostgresStore } from '../store/postgres/store.js';

export async function openCliStore(config: Config): Promise<Store> {
  const store = config.store;
  switch (store.kind) {
    case 'postgres':
      return open('DATABASE_URL', () => createPostgresStore({ connectionString: store.url, max: 4, prepare: false }));
    case 'mongo':
      return open('MONGODB_URL', () => createMongoStore({ url: store.url }));
    case 'pglite': {
      const running = await runningEmbedded(store.dataDir);
      if (running !== null) return open('DATA_DIR', () => createPostgresStore({ connectionString: running.url, max: 2, prepare: false }));
      const embedded = await startEmbeddedPostgres({ dataDir: store.dataDir });
      try {
        const opened = await open('DATA_DIR', () => createPostgresStore({ connectionString: embedded.url, max: 2, prepare: false }));
        // The same store, whose close() also stops the database this command started.
        const close = async (): Promise<void> => {
          await opened.close();
          await embedded.stop();
        };
        return new Proxy(opened, {
          get(target, property) {
            if (property === 'close') return close;
            const value: unknown = Reflect.get(target, property);
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
          },
        });
      } catch (err) {
        await embedded.stop();
        throw err;
      }
    }
  }
}

async function open(setting: string, make: () => Promise<Store>): Promise<Store> {
  try {
    return await make();
  } catch (err) {
    const cause = err instanceof StoreError ? err.userMessage : err instanceof Error ? err.message : String(err);
    throw new ConfigError(setting, `cannot open the store: ${cause}`, { cause: err });
  }
}
