// Step 4 as tables of cases on a fixed clock: what a result means for an alert's series
// (DESIGN.md, "Series"). Each case feeds the states one tick leaves to the next, as the store does.
import { describe, expect, it } from '@jest/globals';
import { decideOnResult, seriesStatesOf, type ResultDecision, type ResultInput } from '../../../src/domain/decide-result.js';
import { LEGACY_RULES, type Cell, type Condition, type Measure, type QueryResult, type SeriesEvent, type Trigger } from '../../../src/domain/types.js';

const t = (iso: string) => new Date(`2026-11-25T${iso}Z`);
const one = (value: string | number | null): QueryResult => ({ columns: ['v'], rows: [[value]], truncated: false });
const table = (columns: string[], rows: Cell[][]): QueryResult => ({ columns, rows, truncated: false });

type Rules = ResultInput['alert'];
const alertBase: Rules = {
  ...LEGACY_RULES,
  type: 'alert',
  condition: { op: '>', threshold: 10 },
  firingSince: null,
  lastSentTick: null,
  gracePeriodS: 300,
  series: {},
  schedule: { cron: '* * * * *', timezone: 'UTC' },
};

function decide(input: Omit<ResultInput, 'now' | 'maxSeries'> & { now?: Date; maxSeries?: number }): ResultDecision {
  return decideOnResult({ now: input.scheduledAt, maxSeries: 100, ...input });
}

/**
 * Runs `results` as consecutive scheduled ticks a minute apart from 10:00, each delivered, and
 * returns per tick the decision's kind and each series' event ("eu:fired").
 */
function run(alert: Rules, results: QueryResult[], triggers: Trigger[] = []): { kind: string; events: string[]; decision: ResultDecision }[] {
  let current = { ...alert };
  return results.map((result, i) => {
    const scheduledAt = new Date(t('10:00:00').getTime() + i * 60_000);
    const trigger = triggers[i] ?? 'schedule';
    const decision = decide({ alert: current, scheduledAt, trigger, result });
    if (decision.kind === 'error') return { kind: 'error', events: [decision.reason], decision };
    const sent = decision.kind === 'send' && decision.message === 'firing';
    const states = { ...decision.series.states };
    if (sent && trigger !== 'run_now') for (const key of decision.series.sentKeys) if (states[key]) states[key] = { ...states[key], lastSentTick: scheduledAt };
    const firing = Object.values(states).some((s) => s.status === 'firing');
    current = { ...current, series: states, firingSince: firing ? (current.firingSince ?? scheduledAt) : null };
    const events = decision.series.outcomes.map((o) => `${Object.values(o.labels).join('/') || '-'}:${o.event}`);
    return { kind: decision.kind === 'noop' && decision.recovered ? 'resolved' : decision.kind, events, decision };
  });
}

const kinds = (ticks: { kind: string }[]) => ticks.map((x) => x.kind);
const events = (ticks: { events: string[] }[]) => ticks.map((x) => x.events.join(' '));

describe('an alert shaped as before series (one series, one level): the decisions it always had', () => {
  const scheduledAt = t('10:00:00');
  it('a report always sends', () => {
    const d = decide({ alert: { ...alertBase, type: 'report', condition: null }, scheduledAt, trigger: 'schedule', result: one(null) });
    expect(d).toMatchObject({ kind: 'send', message: 'report', value: null });
  });
  it('condition true and nothing sent before → send', () => {
    expect(decide({ alert: alertBase, scheduledAt, trigger: 'schedule', result: one(11) })).toMatchObject({
      kind: 'send',
      message: 'firing',
      value: '11',
    });
  });
  it('condition true while firing, within grace of the last sent tick → grace', () => {
    const alert = { ...alertBase, firingSince: t('09:59:00'), lastSentTick: t('09:59:00') };
    expect(decide({ alert, scheduledAt, trigger: 'schedule', result: one(11) }).kind).toBe('grace');
  });
  it('run now ignores the grace period', () => {
    const alert = { ...alertBase, firingSince: t('09:59:00'), lastSentTick: t('09:59:00') };
    expect(decide({ alert, scheduledAt, trigger: 'run_now', result: one(11) }).kind).toBe('send');
  });
  it('firing again after a recovery is a new incident: it sends even within the grace period', () => {
    const alert = { ...alertBase, firingSince: null, lastSentTick: t('09:59:00') };
    expect(decide({ alert, scheduledAt, trigger: 'schedule', result: one(11) }).kind).toBe('send');
  });
  it('condition false → noop; recovered only if it was firing', () => {
    expect(decide({ alert: alertBase, scheduledAt, trigger: 'schedule', result: one(5) })).toMatchObject({
      kind: 'noop',
      recovered: false,
    });
    const firing = { ...alertBase, firingSince: t('09:00:00') };
    expect(decide({ alert: firing, scheduledAt, trigger: 'schedule', result: one(5) })).toMatchObject({
      kind: 'noop',
      recovered: true,
    });
  });
  it('NULL and no rows are noop and keep a firing alert firing', () => {
    const firing = { ...alertBase, firingSince: t('09:00:00') };
    expect(decide({ alert: firing, scheduledAt, trigger: 'schedule', result: one(null) })).toMatchObject({
      kind: 'noop',
      reason: 'NULL value',
      value: null,
      recovered: false,
    });
    const none: QueryResult = { columns: ['v'], rows: [], truncated: false };
    expect(decide({ alert: firing, scheduledAt, trigger: 'schedule', result: none })).toMatchObject({
      kind: 'noop',
      reason: 'no rows',
      recovered: false,
    });
  });
  it('a bad result is an error with the reason', () => {
    const two: QueryResult = { columns: ['v'], rows: [[1], [2]], truncated: false };
    const d = decide({ alert: alertBase, scheduledAt, trigger: 'schedule', result: two });
    expect(d.kind).toBe('error');
    expect(d.kind === 'error' && d.reason).toContain('returned 2 rows');
  });
});


describe('an alert stored before series existed', () => {
  it('continues the incident it was in: same grace, no second first message', () => {
    const stored = { ...alertBase, firingSince: t('09:58:00'), lastSentTick: t('09:58:00') };
    expect(seriesStatesOf(stored)).toEqual({ '': expect.objectContaining({ status: 'firing', since: t('09:58:00'), lastSentTick: t('09:58:00') }) });
    expect(decide({ alert: stored, scheduledAt: t('10:00:00'), trigger: 'schedule', result: one(11) }).kind).toBe('grace');
    expect(decide({ alert: stored, scheduledAt: t('10:05:00'), trigger: 'schedule', result: one(11) })).toMatchObject({ kind: 'send', message: 'firing' });
    expect(decide({ alert: stored, scheduledAt: t('10:00:00'), trigger: 'schedule', result: one(3) })).toMatchObject({ kind: 'noop', recovered: true });
  });

  it('keeps its messages and history as they were: no series report, no series outcomes', () => {
    const d = decide({ alert: alertBase, scheduledAt: t('10:00:00'), trigger: 'schedule', result: one(11) });
    expect(d).toMatchObject({ kind: 'send', series: { report: null, outcomes: [] } });
  });
});

describe('series: GROUP BY region', () => {
  const byRegion = { ...alertBase, labels: ['region'], condition: { op: '>', threshold: 5 } as Condition };
  const rates = (eu: number | null, us: number | null, ap = 1) =>
    table(['region', 'rate'], [['eu', eu], ['us', us], ['ap', ap]].filter(([, v]) => v !== null) as Cell[][]);

  it('one region fires, then a second, then the first resolves, then the second', () => {
    const ticks = run(byRegion, [rates(1, 1), rates(7, 1), rates(8, 9), rates(2, 9), rates(2, 3)]);
    expect(kinds(ticks)).toEqual(['noop', 'send', 'send', 'send', 'resolved']);
    expect(events(ticks)).toEqual([
      'eu:normal us:normal ap:normal',
      'eu:fired us:normal ap:normal',
      'eu:grace us:fired ap:normal',
      'eu:resolved us:grace ap:normal',
      'eu:normal us:resolved ap:normal',
    ]);
    const third = ticks[2]?.decision;
    expect(third?.kind === 'send' && third.series.report).toMatchObject({
      changes: [{ labels: { region: 'us' }, event: 'fired', level: 'critical', value: '9' }],
      firing: [{ labels: { region: 'eu' } }, { labels: { region: 'us' } }],
      total: 3,
    });
    expect(third?.kind === 'send' && third.value).toBe('2 of 3 series firing');
  });

  it('a firing region missing from the result has stopped holding (a HAVING filter returns only what holds)', () => {
    const ticks = run(byRegion, [table(['region', 'rate'], [['eu', 9]]), table(['region', 'rate'], [])]);
    expect(events(ticks)).toEqual(['eu:fired', 'eu:resolved']);
    expect(ticks[1]?.decision.kind === 'noop' && ticks[1].decision.series.states).toEqual({});
  });

  it('repeats a region that still holds once its own grace period is over', () => {
    const graced = { ...byRegion, gracePeriodS: 120 };
    const ticks = run(graced, [rates(9, 1), rates(9, 1), rates(9, 1), rates(9, 1)]);
    expect(events(ticks).map((e) => e.split(' ')[0])).toEqual(['eu:fired', 'eu:grace', 'eu:repeat', 'eu:grace']);
    expect(kinds(ticks)).toEqual(['send', 'grace', 'send', 'grace']);
  });

  it('more series than the cap: an ERROR that says so', () => {
    const many = table(['region', 'rate'], Array.from({ length: 5 }, (_, i) => [`r${i}`, 1]));
    const d = decide({ alert: byRegion, scheduledAt: t('10:00:00'), trigger: 'schedule', result: many, maxSeries: 4 });
    expect(d).toMatchObject({ kind: 'error' });
    expect(d.kind === 'error' && d.reason).toMatch(/more than 4 series.*alerts\.maxSeries/);
  });

  it('a label column the result lacks, or a series of the wrong shape, is an ERROR naming it', () => {
    const lacking = decide({ alert: byRegion, scheduledAt: t('10:00:00'), trigger: 'schedule', result: one(3) });
    expect(lacking.kind === 'error' && lacking.reason).toContain('the label column "region" is not in the result');
    const twice = decide({ alert: byRegion, scheduledAt: t('10:00:00'), trigger: 'schedule', result: table(['region', 'rate'], [['eu', 1], ['eu', 2]]) });
    expect(twice.kind === 'error' && twice.reason).toBe('series region=eu: returned 2 rows; an alert needs one row with one value');
  });

  it('NULL in a label column is a series of its own', () => {
    const d = decide({ alert: byRegion, scheduledAt: t('10:00:00'), trigger: 'schedule', result: table(['region', 'rate'], [[null, 9]]) });
    expect(d.kind === 'send' && d.series.report?.changes[0]?.labels).toEqual({ region: 'NULL' });
  });
});

describe('levels: warning and critical', () => {
  const levelled = { ...alertBase, condition: { op: '>=', threshold: 95 } as Condition, warning: { op: '>=', threshold: 80 } as Condition };

  it('warn → critical escalates, critical → warn comes down, below both resolves', () => {
    const ticks = run(levelled, [one(50), one(85), one(97), one(90), one(40)]);
    expect(events(ticks)).toEqual(['-:normal', '-:fired', '-:escalated', '-:deescalated', '-:resolved']);
    expect(ticks.map((x) => x.decision.kind === 'send' && x.decision.series.report?.changes[0]?.level)).toEqual([false, 'warning', 'critical', 'warning', false]);
    expect(kinds(ticks)).toEqual(['noop', 'send', 'send', 'send', 'resolved']);
  });

  it('straight to critical fires at critical; a level change sends even within the grace period', () => {
    const ticks = run({ ...levelled, gracePeriodS: 3600 }, [one(99), one(85), one(85)]);
    expect(events(ticks)).toEqual(['-:fired', '-:deescalated', '-:grace']);
  });

  it('any condition kind has levels: a row count warns at 10 and pages at 100', () => {
    const counted = { ...alertBase, measure: { kind: 'row_count' } as Measure, condition: { op: '>=', threshold: 100 } as Condition, warning: { op: '>=', threshold: 10 } as Condition };
    const rows = (n: number) => table(['id'], Array.from({ length: n }, (_, i) => [i]));
    const ticks = run(counted, [rows(3), rows(12), rows(150)]);
    expect(events(ticks)).toEqual(['-:normal', '-:fired', '-:escalated']);
    expect(ticks[2]?.decision.kind === 'send' && ticks[2].decision.series.report?.changes[0]).toMatchObject({ value: '150', reason: '150 rows >= 100' });
  });
});

describe('pending 3 and keep-firing 2, with flapping input', () => {
  const damped = { ...alertBase, pendingTicks: 3, keepFiringTicks: 2 };
  const H = one(20);
  const L = one(1);

  it.each<[string, QueryResult[], SeriesEvent[]]>([
    ['fires on the third check that holds in a row', [H, H, H], ['pending', 'pending', 'fired']],
    ['a break in the run starts the count again', [H, H, L, H, H, H], ['pending', 'pending', 'normal', 'pending', 'pending', 'fired']],
    ['stays firing through two quiet checks and resolves on the third', [H, H, H, L, L, L], ['pending', 'pending', 'fired', 'keeping', 'keeping', 'resolved']],
    ['flapping inside the keep-firing window never resolves nor fires again', [H, H, H, L, H, L, L, H], ['pending', 'pending', 'fired', 'keeping', 'grace', 'keeping', 'keeping', 'grace']],
    ['no data holds the counts where they are', [H, H, one(null), H], ['pending', 'pending', 'no_data', 'fired']],
  ])('%s', (_, results, expected) => {
    const ticks = run({ ...damped, gracePeriodS: 3600 }, results);
    expect(ticks.map((x) => x.events[0]?.split(':')[1])).toEqual(expected);
  });

  it('says how long it held: "held 2 checks" while pending', () => {
    const ticks = run(damped, [H, H]);
    expect(ticks[1]?.decision.kind === 'noop' && ticks[1].decision.series.outcomes[0]?.reason).toBe('20 > 10; held 2 checks');
  });

  it('run now neither counts toward the pending period nor ends keep-firing', () => {
    const ticks = run(damped, [H, H, H, H], ['schedule', 'run_now', 'schedule', 'schedule']);
    expect(ticks.map((x) => x.events[0]?.split(':')[1])).toEqual(['pending', 'pending', 'pending', 'fired']);
  });
});

describe('change since the previous check', () => {
  const drop = (floor: number | null): Rules => ({
    ...alertBase,
    measure: { kind: 'change', mode: 'percent', direction: 'down', floor },
    condition: { op: '>=', threshold: 30 },
  });

  it.each<[string, Rules, (number | null)[], string[]]>([
    ['a 40 % drop fires; the first run only records', drop(null), [200, 120], ['-:recorded', '-:fired']],
    ['a 20 % drop does not', drop(null), [200, 160], ['-:recorded', '-:normal']],
    ['a rise is not a drop', drop(null), [100, 300], ['-:recorded', '-:normal']],
    ['below the floor a 60 % drop says nothing', drop(100), [50, 20], ['-:recorded', '-:normal']],
    ['above the floor the same drop fires', drop(100), [500, 200], ['-:recorded', '-:fired']],
    ['compared with the previous check, not the first', drop(null), [200, 150, 100], ['-:recorded', '-:normal', '-:fired']],
    ['NULL leaves the baseline where it was', drop(null), [200, null, 120], ['-:recorded', '-:no_data', '-:fired']],
    ['from 0 a percent change cannot be told', drop(null), [0, 0], ['-:recorded', '-:normal']],
  ])('%s', (_, alert, values, expected) => {
    expect(events(run(alert, values.map(one)))).toEqual(expected);
  });

  it('absolute change either way, with its words', () => {
    const moved: Rules = { ...alertBase, measure: { kind: 'change', mode: 'absolute', direction: 'either', floor: null }, condition: { op: '>', threshold: 50 } };
    const ticks = run(moved, [one(100), one(180), one(90)]);
    expect(events(ticks)).toEqual(['-:recorded', '-:fired', '-:grace']);
    const second = ticks[1]?.decision;
    expect(second?.kind === 'send' && second.series.report?.changes[0]).toMatchObject({ value: '+80', reason: 'moved 80 (from 100 to 180) > 50' });
  });

  it('the floor reason is given', () => {
    const ticks = run(drop(100), [one(50), one(20)]);
    expect(ticks[1]?.decision.kind === 'noop' && ticks[1].decision.series.outcomes[0]?.reason).toBe('from 50 to 20; the previous value is below the floor 100');
  });

  it('run now compares with the scheduled baseline and does not replace it', () => {
    // 130 is a 35 % drop from 200, and a rise from the 100 run now saw.
    const ticks = run(drop(null), [one(200), one(100), one(130)], ['schedule', 'run_now', 'schedule']);
    expect(events(ticks)).toEqual(['-:recorded', '-:fired', '-:repeat']);
  });
});

describe('freshness', () => {
  const stale = (column: string | null, timezone = 'UTC'): Rules => ({
    ...alertBase,
    measure: { kind: 'freshness', column },
    condition: { op: '>', threshold: 7200 },
    schedule: { cron: '0 * * * *', timezone },
  });
  const at = (result: QueryResult, alert: Rules, now: string) => decide({ alert, scheduledAt: new Date(now), now: new Date(now), trigger: 'schedule', result });

  it.each<[string, string, ResultDecision['kind']]>([
    ['exactly two hours old is not older than two hours', '2026-11-25T12:00:00Z', 'noop'],
    ['a second more is', '2026-11-25T12:00:01Z', 'send'],
  ])('%s', (_, now, kind) => {
    expect(at(one('2026-11-25T10:00:00Z'), stale(null), now).kind).toBe(kind);
  });

  it('the newest value of a named column counts, per series', () => {
    const loads = table(['source', 'loaded_at'], [['crm', '2026-11-25 09:00:00'], ['crm', '2026-11-25 11:30:00'], ['erp', '2026-11-25 08:00:00']]);
    const d = at(loads, { ...stale('loaded_at'), labels: ['source'] }, '2026-11-25T12:00:00Z');
    expect(d.kind === 'send' && d.series.report?.changes.map((c) => [c.labels.source, c.value])).toEqual([['erp', '4 h']]);
  });

  it('wall times without an offset are read in the schedule\'s zone, across the autumn DST change', () => {
    // Berlin, 2026-10-25: 03:00 CEST becomes 02:00 CET. 01:30 local (CEST, 23:30Z) is 2 h 30 min before 02:00Z.
    const alert = stale(null, 'Europe/Berlin');
    const d = at(one('2026-10-25 01:30:00'), alert, '2026-10-25T02:00:00Z');
    expect(d).toMatchObject({ kind: 'send', value: '2 h 30 min' });
    // 03:30 local is CET after the change (02:30Z): half an hour old at 03:00Z.
    expect(at(one('2026-10-25 03:30:00'), alert, '2026-10-25T03:00:00Z')).toMatchObject({ kind: 'noop', value: '30 min' });
  });

  it('and across the spring change, when an hour is skipped', () => {
    // Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST. 00:30 local is 23:30Z the day before.
    const d = at(one('2026-03-29 00:30:00'), stale(null, 'Europe/Berlin'), '2026-03-29T01:31:00Z');
    expect(d).toMatchObject({ kind: 'send', value: '2 h 1 min' });
  });

  it('text that is no timestamp is an ERROR; NULL says nothing', () => {
    expect(at(one('yesterday'), stale(null), '2026-11-25T12:00:00Z')).toMatchObject({ kind: 'error', reason: 'returned "yesterday", not a timestamp' });
    expect(at(one(null), stale(null), '2026-11-25T12:00:00Z')).toMatchObject({ kind: 'noop', reason: 'no timestamp (NULL)' });
  });
});

describe('row count', () => {
  it('counts the rows of any query against the threshold', () => {
    const counted = { ...alertBase, measure: { kind: 'row_count' } as Measure, condition: { op: '>', threshold: 2 } as Condition };
    const rows = (n: number) => table(['a', 'b'], Array.from({ length: n }, () => ['x', 1]));
    expect(events(run(counted, [rows(2), rows(3), rows(0)]))).toEqual(['-:normal', '-:fired', '-:resolved']);
  });
});

