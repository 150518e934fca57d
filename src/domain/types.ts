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

export type Recipient =
  | { kind: 'slack_channel'; id: string }
  | { kind: 'slack_user'; id: string }
  | { kind: 'email'; address: string };

/** Everything a person sets on an alert or report. */
export interface AlertSpec {
  name: string;
  description: string;
  owners: string[];
  type: AlertType;
  dataSource: string;
  sql: string;
  /** Required for alerts; null for reports, which send every time. */
  condition: Condition | null;
  schedule: Schedule;
  gracePeriodS: number;
  workingTimeoutS: number;
  logRetentionDays: number;
  content: Content;
  messageTemplate: string | null;
  recipients: Recipient[];
  emailFallback: boolean;
  notifyOnRecovery: boolean;
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
}

export interface Alert extends AlertSpec, AlertRuntime {
  id: string;
  active: boolean;
  snoozedUntil: Date | null;
  /** Next scheduled tick; null while paused. */
  nextRunAt: Date | null;
  shard: number;
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
  ownersNotified: boolean;
  queryMs: number | null;
  deliveryMs: number | null;
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
} as const;

/** A cell as Lookout sees it: drivers' numeric types arrive as numbers, dates as ISO text. */
export type Cell = string | number | boolean | null;

/** What a query returned, capped at the data source's row cap. */
export interface QueryResult {
  columns: string[];
  rows: Cell[][];
  /** True when the query had more rows than the cap and the rest were not fetched. */
  truncated: boolean;
}
