// One root pino logger; each module takes a named child. Secrets and query results are
// never logged: log ids, states and durations, and errors by code and cause.
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export function createRootLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    // Belt and braces: these keys never reach a log line even if someone logs a whole object.
    redact: { paths: ['*.password', '*.url', '*.token', '*.rows', 'config.dataSources'], censor: '[redacted]' },
  });
}

/** A logger that writes nothing, for tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
