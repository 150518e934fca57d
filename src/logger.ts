// One root pino logger; each module takes a named child. Secrets and query results are
// never logged: log ids, states and durations, and errors by code and cause.
// Two formats of the same records: JSON lines (systemd, CI, tests, log shippers) and, for a
// person at a terminal, readable lines through pino-pretty — "[12:00:05] INFO: [tick]
// execution finished {…}" — written in this process (no transport thread), so they keep
// their order with anything else printed.
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';

export interface RootLoggerOptions {
  /** Default 'json'. */
  format?: LogFormat;
  /** Where lines go; default stdout. */
  destination?: DestinationStream;
}

/** Readable lines when a person reads stdout at a terminal; JSON lines otherwise. */
export function logFormatFor(stdout: { isTTY?: boolean }): LogFormat {
  return stdout.isTTY === true ? 'pretty' : 'json';
}

export function createRootLogger(level: string, options: RootLoggerOptions = {}): Logger {
  const settings: LoggerOptions = {
    level,
    base: undefined,
    // Belt and braces: these keys never reach a log line even if someone logs a whole object.
    redact: { paths: ['*.password', '*.url', '*.token', '*.rows', 'config.dataSources'], censor: '[redacted]' },
  };
  if ((options.format ?? 'json') === 'json') {
    return options.destination ? pino(settings, options.destination) : pino(settings);
  }
  const readable = pretty({
    sync: true,
    // Colours only where the lines reach a terminal.
    colorize: options.destination === undefined && process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss',
    // The module a line comes from leads it; other fields follow on the same line, an error's
    // stack below it.
    messageFormat: '{if module}[{module}] {end}{msg}',
    // The start-up summary's tags are for JSON readers; its words say the same.
    ignore: 'module,startup',
    singleLine: true,
    ...(options.destination ? { destination: options.destination as NodeJS.WritableStream } : {}),
  });
  return pino(settings, readable);
}

/** A logger that writes nothing, for tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
