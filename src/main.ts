// Entry point: read the config once, start Lookout, stop gracefully on SIGTERM/SIGINT.
// A bad setting ends start-up with one line naming it and exit code 1.
import { loadConfig } from './config.js';
import { ConfigError, LookoutError } from './errors.js';
import { createRootLogger } from './logger.js';
import { startLookout } from './lookout.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createRootLogger(config.logLevel);
  const lookout = await startLookout(config, { logger });
  logger.info(
    { store: config.store.kind, dataSources: config.dataSources.map((s) => s.name), shards: config.scheduler.shards },
    'lookout started',
  );
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'stopping: finishing running executions');
    lookout.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`lookout: cannot start: ${err.message}`);
  } else if (err instanceof LookoutError) {
    console.error(`lookout: cannot start: ${err.userMessage}`);
  } else {
    console.error(`lookout: cannot start: ${(err as Error).message ?? String(err)}`);
  }
  process.exit(1);
});
