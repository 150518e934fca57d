// What `npm start` says in plain words: the line before the store starts (the embedded one takes
// ~30 s the first time), and once started one line per part — what Lookout runs on, or what is
// missing and the setting that adds it. Pure: built from the Config and a few facts main.ts
// finds. No credential ever appears: database, SMTP and Slack addresses are shown as host and
// database only, never a user, password, token or query string.
import { isAbsolute, relative, sep } from 'node:path';
import type { Config } from './config.js';

export type StartupPart = 'store' | 'slack' | 'email' | 'dataSources' | 'screenshots' | 'admins' | 'http';

export interface StartupLine {
  part: StartupPart;
  /** False when the part is not set up (the line then names the setting that sets it up). */
  configured: boolean;
  text: string;
}

export interface StartingFacts {
  /** Relative paths are shown from here (the process's working directory). */
  cwd: string;
  /** The embedded store's data directory holds no database yet: this start creates it. */
  firstStart: boolean;
}

export interface StartedFacts {
  cwd: string;
  /** The port /healthz and /metrics listen on (the OS's pick when HTTP_PORT=0); null when off. */
  httpPort: number | null;
  /** Whether a file is at CHROMIUM_PATH; asked only when screenshots are on. */
  chromiumFound?: boolean;
}

/** The line said at once, before the store starts. */
export function startingLine(config: Config, facts: StartingFacts): string {
  const store = config.store;
  switch (store.kind) {
    case 'pglite': {
      const dir = shownPath(store.dataDir, facts.cwd);
      return facts.firstStart
        ? `Starting the embedded store (PGlite) in ${dir}: the first start creates it and takes ~30 s…`
        : `Starting the embedded store (PGlite) in ${dir}…`;
    }
    case 'postgres':
      return `Connecting to the store: PostgreSQL ${postgresPlace(store.url)}…`;
    case 'mongo':
      return `Connecting to the store: MongoDB ${mongoPlace(store.url)}…`;
  }
}

/** One line per part, once Lookout has started. */
export function startupSummary(config: Config, facts: StartedFacts): StartupLine[] {
  return [store(config, facts), slack(config), email(config), dataSources(config), screenshots(config, facts), admins(config), http(facts)];
}

function store(config: Config, facts: StartedFacts): StartupLine {
  const s = config.store;
  switch (s.kind) {
    case 'pglite':
      return {
        part: 'store',
        configured: true,
        text: `Store: embedded PGlite in ${shownPath(s.dataDir, facts.cwd)} (for several instances, set DATABASE_URL or MONGODB_URL to a shared server)`,
      };
    case 'postgres':
      return { part: 'store', configured: true, text: `Store: PostgreSQL ${postgresPlace(s.url)}` };
    case 'mongo':
      return { part: 'store', configured: true, text: `Store: MongoDB ${mongoPlace(s.url)}` };
  }
}

function slack(config: Config): StartupLine {
  if (config.slack) {
    const via = config.slack.apiUrl !== undefined ? ` (Web API at ${origin(config.slack.apiUrl)})` : '';
    return { part: 'slack', configured: true, text: `Slack: connected via Socket Mode${via}` };
  }
  // outbound.ts: with neither Slack nor SMTP, every message goes to the log.
  const instead = config.email
    ? 'no /alert command, and messages to Slack recipients fail (email still goes)'
    : 'no /alert command, and messages are written to the log instead';
  return {
    part: 'slack',
    configured: false,
    text: `Slack: not configured: set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (manifest.yml) — ${instead}`,
  };
}

function email(config: Config): StartupLine {
  if (config.email) {
    return { part: 'email', configured: true, text: `Email: SMTP ${smtpPlace(config.email.smtpUrl)}, from ${config.email.from}` };
  }
  return {
    part: 'email',
    configured: false,
    text: 'Email: off: set SMTP_URL (and EMAIL_FROM) to send to email recipients, email fallback and owner notices',
  };
}

function dataSources(config: Config): StartupLine {
  if (config.dataSources.length === 0) {
    return {
      part: 'dataSources',
      configured: false,
      text: 'Data sources: none: add dataSources to lookout.config.yml (see lookout.config.example.yml)',
    };
  }
  // A DuckDB source has no database user to check: say what it reads instead.
  const list = config.dataSources
    .map((s) => `${s.name} (${KIND_NAMES[s.kind]}${s.kind === 'duckdb' ? ` on the files in ${s.allowedDirs.join(', ')}, no database users` : ''})`)
    .join(', ');
  return { part: 'dataSources', configured: true, text: `Data sources: ${list}` };
}

const KIND_NAMES: Record<Config['dataSources'][number]['kind'], string> = {
  postgres: 'PostgreSQL',
  mysql: 'MySQL/MariaDB',
  sqlite: 'SQLite',
  duckdb: 'DuckDB',
};

function screenshots(config: Config, facts: StartedFacts): StartupLine {
  const { allowedHosts, allowLoopback, chromiumPath } = config.screenshots;
  if (allowedHosts.length === 0) {
    return {
      part: 'screenshots',
      configured: false,
      text: 'Screenshots: off: list the hosts the browser may open under screenshots.allowedHosts in lookout.config.yml',
    };
  }
  const loopback = allowLoopback ? ', loopback allowed' : '';
  const browser = facts.chromiumFound === false ? `; but no browser at ${chromiumPath}: install chromium or set CHROMIUM_PATH` : '';
  return { part: 'screenshots', configured: true, text: `Screenshots: of ${allowedHosts.join(', ')}${loopback}${browser}` };
}

function admins(config: Config): StartupLine {
  if (config.admins.length === 0) {
    return {
      part: 'admins',
      configured: false,
      text: 'Admins: none: set ADMIN_USER_IDS (Slack user ids, comma-separated) or admins in lookout.config.yml',
    };
  }
  return { part: 'admins', configured: true, text: `Admins: ${config.admins.join(', ')}` };
}

function http(facts: StartedFacts): StartupLine {
  if (facts.httpPort === null) {
    return { part: 'http', configured: false, text: 'HTTP: off: set HTTP_PORT for /healthz and /metrics' };
  }
  return { part: 'http', configured: true, text: `HTTP: /healthz and /metrics on port ${facts.httpPort}` };
}

/** "./data" for a directory under the working directory, the absolute path otherwise. */
function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) return path;
  return `.${sep}${rel}`;
}

/** "on db.internal:5432, database lookout"; a Unix socket (?host=/run/postgresql) as its directory. */
function postgresPlace(raw: string): string {
  const parts = authority(raw, /^postgres(?:ql)?:\/\//);
  if (parts === null) return '(DATABASE_URL)';
  const socket = /(?:^|&)host=([^&]*)/.exec(parts.query)?.[1];
  const host = parts.hosts !== '' ? parts.hosts : socket !== undefined ? decoded(socket) : 'the local socket';
  return `on ${host}${parts.path !== '' ? `, database ${parts.path}` : ''}`;
}

/** "on db1:27017,db2:27017, database lookout" (a MongoDB URL may list several hosts). */
function mongoPlace(raw: string): string {
  const srv = raw.startsWith('mongodb+srv://');
  const parts = authority(raw, /^mongodb(?:\+srv)?:\/\//);
  if (parts === null) return '(MONGODB_URL)';
  return `on ${parts.hosts}${srv ? ' (SRV)' : ''}${parts.path !== '' ? `, database ${parts.path}` : ''}`;
}

/**
 * Hosts, path (the database) and query of a URL, read by hand: WHATWG URL refuses several hosts
 * and an empty host after credentials, which the drivers take. Everything up to the last "@"
 * before the query is taken for credentials, so a password holding "@" or "/" never shows.
 */
function authority(raw: string, scheme: RegExp): { hosts: string; path: string; query: string } | null {
  const prefix = scheme.exec(raw);
  if (prefix === null) return null;
  const rest = raw.slice(prefix[0].length).split('#')[0] ?? '';
  const q = rest.indexOf('?');
  const beforeQuery = q < 0 ? rest : rest.slice(0, q);
  const hostAndPath = beforeQuery.slice(beforeQuery.lastIndexOf('@') + 1);
  const slash = hostAndPath.indexOf('/');
  return {
    hosts: slash < 0 ? hostAndPath : hostAndPath.slice(0, slash),
    path: slash < 0 ? '' : decoded(hostAndPath.slice(slash + 1)),
    query: q < 0 ? '' : rest.slice(q + 1),
  };
}

/** "via mail.example.com:587 (TLS)". */
function smtpPlace(raw: string): string {
  const parts = authority(raw, /^smtps?:\/\//);
  if (parts === null) return '(SMTP_URL)';
  return `via ${parts.hosts}${raw.startsWith('smtps:') ? ' (TLS)' : ''}`;
}

/** Scheme, host and path of a URL: never its credentials or query. */
function origin(raw: string): string {
  const parts = authority(raw, /^[a-z][a-z0-9+.-]*:\/\//i);
  if (parts === null) return '(SLACK_API_URL)';
  return `${raw.slice(0, raw.indexOf('//') + 2)}${parts.hosts}/${parts.path}`;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
