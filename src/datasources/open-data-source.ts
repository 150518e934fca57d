// Picks the engine module for a configured data source. The switch is exhaustive: a new
// `kind` in config.ts without a module here fails to compile.
import type { DataSourceConfig } from '../config.js';
import { createDuckdbSource } from './duckdb.js';
import { createMysqlSource } from './mysql.js';
import type { DataSource } from './port.js';
import { createPostgresSource } from './postgres.js';
import { createSqliteSource } from './sqlite.js';

export function openDataSource(config: DataSourceConfig): DataSource {
  switch (config.kind) {
    case 'postgres':
      return createPostgresSource(config);
    case 'mysql':
      return createMysqlSource(config);
    case 'sqlite':
      return createSqliteSource(config);
    case 'duckdb':
      return createDuckdbSource(config);
    default: {
      const unknown: never = config;
      throw new Error(`no data source module for kind ${(unknown as { kind: string }).kind}`);
    }
  }
}

/** The configured sources by name. */
export interface DataSources {
  get(name: string): DataSource | undefined;
  names(): string[];
  closeAll(): Promise<void>;
}

/** Opens each source on first use, so one that is down does not stop Lookout from starting. */
export function openDataSources(configs: readonly DataSourceConfig[]): DataSources {
  const byName = new Map(configs.map((config) => [config.name, config]));
  const opened = new Map<string, DataSource>();
  return {
    get(name) {
      const config = byName.get(name);
      if (config === undefined) return undefined;
      let source = opened.get(name);
      if (source === undefined) {
        source = openDataSource(config);
        opened.set(name, source);
      }
      return source;
    },
    names: () => [...byName.keys()],
    async closeAll() {
      const sources = [...opened.values()];
      opened.clear();
      await Promise.allSettled(sources.map((source) => source.close()));
    },
  };
}
