// Shared vocabulary of Lookout (DESIGN.md, "Words"). Plain data only: no I/O, no classes.

export type AlertType = 'alert' | 'report';

/** Operators compared against a single numeric value. */
export type NumericOperator = '>' | '>=' | '<' | '<=' | '==' | '!=';
/** Every condition an alert can hold. */
export type Operator = NumericOperator | 'not null' | 'rows exist' | 'no rows';

export const NUMERIC_OPERATORS: readonly NumericOperator[] = ['>', '>=', '<', '<=', '==', '!='];
export const OPERATORS: readonly Operator[] = [...NUMERIC_OPERATORS, 'not null', 'rows exist', 'no rows'];

export type Condition =
  | { op: NumericOperator; threshold: number }
  | { op: 'not null' | 'rows exist' | 'no rows' };

/**
 * What each series yields for its condition (issue 3/6). `value` is the single value a query
 * returns (per series); `row_count` the rows (per series); `freshness` the age in seconds of a
 * timestamp; `change` how far the value moved since the series' previous scheduled evaluation;
 * `new_rows` rows whose key was not seen before (sent one by one, no thresholds).
 */
export type Measure =
  | { kind: 'value' }
  | { kind: 'row_count' }
  | {
      kind: 'freshness';
      /** The column whose newest value is the timestamp; null: the single value column. */
      column: string | null;
    }
  | {
      kind: 'change';
      mode: ChangeMode;
      direction: ChangeDirection;
      /** Only when the previous value was at least this (in absolute terms); null: always. */
      floor: number | null;
    }
  | {
      kind: 'new_rows';
      keyColumn: string;
      /** Rows sent per tick at most; the rest are summarised ("and 37 more"). */
      maxPerTick: number;
      /** The first run sends its rows too, instead of only recording their keys. */
      sendFirstRun: boolean;
      /** Days a seen key is remembered. */
      retentionDays: number;
    };

export type MeasureKind = Measure['kind'];
export const MEASURE_KINDS: readonly MeasureKind[] = ['value', 'row_count', 'freshness', 'change', 'new_rows'];
export type ChangeMode = 'absolute' | 'percent';
export type ChangeDirection = 'up' | 'down' | 'either';

/** A series' severity while its condition holds: `condition` is critical, `warning` the level below. */
export type Level = 'warning' | 'critical';

/** A 5-field cron expression evaluated in an IANA timezone. */
export interface Schedule {
  cron: string;
  timezone: string;
}

export type ChartType = 'line' | 'bar' | 'area' | 'pie' | 'table';
export const CHART_TYPES: readonly ChartType[] = ['line', 'bar', 'area', 'pie', 'table'];

export type Content =
  | { kind: 'none' }
  | ({ kind: 'csv' } & CsvOptions)
  | ({
      kind: 'chart';
      chart: ChartType;
      /** Attach the result as CSV too. */
      csv: boolean;
      /** In Slack, Slack's own chart when the data fit (else the PNG); false: always the PNG. */
      native: boolean;
    } & CsvOptions)
  | ({
      kind: 'screenshot';
      /** What the browser opens (may be an internal address). */
      url: string;
      /** What people are shown, when it differs from `url`. */
      linkUrl: string | null;
      width: number;
      height: number;
      /** Device scale factor (2 for sharp text on high-density screens). */
      scale: number;
      /** Capture only this element, when set. */
      selector: string | null;
      /** The whole scrollable page instead of the viewport (ignored with `selector`). */
      fullPage: boolean;
      /** Wait until this CSS selector is on the page (the dashboard has loaded). */
      waitFor: string | null;
      /** Wait until this CSS selector is gone (a loading spinner). */
      waitForGone: string | null;
      /** Attach the result as CSV too. */
      csv: boolean;
    } & CsvOptions);

export type CsvOptions = {
  /** Start the CSV with a UTF-8 byte order mark, so spreadsheet programs read it as UTF-8. */
  bom: boolean;
  /**
   * Leave text cells that start with = + - @, a tab or a CR as they are. Off (the default), such
   * cells get a leading ' so a spreadsheet shows them instead of running them (OWASP CSV injection).
   */
  keepFormulas: boolean;
};

/**
 * Where an alert's messages go. `levels` routes by level (issue 4/6): a recipient with
 * ['critical'] gets only critical firing, escalation and their reminders; absent or empty: every
 * level. Resolved messages go to each recipient that was sent the incident (it has a thread).
 */
export type Recipient = (
  | { kind: 'slack_channel'; id: string }
  | { kind: 'slack_user'; id: string }
  | { kind: 'email'; address: string }
) & { levels?: Level[] };

/**
 * How a firing alert reminds people while nobody acknowledges it (issue 4/6). `grace`: a repeat
 * each time the grace period has passed (as before 4/6). `backoff`: a reminder in the thread after
 * `firstS`, then after an interval multiplied by `factor` each time, at most `capS`.
 */
export type ReminderPolicy = { mode: 'grace' } | { mode: 'backoff'; firstS: number; factor: number; capS: number };

/**
 * A weekly window in which nothing is sent. `days`: 0 = Sunday … 6 = Saturday, the days the
 * window starts on; `from`/`to`: HH:MM local time; a window with `to` ≤ `from` runs overnight
 * into the next day (20:00–08:00).
 */
export interface QuietWindow {
  days: number[];
  from: string;
  to: string;
}

export interface QuietHours {
  /** IANA timezone the windows are read in. */
  timezone: string;
  windows: QuietWindow[];
}

/** Who a firing message mentions at each level: Slack user ids (U…, W…) and user group ids (S…). */
export interface LevelMentions {
  warning: string[];
  critical: string[];
}

/** Who acknowledged the alert's open incident, when, and in which channel (issue 4/6). */
export interface Acknowledgement {
  by: string;
  at: Date;
  channel: string;
}

/** An admin's "mute everything" for maintenance (`/alert mute all 2h`). */
export interface Mute {
  until: Date;
  by: string;
  at: Date;
}

/** Everything a person sets on an alert or report. */
export interface AlertSpec {
  /** Stable and unique (domain/alert-key.ts): what alert files name an alert by. */
  key: string;
  name: string;
  description: string;
  owners: string[];
  type: AlertType;
  dataSource: string;
  sql: string;
  /** Required for alerts; null for reports, which send every time. With `warning`, the critical level. */
  condition: Condition | null;
  /** What each series yields for the condition; `{ kind: 'value' }` for alerts made before issue 3/6. */
  measure: Measure;
  /** Label columns: each distinct combination of their values is a series with its own state; []: one. */
  labels: string[];
  /** The warning level: when it holds and `condition` does not, a series is at warning. */
  warning: Condition | null;
  /** Consecutive scheduled ticks the condition must hold before a series fires (1: at once). */
  pendingTicks: number;
  /** Scheduled ticks a firing series stays firing after its condition stops holding (0: resolves at once). */
  keepFiringTicks: number;
  schedule: Schedule;
  gracePeriodS: number;
  workingTimeoutS: number;
  logRetentionDays: number;
  content: Content;
  messageTemplate: string | null;
  recipients: Recipient[];
  emailFallback: boolean;
  notifyOnRecovery: boolean;
  /** Repeats by grace period, or reminders that back off (issue 4/6). */
  reminders: ReminderPolicy;
  /** Windows in which nothing is sent; null: none. */
  quietHours: QuietHours | null;
  /** A result column of emails or Slack user ids: firing rows mention those people; null: none. */
  mentionColumn: string | null;
  /** Fixed mentions per level. */
  mentions: LevelMentions;
}

export type ExecutionState = 'WORKING' | 'SKIPPED' | 'NOOP' | 'GRACE' | 'SUCCESS' | 'ERROR' | 'UNKNOWN';
export const FINAL_STATES: readonly ExecutionState[] = ['SKIPPED', 'NOOP', 'GRACE', 'SUCCESS', 'ERROR', 'UNKNOWN'];

/**
 * What Lookout keeps between ticks of one alert. It is a projection of the execution log,
 * kept on the alert so a tick reads one row instead of searching the log.
 */
export interface AlertRuntime {
  lastState: ExecutionState | null;
  lastEvaluatedAt: Date | null;
  lastSentAt: Date | null;
  /** Scheduled time of the last tick whose send succeeded: the grace period counts from it. */
  lastSentTick: Date | null;
  /** Set while the condition holds (alerts only); cleared on recovery. */
  firingSince: Date | null;
  /** When owners were last told of an error; null after any run that succeeded. */
  lastErrorNoticeAt: Date | null;
  /** Per-recipient references of the firing message (e.g. Slack channel:ts) for threads. */
  threads: Record<string, string>;
  /**
   * Per recipient, the delivery's word on what its thread's first message shows now (Slack: whose
   * message it is and the status last drawn on it), handed back with the next message to that
   * thread, so that whichever instance sends it rewrites the first message only when that changed
   * and never has to ask Slack whose it is. Opaque here; cleared with the threads.
   */
  drawn: Record<string, string>;
  /** Each series' state by series key (domain/series.ts); {} until an evaluation records one. */
  series: Record<string, SeriesState>;
  /** New-rows alerts: when the first run recorded the keys it saw (it sends nothing unless asked). */
  keysSeededAt: Date | null;
  /** The open incident's acknowledgement; cleared on resolution and on escalation. */
  ack: Acknowledgement | null;
  /** Reminders sent in the open incident, and the scheduled tick of the last (backoff counts from it). */
  reminded: { sent: number; lastTick: Date | null };
  /** Since when messages have been held by quiet hours or a mute; null when none is held. */
  heldSince: Date | null;
}

export type SeriesStatus = 'normal' | 'pending' | 'firing';

/** One series of an alert between ticks (DESIGN.md, "Series"). */
export interface SeriesState {
  /** Label column → value as text; {} for an alert without labels. */
  labels: Record<string, string>;
  status: SeriesStatus;
  /** The level it fires (or would fire) at; null while normal. */
  level: Level | null;
  /** Consecutive scheduled ticks its condition held. */
  held: number;
  /** Consecutive scheduled ticks it has not held while firing (keep-firing). */
  quiet: number;
  /** Scheduled tick it started firing at. */
  since: Date | null;
  /** Scheduled tick of the last message that named it as firing: its grace counts from there. */
  lastSentTick: Date | null;
  /** Its value at the last scheduled evaluation that gave one: the baseline for change. */
  value: number | null;
}

export interface Alert extends AlertSpec, AlertRuntime {
  id: string;
  active: boolean;
  snoozedUntil: Date | null;
  /** Next scheduled tick; null while paused. */
  nextRunAt: Date | null;
  shard: number;
  /**
   * The alert file that defines it ('team/sales.yml', relative to alertsDir or to where the CLI
   * ran), or null for an alert made in Slack. Such an alert is changed in its file, not in Slack.
   */
  managedBy: string | null;
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
}

export type Trigger = 'schedule' | 'run_now' | 'takeover';

export interface DeliveryRecord {
  /** Stable key of the recipient, see recipientKey(). */
  recipient: string;
  ok: boolean;
  /** True when the outcome is not known (the request may have reached the far side). */
  unknown: boolean;
  error: string | null;
  /** A reference for threading or updating, e.g. the Slack message ts. */
  ref: string | null;
  /** Set when content (image, CSV) could not be attached but the message went out. */
  note: string | null;
  /** Set when Slack failed and the message went by email instead: the addresses used. */
  fallback?: string | null;
  /** What showed the chart or screenshot: Slack's own chart block, or the PNG. */
  picture?: 'native' | 'image';
  /**
   * An unknown outcome looked up afterwards (services/reconcile): `found`, the message had
   * arrived (ok and ref set now); `missing`, it had not; `gave_up`, Slack did not answer in time.
   */
  reconciled?: 'found' | 'missing' | 'gave_up';
  /** The message went out inside a storm digest (delivery/slack): `ref` is the digest's ts. */
  digest?: boolean;
  /** What the thread's first message shows after this send (AlertRuntime.drawn). */
  drawn?: string;
}

export interface Execution {
  id: string;
  alertId: string;
  scheduledAt: Date;
  trigger: Trigger;
  state: ExecutionState;
  reason: string | null;
  /** The evaluated value as shown to people (alerts), or null. */
  value: string | null;
  rowCount: number | null;
  instance: string;
  /** 1 for the first claim, 2 after a takeover of a dead instance's claim. */
  attempt: number;
  startedAt: Date;
  finishedAt: Date | null;
  /** Set just before the first delivery: past this point a retry could send twice. */
  sendStartedAt: Date | null;
  deliveries: DeliveryRecord[];
  /** What each series did in this run (alerts with labels, levels or a measure other than the value); [] otherwise. */
  series: SeriesOutcome[];
  ownersNotified: boolean;
  queryMs: number | null;
  deliveryMs: number | null;
}

/** What happened to a series in one run, for history. */
export type SeriesEvent =
  | 'fired'
  | 'escalated'
  | 'deescalated'
  | 'repeat'
  | 'grace'
  | 'pending'
  | 'keeping'
  | 'resolved'
  | 'normal'
  | 'recorded'
  | 'no_data';

export interface SeriesOutcome {
  key: string;
  labels: Record<string, string>;
  event: SeriesEvent;
  status: SeriesStatus;
  level: Level | null;
  /** The value as shown (the measure: a value, a row count, an age, a change). */
  value: string | null;
  /** Why, in a few words: "7.2 > 5", "held 2 of 3 checks", "not in the result". */
  reason: string;
}

export function recipientKey(r: Recipient): string {
  switch (r.kind) {
    case 'slack_channel':
      return `channel:${r.id}`;
    case 'slack_user':
      return `user:${r.id}`;
    case 'email':
      return `email:${r.address}`;
  }
}

/** Defaults for fields a person may leave empty. */
export const DEFAULTS = {
  gracePeriodS: 3600,
  workingTimeoutS: 300,
  logRetentionDays: 90,
  screenshotWidth: 1920,
  screenshotHeight: 1080,
  screenshotScale: 1,
  pendingTicks: 1,
  keepFiringTicks: 0,
  newRowsPerTick: 20,
  newRowsRetentionDays: 30,
} as const;

/** What an alert made before issue 3/6 has: one series, the single value, one level, no waiting. */
export const LEGACY_RULES = {
  measure: { kind: 'value' },
  labels: [],
  warning: null,
  pendingTicks: 1,
  keepFiringTicks: 0,
} as const satisfies Pick<AlertSpec, 'measure' | 'labels' | 'warning' | 'pendingTicks' | 'keepFiringTicks'>;

/** What an alert made before issue 4/6 has: repeats by grace, no quiet hours, no mentions. */
export const LEGACY_TRIAGE = {
  reminders: { mode: 'grace' },
  quietHours: null,
  mentionColumn: null,
  mentions: { warning: [], critical: [] },
} as const satisfies Pick<AlertSpec, 'reminders' | 'quietHours' | 'mentionColumn' | 'mentions'>;

/** The runtime of an alert that has no open incident (issue 4/6 fields). */
export const NO_TRIAGE_RUNTIME = {
  ack: null,
  reminded: { sent: 0, lastTick: null },
  heldSince: null,
} as const satisfies Pick<AlertRuntime, 'ack' | 'reminded' | 'heldSince'>;

/** A cell as Lookout sees it: drivers' numeric types arrive as numbers, dates as ISO text. */
export type Cell = string | number | boolean | null;

/** What a query returned, capped at the data source's row cap. */
export interface QueryResult {
  columns: string[];
  rows: Cell[][];
  /** True when the query had more rows than the cap and the rest were not fetched. */
  truncated: boolean;
}
