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
    {
      store: config.store.kind,
      dataSources: config.dataSources.map((s) => s.name),
      shards: config.scheduler.shards,
      instance: config.scheduler.instance,
      httpPort: lookout.httpPort,
    },
    'lookout started',
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    // A second signal (an impatient Ctrl-C) ends at once: running executions are left WORKING
    // and another instance takes them over after their working timeout.
    if (stopping) {
      logger.warn({ signal }, 'stopping now, without waiting for running executions');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping: no new jobs; running executions finish within their working timeout');
    lookout.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
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
