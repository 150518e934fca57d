// Slack's libraries (WebClient, Bolt, the Socket Mode client) log through their own Logger
// interface; this one bridge sends their lines to a pino child, errors as `err`. Debug lines are
// dropped whatever the level: WebClient's carry request bodies (message text, query results).
import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from '../logger.js';

const RANK: Record<LogLevel, number> = { [LogLevel.DEBUG]: 0, [LogLevel.INFO]: 1, [LogLevel.WARN]: 2, [LogLevel.ERROR]: 3 };

/** A Slack Logger over `logger`, passing lines at `minLevel` and above (default warnings). */
export function slackLogger(logger: Logger, minLevel: LogLevel = LogLevel.WARN): SlackLogger {
  let level = minLevel;
  const write = (at: LogLevel, pinoLevel: 'info' | 'warn' | 'error') => (...msg: unknown[]) => {
    if (RANK[at] < RANK[level]) return;
    const err = msg.find((m) => m instanceof Error);
    const text = msg.filter((m) => !(m instanceof Error)).map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
    logger[pinoLevel](err === undefined ? {} : { err }, text || (err instanceof Error ? err.message : ''));
  };
  return {
    debug: () => undefined,
    info: write(LogLevel.INFO, 'info'),
    warn: write(LogLevel.WARN, 'warn'),
    error: write(LogLevel.ERROR, 'error'),
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}
