// The configured data sources by name, opened once, with their limits and allowed users.
import type { DataSourceConfig } from '../config.js';
import { openDataSource } from './open-data-source.js';
import type { DataSource, DataSourceCatalog } from './port.js';

export function createDataSourceCatalog(configs: DataSourceConfig[]): DataSourceCatalog {
  const byName = new Map(configs.map((config) => [config.name, config]));
  // Opened on first use: a source that is down does not stop Lookout from starting.
  const open = new Map<string, DataSource>();
  return {
    get(name) {
      const config = byName.get(name);
      if (config === undefined) return undefined;
      let source = open.get(name);
      if (source === undefined) {
        source = openDataSource(config);
        open.set(name, source);
      }
      return source;
    },
    limits(name) {
      const config = byName.get(name);
      return config && { statementTimeoutS: config.statementTimeoutS, maxRows: config.maxRows };
    },
    names: () => [...byName.keys()],
    allowedUsers: (name) => byName.get(name)?.allowedUsers ?? [],
    async closeAll() {
      await Promise.all([...open.values()].map((source) => source.close()));
      open.clear();
    },
  };
}
