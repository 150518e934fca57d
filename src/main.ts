// Entry point: read the config once, start Lookout, stop gracefully on SIGTERM/SIGINT.
// It says at once what it starts (the embedded store takes ~30 s the first time), and once
// started what Lookout runs on and what is missing, one line each (startup-summary.ts):
// readable lines when stdout is a terminal, JSON lines otherwise (logger.ts).
// A bad setting ends start-up with one line naming it and exit code 1.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from './config.js';
import { ConfigError, LookoutError } from './errors.js';
import { createRootLogger, logFormatFor } from './logger.js';
import { startingLine, startupSummary } from './startup-summary.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createRootLogger(config.logLevel, { format: logFormatFor(process.stdout) });
  const cwd = process.cwd();
  // PGlite writes PG_VERSION when it creates a database (initdb, the slow part of a first start).
  const firstStart = config.store.kind === 'pglite' && !existsSync(join(config.store.dataDir, 'PG_VERSION'));
  // Said once, up front: PGlite creates its database on this thread, so no timer could say
  // "still starting" while it does.
  logger.info(startingLine(config, { cwd, firstStart }));
  // Loaded after that line: Lookout's modules (Slack, Agenda, the browser, charts) take seconds
  // to load, which would otherwise pass in silence.
  const { startLookout } = await import('./lookout.js');
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
  const chromiumFound = config.screenshots.allowedHosts.length > 0 ? existsSync(config.screenshots.chromiumPath) : undefined;
  for (const line of startupSummary(config, { cwd, httpPort: lookout.httpPort, chromiumFound })) {
    logger.info({ startup: { part: line.part, configured: line.configured } }, line.text);
  }

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
