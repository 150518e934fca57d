// What Test query shows in the modal: the first rows of what the SQL returned (or the
// database's message) and, for alerts, what the draft's rules make of it at the next scheduled
// check: the one series in a sentence, or each series on a line (issue 3/6), or for a new-rows
// alert how many rows and keys came back and what its first run does with them.
import type { SeriesItem } from '../domain/decide-result.js';
import { describeLabels } from '../domain/series.js';
import type { Level, QueryResult } from '../domain/types.js';
import type { Inline, MessageDoc, Part } from './document.js';
import { resultTable } from './result-table.js';
import { capitalise, rowsSummary } from './sentences.js';

/** Series listed one per line before "…and N more series". */
export const SERIES_SHOWN = 10;

/** What one series would do at the next scheduled check: a series item, with its keep-firing count. */
export type SeriesVerdict = Omit<SeriesItem, 'key' | 'since'> & {
  /** Consecutive scheduled checks it has not held while firing (keep-firing). */
  quiet: number;
};

export type TestVerdict =
  /** The draft's rules cannot be read yet: each problem as "field: message". */
  | { kind: 'unchecked'; problems: string[] }
  /** As an alert the run would be an ERROR (a label column missing, too many series, a wrong shape). */
  | { kind: 'error'; reason: string }
  | {
      kind: 'series';
      /** What the check would do as a whole. */
      outcome: 'send' | 'resolved' | 'grace' | 'nothing';
      /** The alert has label columns: each series gets a line; otherwise its one series a sentence. */
      labelled: boolean;
      /** The alert has a warning level: levels are named. */
      levelled: boolean;
      pendingTicks: number;
      keepFiringTicks: number;
      /** Every series, the ones that change something first. */
      series: SeriesVerdict[];
    }
  | {
      kind: 'new_rows';
      keyColumn: string;
      rows: number;
      truncated: boolean;
      /** Distinct keys that are not NULL. */
      keys: number;
      /** Rows whose key another row already had (the first counts). */
      repeated: number;
      nullKeys: number;
      /** The alert has recorded keys already (an edit of one that ran). */
      seeded: boolean;
      sendFirstRun: boolean;
      maxPerTick: number;
    };

export type TestQueryResult =
  | {
      ok: true;
      columns: string[];
      /** The first rows, for a preview. */
      rows: QueryResult['rows'];
      rowCount: number;
      truncated: boolean;
      /** For alerts: what the draft's rules make of the result; null for reports. */
      verdict: TestVerdict | null;
    }
  | { ok: false; error: string };

export function testQueryDoc(result: TestQueryResult): MessageDoc {
  if (!result.ok) {
    return { summary: 'Test query failed', parts: [{ kind: 'paragraph', inlines: ['⚠️ ', { bold: 'Test query failed' }] }, { kind: 'code', text: result.error }] };
  }
  const shown = Math.min(result.rows.length, result.rowCount);
  const parts: Part[] = [{ kind: 'paragraph', inlines: [{ bold: 'Test query:' }, ` ${rowsSummary(shown, result.rowCount, result.truncated)}`] }];
  if (result.verdict !== null) parts.push(...verdictParts(result.verdict));
  const table = resultTable({ columns: result.columns, rows: result.rows, truncated: false });
  if (table !== null) parts.push({ kind: 'table', table: { ...table, total: result.rowCount, truncated: result.truncated } });
  return { summary: 'Test query', parts };
}

function verdictParts(verdict: TestVerdict): Part[] {
  switch (verdict.kind) {
    case 'unchecked':
      return [{ kind: 'paragraph', inlines: [`⚪ Not checked against the condition yet: ${verdict.problems.join('; ')}.`] }];
    case 'error':
      return [{ kind: 'paragraph', inlines: [`⚠️ As an alert this would fail: ${verdict.reason}.`] }];
    case 'new_rows':
      return [{ kind: 'paragraph', inlines: newRowsLine(verdict) }];
    case 'series':
      return verdict.labelled ? seriesParts(verdict) : [{ kind: 'paragraph', inlines: singleLine(verdict, verdict.series[0]) }];
  }
}

type SeriesOf = Extract<TestVerdict, { kind: 'series' }>;

/** An alert without labels: its one series, said as a sentence. */
function singleLine(v: SeriesOf, s: SeriesVerdict | undefined): Inline[] {
  if (s === undefined) return ['⚪ Nothing to compare: no rows.'];
  const holds: Inline[] = ['The condition holds', ...(v.levelled && s.level !== null ? [` at ${s.level}`] : []), ...(s.value !== null ? [' (value ', { bold: s.value }, ')'] : [])];
  const dot = emoji(s.level);
  switch (s.event) {
    case 'fired':
    case 'repeat':
      return [`${dot} `, ...holds, ': this would send.'];
    case 'escalated':
    case 'deescalated':
      return [`${dot} `, ...holds, `: this would send (it was firing at ${s.level === 'critical' ? 'warning' : 'critical'}).`];
    case 'grace':
      return ['🔕 ', ...holds, ', but a message went out within the grace period: nothing would be sent now.'];
    case 'pending':
      return ['🟡 ', ...holds, `: held ${checks(s.held, v.pendingTicks)} in a row, so nothing is sent yet.`];
    case 'keeping':
      return [`🟠 The condition does not hold (${s.reason}), but it keeps firing: quiet ${checks(s.quiet, v.keepFiringTicks)}.`];
    case 'resolved':
      return [`✅ The condition does not hold: ${s.reason}. This would send "resolved".`];
    case 'normal':
      return [`🟢 The condition does not hold: ${s.reason}.`];
    case 'recorded':
      return [`⚪ ${capitalise(s.reason)}.`];
    case 'no_data':
      return [`⚪ Nothing to compare: ${s.reason}.`];
  }
}

/** An alert with labels: what the check does, then each series on a line, the first few. */
function seriesParts(v: SeriesOf): Part[] {
  const firing = v.series.filter((s) => ['fired', 'repeat', 'escalated', 'deescalated', 'grace', 'keeping'].includes(s.event)).length;
  const pending = v.series.filter((s) => s.event === 'pending').length;
  const counts = [`${v.series.length} series`, ...(firing > 0 ? [`${firing} firing`] : []), ...(pending > 0 ? [`${pending} pending`] : [])].join(', ');
  const head = `${OUTCOME_WORDS[v.outcome]} (${counts}).`;
  const items = v.series.slice(0, SERIES_SHOWN).map((s): Inline[] => [{ bold: describeLabels(s.labels) }, `: ${seriesWords(v, s)}`]);
  const more = v.series.length - items.length;
  const parts: Part[] = [{ kind: 'paragraph', inlines: [head] }];
  if (items.length > 0) parts.push({ kind: 'list', items, more: 'more series' });
  if (more > 0) parts.push({ kind: 'paragraph', inlines: [`…and ${more} more series.`] });
  return parts;
}

const OUTCOME_WORDS: Record<SeriesOf['outcome'], string> = {
  send: '🔴 At the next check this would send',
  resolved: '✅ At the next check this would send "resolved"',
  grace: '🔕 Still firing, within the grace period: nothing would be sent',
  nothing: '🟢 Nothing would be sent at the next check',
};

/** "7.2 > 5 — would fire (critical)", "held 2 of 3 checks — pending", "3 is not > 5 — normal". */
function seriesWords(v: SeriesOf, s: SeriesVerdict): string {
  const level = v.levelled && s.level !== null ? ` (${s.level})` : '';
  // The domain's pending reason ends with how long it held; the line says it against the goal.
  const reason = s.reason.replace(/; held \d+ checks?$/, '');
  switch (s.event) {
    case 'fired':
      return `${reason} — would fire${level}`;
    case 'repeat':
      return `${reason} — still firing${level}: would send a reminder`;
    case 'escalated':
      return `${reason} — would go up to ${s.level ?? 'critical'}`;
    case 'deescalated':
      return `${reason} — would come down to ${s.level ?? 'warning'}`;
    case 'grace':
      return `${reason} — still firing${level}, within its grace period`;
    case 'pending':
      return `${reason}; held ${checks(s.held, v.pendingTicks)} — pending`;
    case 'keeping':
      return `${reason} — keeps firing (quiet ${checks(s.quiet, v.keepFiringTicks)})`;
    case 'resolved':
      return `${reason} — would resolve`;
    case 'normal':
      return `${reason} — normal`;
    case 'recorded':
      return s.value !== null ? `first value ${s.value} recorded` : 'first value recorded';
    case 'no_data':
      return `${reason} — no data, its state stays`;
  }
}

function newRowsLine(v: Extract<TestVerdict, { kind: 'new_rows' }>): Inline[] {
  const rows = v.truncated ? `more than ${v.rows} rows` : `${v.rows} ${v.rows === 1 ? 'row' : 'rows'}`;
  const extras = [
    ...(v.repeated > 0 ? [`${v.repeated} repeat a key (the first counts)`] : []),
    ...(v.nullKeys > 0 ? [`${v.nullKeys} with a NULL ${v.keyColumn} ${v.nullKeys === 1 ? 'is' : 'are'} skipped`] : []),
  ];
  const head = `📬 ${rows}, key `;
  const keys = `: ${v.keys} distinct ${v.keys === 1 ? 'key' : 'keys'}${extras.length > 0 ? ` (${extras.join('; ')})` : ''}. `;
  const sent = Math.min(v.keys, v.maxPerTick);
  const what = v.seeded
    ? `Keys it has seen before are not sent again; each row with a new key is, at most ${v.maxPerTick} a check.`
    : v.sendFirstRun
      ? `Its first run sends them as new rows: ${sent} would be sent${v.keys > sent ? ` and ${v.keys - sent} counted` : ''}.`
      : `Its first run records these keys and sends nothing; after that each row with a new key is sent, at most ${v.maxPerTick} a check.`;
  return [head, { code: v.keyColumn }, keys, what];
}

function emoji(level: Level | null): string {
  return level === 'warning' ? '🟠' : '🔴';
}

/** "2 of 3 checks". */
function checks(n: number, of: number): string {
  return `${n} of ${of} ${of === 1 ? 'check' : 'checks'}`;
}
