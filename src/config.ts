// All settings, read once at start: environment plus an optional lookout.config.yml.
// One zod schema holds the defaults and the cross-field rules; a bad or missing setting
// becomes a ConfigError naming it, which main.ts prints as one line before exiting 1.
// process.env is read here and nowhere else.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { authOrigins } from './domain/auth-origin.js';
import { DEFAULT_STORM } from './domain/storm.js';
import { ConfigError } from './errors.js';

const MiB = 1024 * 1024;
/**
 * Seconds before each minute that the ticks due at it are claimed (DESIGN.md, "Dispatch ahead of
 * the minute"): enough for 10,000 claims on 2 cores (about 2 s measured), and little enough that
 * an alert changed in the last seconds before its tick runs as it was for that tick.
 */
export const DEFAULT_DISPATCH_LEAD_S = 5;
/**
 * Evaluations at once per instance (DESIGN.md, "Evaluation slots and result memory"): most of a
 * slot's time is waiting for the store and Slack, so slots are many; their rows are bounded apart.
 */
export const DEFAULT_EVAL_CONCURRENCY = 128;
/** The result bytes an instance's evaluations may hold at once: 64 full results of the default 16 MiB. */
export const DEFAULT_RESULT_MEMORY_MB = 1024;

/** Slack's pace per channel and storm control (issue 4/6), as `slack.*` in lookout.config.yml. */
export const SLACK_POSTS = {
  channelPostsPerS: 1,
  channelQueueMax: 1000,
  storm: DEFAULT_STORM,
} as const;

/**
 * Result byte caps: what one query may hand Lookout, enforced while the result is read. The
 * highest allowed values stay far below V8's longest string (~512 MiB), so no result can end
 * the process however it is built (DESIGN.md, issue 1/6).
 */
export const BYTE_CAPS = {
  cell: { default: 1 * MiB, max: 64 * MiB },
  result: { default: 16 * MiB, max: 256 * MiB },
} as const;

const limits = {
  /** Statement timeout the database enforces, seconds. */
  statementTimeoutS: z.number().int().positive().max(3600).default(60),
  /** Rows fetched at most per query. */
  maxRows: z.number().int().positive().max(1_000_000).default(10_000),
  /** Bytes one value of a result may take; a larger one fails the run with a sentence. */
  maxCellBytes: z.number().int().min(1024).max(BYTE_CAPS.cell.max).default(BYTE_CAPS.cell.default),
  /** Bytes a whole result may take as read from the database; past it the read stops and the run fails. */
  maxResultBytes: z.number().int().min(64 * 1024).max(BYTE_CAPS.result.max).default(BYTE_CAPS.result.default),
  /** Pooled connections kept per source. */
  poolSize: z.number().int().positive().max(100).default(5),
  /** Slack user ids allowed to use this source; empty means everyone. */
  allowedUsers: z.array(z.string()).default([]),
  /**
   * Run alerts even though the source's database user can write or reach the server's files
   * and programs (superuser, FILE, write grants): /alert doctor then warns instead.
   */
  allowPrivilegedUser: z.boolean().default(false),
};

const name = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'use 1-64 letters, digits, "_", "." or "-"');

/** A URL that parses and has one of the engine's schemes, so a typo stops start-up instead of every alert. */
const engineUrl = (schemes: readonly string[], example: string) =>
  z.string().refine(
    (value) => {
      try {
        const url = new URL(value);
        // No host is a Unix socket, which the drivers take as ?host=/run/postgresql (or ?socketPath=).
        const host = url.hostname !== '' || url.searchParams.has('host') || url.searchParams.has('socketPath');
        return schemes.includes(url.protocol.replace(/:$/, '')) && host;
      } catch {
        return false;
      }
    },
    { message: `must be a URL such as ${example} (${schemes.map((s) => `${s}://`).join(' or ')})` },
  );

const postgresSource = z
  .object({ name, kind: z.literal('postgres'), url: engineUrl(['postgres', 'postgresql'], 'postgres://reader@db.internal:5432/analytics'), ...limits })
  .strict()
  .refine((s) => s.maxCellBytes <= s.maxResultBytes, { message: 'maxCellBytes must not exceed maxResultBytes', path: ['maxCellBytes'] });
const mysqlSource = z
  .object({ name, kind: z.literal('mysql'), url: engineUrl(['mysql', 'mariadb'], 'mysql://reader@db.internal:3306/shop'), ...limits })
  .strict()
  .refine((s) => s.maxCellBytes <= s.maxResultBytes, { message: 'maxCellBytes must not exceed maxResultBytes', path: ['maxCellBytes'] });
const sqliteSource = z
  .object({ name, kind: z.literal('sqlite'), path: z.string().min(1), ...limits })
  .strict()
  .refine((s) => s.maxCellBytes <= s.maxResultBytes, { message: 'maxCellBytes must not exceed maxResultBytes', path: ['maxCellBytes'] });

const duckdbSource = z
  .object({
    name,
    kind: z.literal('duckdb'),
    /**
     * Directories whose files (CSV, Parquet, JSON, with their subdirectories) queries may read;
     * DuckDB opens no other path. Relative to the working directory; each must exist.
     */
    allowedDirs: z.array(z.string().min(1)).min(1, 'list at least one directory whose files queries may read'),
    /** Memory DuckDB may use for one query's joins, sorts and aggregates (it never spills to disk). */
    memoryLimitMiB: z.number().int().min(64).max(65_536).default(256),
    ...limits,
    /** Reader processes (queries at once); each may take up to 768 MiB with the defaults, so fewer. */
    poolSize: z.number().int().positive().max(100).default(2),
  })
  .strict()
  .refine((s) => s.maxCellBytes <= s.maxResultBytes, { message: 'maxCellBytes must not exceed maxResultBytes', path: ['maxCellBytes'] });

export const dataSourceSchema = z.discriminatedUnion('kind', [postgresSource, mysqlSource, sqliteSource, duckdbSource]);
export type DataSourceConfig = z.infer<typeof dataSourceSchema>;
/** A data source as written in lookout.config.yml: the limits may be left out. */
export type DataSourceInput = z.input<typeof dataSourceSchema>;

/** A source with the file's defaults applied, for code that builds one directly (demo, tests, benches). */
export function dataSourceConfig<K extends DataSourceConfig['kind']>(
  input: Extract<DataSourceInput, { kind: K }>,
): Extract<DataSourceConfig, { kind: K }> {
  const parsed = dataSourceSchema.safeParse(input);
  if (!parsed.success) throw firstIssue(parsed.error, `dataSources(${input.name}).`);
  // A DuckDB source's directories are checked here too; other paths are left as given.
  const source = parsed.data.kind === 'duckdb' ? withPaths(parsed.data, process.cwd(), `dataSources(${input.name})`) : parsed.data;
  return source as Extract<DataSourceConfig, { kind: K }>;
}

/**
 * A directory as the operating system finds it (symlinks resolved, as DuckDB compares paths),
 * or a ConfigError naming the setting: a source whose directory is missing stops start-up.
 */
function realDirectory(dir: string, setting: string): string {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    throw new ConfigError(setting, `directory ${dir} does not exist or Lookout cannot reach it`);
  }
  if (!statSync(real).isDirectory()) throw new ConfigError(setting, `${dir} is not a directory`);
  if (real === '/') throw new ConfigError(setting, 'must be a directory of data files, not the whole file system');
  return real;
}

/** Paths in a source made absolute from `cwd`; a DuckDB source's directories checked to exist. */
function withPaths(source: DataSourceConfig, cwd: string, setting: string): DataSourceConfig {
  switch (source.kind) {
    case 'sqlite':
      return { ...source, path: resolve(cwd, source.path) };
    case 'duckdb':
      return { ...source, allowedDirs: source.allowedDirs.map((dir, i) => realDirectory(resolve(cwd, dir), `${setting}.allowedDirs[${i}]`)) };
    default:
      return source;
  }
}

const fileSchema = z
  .object({
    dataSources: z.array(dataSourceSchema).default([]),
    admins: z.array(z.string()).default([]),
    screenshots: z
      .object({
        /** Hosts the browser may open: exact names or "*.example.com". Empty: screenshots are off. */
        allowedHosts: z.array(z.string().min(1)).default([]),
        /** Let the browser open loopback addresses (127.0.0.1, ::1): only for a dashboard on this machine. */
        allowLoopback: z.boolean().default(false),
        /**
         * Credentials the browser sends (never typed in Slack), per origin: "https://host[:port]" or
         * "http://host[:port]"; a bare "host[:port]" means https. They go to that exact origin only.
         */
        auth: z
          .record(
            z.string(),
            z
              .object({
                headers: z.record(z.string(), z.string()).default({}),
                cookies: z
                  .array(z.object({ name: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a cookie name (letters, digits, no "=" or ";")'), value: z.string().regex(/^[^;\r\n]*$/, 'must not hold ";" or a line break') }).strict())
                  .default([]),
                /** When not empty, only these Slack users (and admins) may capture with them; the data sources' rule. */
                allowedUsers: z.array(z.string()).default([]),
              })
              .strict(),
          )
          .default({})
          .superRefine((auth, ctx) => {
            const origins = authOrigins(Object.keys(auth));
            if (!origins.ok) ctx.addIssue({ code: 'custom', path: [origins.key], message: origins.reason });
          }),
      })
      .strict()
      .default({ allowedHosts: [], allowLoopback: false, auth: {} }),
    alerts: z
      .object({
        /** Series one alert may follow (distinct label values); a result with more is an ERROR that says so. */
        maxSeries: z.number().int().min(1).max(1000).default(100),
      })
      .strict()
      .default({ maxSeries: 100 }),
    /** A directory of alert files Lookout applies at start and when they change (issue 5/6). */
    alertsDir: z.string().min(1).optional(),
    /** The admin (Slack user id) the CLI and alertsDir act as; every change they make records it. */
    alertsActor: z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id (U…)').optional(),
    slack: z
      .object({
        /** Posts per second to one channel; Slack takes about one (more is answered with 429). */
        channelPostsPerS: z.number().positive().max(10).default(SLACK_POSTS.channelPostsPerS),
        /** Posts that may wait per channel; one more fails at once with a sentence. */
        channelQueueMax: z.number().int().min(1).max(100_000).default(SLACK_POSTS.channelQueueMax),
        storm: z
          .object({
            /** More firing messages than this for one channel go as a digest. */
            threshold: z.number().int().min(1).max(1000).default(SLACK_POSTS.storm.threshold),
            /** Seconds within which arrivals count towards the threshold. */
            windowS: z.number().int().min(1).max(3600).default(SLACK_POSTS.storm.windowS),
          })
          .strict()
          .default(SLACK_POSTS.storm),
      })
      .strict()
      .default(SLACK_POSTS),
  })
  .strict();

/** A whole number in plain decimal digits ("0x10" or "1e3" are refused, not read as 16 or 1000). */
const intFromEnv = (fallback: number, min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((v) => v ?? fallback);

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb://').optional(),
  DATA_DIR: z.string().default('./data'),
  LOOKOUT_CONFIG: z.string().optional(),
  ADMIN_USER_IDS: z.string().default(''),
  SHARDS: intFromEnv(16, 1, 1024),
  EVAL_CONCURRENCY: intFromEnv(DEFAULT_EVAL_CONCURRENCY, 1, 1000),
  EVAL_RESULT_MEMORY_MB: intFromEnv(DEFAULT_RESULT_MEMORY_MB, 16, 1_048_576),
  DISPATCH_LEAD_S: intFromEnv(DEFAULT_DISPATCH_LEAD_S, 0, 30),
  INSTANCE_NAME: z.string().optional(),
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'must be a bot token (xoxb-…)').optional(),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'must be an app-level token (xapp-…) with connections:write').optional(),
  SLACK_API_URL: z.string().url('must be a URL such as https://slack.com/api/').optional(),
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  /** Browser pages open at once per process. */
  CAPTURE_CONCURRENCY: intFromEnv(2, 1, 32),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps:// (e.g. smtp://user:pass@mail.example.com:587)')
    .optional(),
  EMAIL_FROM: z.string().min(3).default('Lookout <lookout@localhost>'),
  /** Rows written to a CSV attachment at most. */
  CSV_MAX_ROWS: intFromEnv(10_000, 1, 1_000_000),
  /** Port for /healthz and /metrics; unset: no HTTP server. 0: one the OS picks (tests). */
  HTTP_PORT: z.string().regex(/^\d{1,5}$/, 'must be a port number in decimal digits').transform(Number).pipe(z.number().int().min(0).max(65535)).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Overrides alertsDir of the config file. */
  ALERTS_DIR: z.string().min(1).optional(),
  /** Overrides alertsActor of the config file. */
  ALERTS_ACTOR: z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id (U…)').optional(),
});

export interface Config {
  store: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string } | { kind: 'mongo'; url: string };
  dataSources: DataSourceConfig[];
  admins: string[];
  screenshots: {
    allowedHosts: string[];
    allowLoopback: boolean;
    auth: Record<string, { headers: Record<string, string>; cookies: { name: string; value: string }[]; allowedUsers: string[] }>;
    chromiumPath: string;
    concurrency: number;
  };
  /** Null when SMTP_URL is not set: email recipients then fail with a sentence saying so. */
  email: { smtpUrl: string; from: string } | null;
  content: { csvMaxRows: number };
  alerts: { maxSeries: number };
  /**
   * Alerts as code (issue 5/6): the directory of alert files Lookout applies (absolute; null: none)
   * and the admin the CLI and that directory act as (null: the CLI needs --as; no directory).
   */
  code: { alertsDir: string | null; actor: string | null };
  /** How posts to one Slack channel are paced, and when firing messages go as a storm digest. */
  slackPosts: { channelPostsPerS: number; channelQueueMax: number; storm: { threshold: number; windowS: number } };
  /**
   * leadS: seconds before a minute its due ticks are claimed (DISPATCH_LEAD_S); resultMemoryMb: the
   * result bytes evaluations may hold at once (EVAL_RESULT_MEMORY_MB). The defaults when absent.
   */
  scheduler: { shards: number; concurrency: number; instance: string; leadS?: number; resultMemoryMb?: number };
  /** Null when HTTP_PORT is not set. */
  http: { port: number } | null;
  /** Null when no Slack tokens are set: Lookout then logs what it would send. */
  slack: { botToken: string; appToken: string; apiUrl: string | undefined } | null;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

type Env = Record<string, string | undefined>;

/** A MongoDB URL whose path names a database: scheme, hosts (with any credentials), /name. */
const MONGODB_DATABASE = /^mongodb(\+srv)?:\/\/[^/?#]+\/[^/?#\s."$]+/;

/** Replaces ${VAR} in the config file with the environment's value, so secrets stay in env. */
function interpolate(text: string, env: Env, file: string): string {
  return text.replace(/\$\{([A-Z0-9_]+)\}/g, (_, variable: string) => {
    const value = env[variable];
    if (value === undefined) throw new ConfigError(variable, `is used in ${file} but not set`);
    return value;
  });
}

function firstIssue(error: z.ZodError, prefix: string): ConfigError {
  const issue = error.issues[0];
  const path = issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') ?? '';
  const setting = `${prefix}${path}`.replace(/^\./, '') || prefix;
  return new ConfigError(setting, issue?.message ?? 'is not valid');
}

function readFile(path: string, env: Env): z.infer<typeof fileSchema> {
  let raw: unknown;
  try {
    raw = parseYaml(interpolate(readFileSync(path, 'utf8'), env, path)) ?? {};
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(path, `cannot be read as YAML (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw firstIssue(parsed.error, `${path}: `);
  const names = new Set<string>();
  parsed.data.dataSources.forEach((source, i) => {
    if (names.has(source.name)) throw new ConfigError(`${path}: dataSources[${i}].name`, `"${source.name}" is used twice`);
    names.add(source.name);
  });
  return parsed.data;
}

/**
 * Reads and validates every setting. `cwd` resolves relative paths; `env` defaults to
 * process.env. Throws ConfigError naming the first bad setting.
 */
/** screenshots.auth's keys with their allowedUsers, without the credentials: who may capture with them. */
export function screenshotCredentialUsers(config: Pick<Config, 'screenshots'>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(config.screenshots.auth).map(([key, entry]) => [key, entry.allowedUsers]));
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const parsedEnv = envSchema.safeParse(env);
  if (!parsedEnv.success) throw firstIssue(parsedEnv.error, '');
  const e = parsedEnv.data;
  if (e.DATABASE_URL && e.MONGODB_URL) {
    throw new ConfigError('MONGODB_URL', 'set DATABASE_URL or MONGODB_URL, not both');
  }
  if ((e.SLACK_BOT_TOKEN === undefined) !== (e.SLACK_APP_TOKEN === undefined)) {
    throw new ConfigError(
      e.SLACK_BOT_TOKEN === undefined ? 'SLACK_BOT_TOKEN' : 'SLACK_APP_TOKEN',
      'set both SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode needs both), or neither',
    );
  }
  // The store and Agenda each open the URL's database; without one both would use the
  // driver's default, "test".
  if (e.MONGODB_URL && !MONGODB_DATABASE.test(e.MONGODB_URL)) {
    throw new ConfigError('MONGODB_URL', 'name the database in its path, e.g. mongodb://db.example.com:27017/lookout');
  }

  const explicit = e.LOOKOUT_CONFIG !== undefined;
  const path = resolve(cwd, e.LOOKOUT_CONFIG ?? 'lookout.config.yml');
  if (explicit && !existsSync(path)) throw new ConfigError('LOOKOUT_CONFIG', `file ${path} does not exist`);
  const file = existsSync(path) ? readFile(path, env) : fileSchema.parse({});

  const dataSources = file.dataSources.map((s, i) => withPaths(s, cwd, `${path}: dataSources[${i}]`));
  const admins = [
    ...new Set([...file.admins, ...e.ADMIN_USER_IDS.split(',').map((s) => s.trim()).filter(Boolean)]),
  ];

  const alertsDir = e.ALERTS_DIR ?? file.alertsDir;
  const actor = e.ALERTS_ACTOR ?? file.alertsActor ?? null;
  if (actor !== null && !admins.includes(actor)) {
    throw new ConfigError(e.ALERTS_ACTOR ? 'ALERTS_ACTOR' : 'alertsActor', `${actor} must be one of the admins (admins or ADMIN_USER_IDS): alerts as code act as an admin`);
  }
  if (alertsDir !== undefined && actor === null) {
    throw new ConfigError(e.ALERTS_DIR ? 'ALERTS_DIR' : 'alertsDir', 'needs alertsActor (or ALERTS_ACTOR): the admin the alert files act as, recorded on every change they make');
  }

  return {
    store: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : e.MONGODB_URL
        ? { kind: 'mongo', url: e.MONGODB_URL }
        : { kind: 'pglite', dataDir: resolve(cwd, e.DATA_DIR) },
    dataSources,
    admins,
    screenshots: { ...file.screenshots, chromiumPath: e.CHROMIUM_PATH, concurrency: e.CAPTURE_CONCURRENCY },
    email: e.SMTP_URL ? { smtpUrl: e.SMTP_URL, from: e.EMAIL_FROM } : null,
    content: { csvMaxRows: e.CSV_MAX_ROWS },
    alerts: file.alerts,
    code: { alertsDir: alertsDir === undefined ? null : resolve(cwd, alertsDir), actor },
    slackPosts: file.slack,
    scheduler: {
      shards: e.SHARDS,
      concurrency: e.EVAL_CONCURRENCY,
      resultMemoryMb: e.EVAL_RESULT_MEMORY_MB,
      leadS: e.DISPATCH_LEAD_S,
      instance: e.INSTANCE_NAME ?? `${process.pid}@${env.HOSTNAME ?? 'local'}`,
    },
    slack:
      e.SLACK_BOT_TOKEN && e.SLACK_APP_TOKEN
        ? {
            botToken: e.SLACK_BOT_TOKEN,
            appToken: e.SLACK_APP_TOKEN,
            // WebClient joins method names onto it: it must end with a slash.
            apiUrl: e.SLACK_API_URL === undefined ? undefined : e.SLACK_API_URL.replace(/\/?$/, '/'),
          }
        : null,
    http: e.HTTP_PORT === undefined ? null : { port: e.HTTP_PORT },
    logLevel: e.LOG_LEVEL,
  };
}

/** A Config with the defaults loadConfig would give; for code that builds one directly (demo, tests, benches). */
export function makeConfig(parts: Pick<Config, 'store' | 'dataSources' | 'scheduler'> & Partial<Config>): Config {
  return {
    admins: [],
    slack: null,
    email: null,
    logLevel: 'silent',
    content: { csvMaxRows: 10_000 },
    alerts: { maxSeries: 100 },
    code: { alertsDir: null, actor: null },
    slackPosts: SLACK_POSTS,
    http: null,
    ...parts,
    screenshots: {
      allowedHosts: [],
      allowLoopback: false,
      auth: {},
      chromiumPath: '/usr/bin/chromium',
      concurrency: 2,
      ...parts.screenshots,
    },
  };
}
