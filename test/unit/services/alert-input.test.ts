import { describe, expect, it } from '@jest/globals';
import { validateAlertInput, type AlertInput } from '../../../src/services/alert-input.js';

const CONTEXT = { dataSources: ['sample'], allowedHosts: ['dashboards.example.com', '*.bi.example.com'], actor: 'UACTOR1' };

function input(overrides: Partial<AlertInput> = {}): AlertInput {
  return {
    name: 'Daily sales',
    type: 'report',
    dataSource: 'sample',
    sql: 'SELECT 1',
    schedule: { cron: '0 9 * * *', timezone: 'UTC' },
    recipients: [{ kind: 'slack_channel', id: 'C0OPS' }],
    ...overrides,
  };
}

const SHOT = { kind: 'screenshot', url: 'https://dashboards.example.com/d/sales' };

function validate(overrides: Partial<AlertInput>) {
  return validateAlertInput(input(overrides), CONTEXT);
}

function contentOf(content: Record<string, unknown>) {
  const result = validate({ content });
  if (!result.ok) throw new Error(`expected valid input, got ${JSON.stringify(result.errors)}`);
  return result.spec.content;
}

function errorsOf(overrides: Partial<AlertInput>): Record<string, string> {
  const result = validate(overrides);
  return result.ok ? {} : result.errors;
}

describe('validateAlertInput content', () => {
  it('builds every content shape, the CSV options off unless asked for', () => {
    expect(contentOf({ kind: 'none', csv: true, bom: true, keepFormulas: false })).toEqual({ kind: 'none' });
    expect(contentOf({ kind: 'csv' })).toEqual({ kind: 'csv', bom: false, keepFormulas: false });
    expect(contentOf({ kind: 'csv', bom: true, keepFormulas: false })).toEqual({ kind: 'csv', bom: true, keepFormulas: false });
    expect(contentOf({ kind: 'chart' })).toEqual({ kind: 'chart', chart: 'line', csv: false, native: true, bom: false, keepFormulas: false });
    expect(contentOf({ kind: 'chart', chart: 'bar', csv: true, bom: true, keepFormulas: false, native: false })).toEqual({ kind: 'chart', chart: 'bar', csv: true, native: false, bom: true, keepFormulas: false });
    expect(contentOf(SHOT)).toEqual({
      kind: 'screenshot',
      url: 'https://dashboards.example.com/d/sales',
      linkUrl: null,
      width: 1920,
      height: 1080,
      scale: 1,
      selector: null,
      fullPage: false,
      waitFor: null,
      waitForGone: null,
      csv: false,
      bom: false, keepFormulas: false,
    });
  });

  it('takes every screenshot option, as a form sends them (numbers as text, selectors trimmed)', () => {
    expect(
      contentOf({ ...SHOT, width: '1280', height: '720', scale: '2', selector: ' #chart ', fullPage: true, waitFor: ' .loaded ', waitForGone: '.spinner', csv: true, bom: true, keepFormulas: false }),
    ).toMatchObject({ width: 1280, height: 720, scale: 2, selector: '#chart', fullPage: true, waitFor: '.loaded', waitForGone: '.spinner', csv: true, bom: true, keepFormulas: false });
  });

  it('takes any scale from 1 to 3; blank means 1', () => {
    for (const [scale, expected] of [[1, 1], ['1.5', 1.5], [2, 2], ['3', 3], [2.25, 2.25], ['', 1], [null, 1]] as const) {
      expect({ scale, content: contentOf({ ...SHOT, scale }) }).toMatchObject({ scale, content: { scale: expected } });
    }
  });

  it('refuses a scale outside 1–3 or not a number', () => {
    for (const scale of [0, 0.5, 3.5, 4, '-1', 'two', 'Infinity']) {
      expect([scale, errorsOf({ content: { ...SHOT, scale } })]).toEqual([scale, { 'content.scale': 'must be a number from 1 to 3, e.g. 1, 1.5 or 2' }]);
    }
  });

  it('blank wait selectors mean none; longer than 500 characters is refused', () => {
    expect(contentOf({ ...SHOT, waitFor: '  ', waitForGone: '' })).toMatchObject({ waitFor: null, waitForGone: null });
    expect(contentOf({ ...SHOT, waitFor: 'a'.repeat(500) })).toMatchObject({ waitFor: 'a'.repeat(500) });
    expect(errorsOf({ content: { ...SHOT, waitFor: 'a'.repeat(501), waitForGone: 'b'.repeat(501), selector: 'c'.repeat(501) } })).toEqual({
      'content.waitFor': 'must be at most 500 characters',
      'content.waitForGone': 'must be at most 500 characters',
      'content.selector': 'must be at most 500 characters',
    });
  });

  it('refuses switches that are not true or false, each on its own field', () => {
    expect(errorsOf({ content: { ...SHOT, fullPage: 'yes', csv: 1, bom: 'on' } })).toEqual({
      'content.fullPage': 'must be true or false',
      'content.csv': 'must be true or false',
      'content.bom': 'must be true or false',
    });
    expect(errorsOf({ content: { kind: 'chart', csv: 'true' } })).toEqual({ 'content.csv': 'must be true or false' });
    expect(errorsOf({ content: { kind: 'csv', bom: 'true' } })).toEqual({ 'content.bom': 'must be true or false' });
  });

  it('allows screenshot hosts by exact name or by a "*." pattern, and says which are allowed', () => {
    expect(contentOf({ ...SHOT, url: 'https://DASHBOARDS.example.com/x' })).toMatchObject({ url: 'https://dashboards.example.com/x' });
    expect(contentOf({ ...SHOT, url: 'https://eu.bi.example.com/x' })).toMatchObject({ url: 'https://eu.bi.example.com/x' });
    for (const url of ['https://bi.example.com/x', 'https://evil-bi.example.com/x', 'https://dashboards.example.com.evil.test/x']) {
      const host = new URL(url).hostname;
      expect(errorsOf({ content: { ...SHOT, url } })).toEqual({
        'content.url': `${host} is not an allowed screenshot host (allowed: dashboards.example.com, *.bi.example.com)`,
      });
    }
    expect(validateAlertInput(input({ content: SHOT }), { ...CONTEXT, allowedHosts: [] })).toEqual({
      ok: false,
      errors: { 'content.url': 'screenshots are off: an admin must list allowed hosts in lookout.config.yml (screenshots.allowedHosts)' },
    });
  });

  it('refuses a user name or password in the page or link URL (the browser would keep the login; Slack would show it)', () => {
    const message = 'must not hold a user name or password; logins to dashboards are set by an admin (screenshots.auth)';
    expect(errorsOf({ content: { ...SHOT, url: 'https://admin:hunter2@dashboards.example.com/d/sales' } })).toEqual({ 'content.url': message });
    expect(errorsOf({ content: { ...SHOT, url: 'https://admin@dashboards.example.com/d/sales' } })).toEqual({ 'content.url': message });
    expect(errorsOf({ content: { ...SHOT, linkUrl: 'https://u:p@dashboards.example.com/d/sales' } })).toEqual({ 'content.linkUrl': message });
  });
});

describe('validateAlertInput messageTemplate', () => {
  it('keeps a template Mustache can read; blank means none', () => {
    const ok = (messageTemplate: unknown) => {
      const result = validate({ messageTemplate });
      return result.ok ? result.spec.messageTemplate : result.errors;
    };
    expect(ok('*{{name}}* is {{value}}{{#rows}} {{region}}{{/rows}}')).toBe('*{{name}}* is {{value}}{{#rows}} {{region}}{{/rows}}');
    expect(ok('   ')).toBeNull();
    expect(ok(undefined)).toBeNull();
  });

  it('refuses a template Mustache cannot read, on the template field', () => {
    for (const messageTemplate of ['{{#rows}} never closed', '{{name', '{{/rows}}']) {
      const errors = errorsOf({ messageTemplate });
      expect(Object.keys(errors)).toEqual(['messageTemplate']);
      expect(errors.messageTemplate).toMatch(/^the template cannot be read: /);
    }
  });

  it('reports the length before the syntax of an overlong template', () => {
    expect(errorsOf({ messageTemplate: `{{#rows}}${'x'.repeat(2000)}` })).toEqual({ messageTemplate: 'must be at most 2000 characters' });
  });
});

describe('validateAlertInput rules (issue 3/6): measure, labels, levels, pending and keep-firing', () => {
  const alert = (overrides: Partial<AlertInput>): Partial<AlertInput> => ({ type: 'alert', condition: { op: '>', threshold: '5' }, ...overrides });
  const rulesOf = (overrides: Partial<AlertInput>) => {
    const result = validate(alert(overrides));
    if (!result.ok) throw new Error(`expected valid input, got ${JSON.stringify(result.errors)}`);
    const { condition, measure, labels, warning, pendingTicks, keepFiringTicks } = result.spec;
    return { condition, measure, labels, warning, pendingTicks, keepFiringTicks };
  };
  const LEGACY = { measure: { kind: 'value' }, labels: [], warning: null, pendingTicks: 1, keepFiringTicks: 0 };

  it('an alert that names none of them is what an alert was before series (today\'s callers, stored alerts)', () => {
    expect(rulesOf({})).toEqual({ condition: { op: '>', threshold: 5 }, ...LEGACY });
    expect(rulesOf({ measure: null, labels: '', warning: null, pendingTicks: '', keepFiringTicks: '' })).toEqual({ condition: { op: '>', threshold: 5 }, ...LEGACY });
    expect(rulesOf({ measure: { kind: '' }, labels: [], warning: { op: '>', threshold: '  ' } })).toEqual({ condition: { op: '>', threshold: 5 }, ...LEGACY });
  });

  it('a report keeps the rules of before whatever it is sent', () => {
    const result = validate({ type: 'report', measure: { kind: 'bogus' }, labels: 7, warning: { op: '==', threshold: 'x' }, pendingTicks: 'never', keepFiringTicks: -1 });
    expect(result.ok && result.spec).toMatchObject({ condition: null, ...LEGACY });
  });

  it.each<[string, Partial<AlertInput>, Record<string, unknown>]>([
    ['labels as text', { labels: ' region , tier ' }, { labels: ['region', 'tier'] }],
    ['labels as a list, blanks dropped', { labels: ['region', ' ', 'tier'] }, { labels: ['region', 'tier'] }],
    ['five labels', { labels: 'a,b,c,d,e' }, { labels: ['a', 'b', 'c', 'd', 'e'] }],
    ['a row count', { measure: { kind: 'row_count' }, condition: { op: '>=', threshold: '100' } }, { measure: { kind: 'row_count' }, condition: { op: '>=', threshold: 100 } }],
    ['freshness on the single value, in hours', { measure: { kind: 'freshness', column: '' }, condition: { op: '>', threshold: '2h' } }, { measure: { kind: 'freshness', column: null }, condition: { op: '>', threshold: 7200 } }],
    ['freshness on a column, "90 min" and a warning at "1d"…', { measure: { kind: 'freshness', column: ' loaded_at ' }, condition: { op: '>', threshold: '2 d' }, warning: { threshold: '1d' } }, { measure: { kind: 'freshness', column: 'loaded_at' }, condition: { op: '>', threshold: 172_800 }, warning: { op: '>', threshold: 86_400 } }],
    ['freshness in seconds from a file', { measure: { kind: 'freshness', column: null }, condition: { op: '>=', threshold: 600 } }, { condition: { op: '>=', threshold: 600 } }],
    ['a percent drop with a floor', { measure: { kind: 'change', mode: 'percent', direction: 'down', floor: '100' }, condition: { op: '>=', threshold: '30' } }, { measure: { kind: 'change', mode: 'percent', direction: 'down', floor: 100 } }],
    ['an absolute change either way, no floor', { measure: { kind: 'change', mode: 'absolute', direction: 'either', floor: '' } }, { measure: { kind: 'change', mode: 'absolute', direction: 'either', floor: null } }],
    ['a floor of 0.5 from a file', { measure: { kind: 'change', mode: 'absolute', direction: 'up', floor: 0.5 } }, { measure: { kind: 'change', mode: 'absolute', direction: 'up', floor: 0.5 } }],
    ['a warning below critical (>)', { warning: { op: '>', threshold: '3' } }, { warning: { op: '>', threshold: 3 } }],
    ['a warning above critical (<=), its operator taken from critical', { condition: { op: '<=', threshold: '10' }, warning: { threshold: '20' } }, { warning: { op: '<=', threshold: 20 } }],
    ['a warning on a row count', { measure: { kind: 'row_count' }, condition: { op: '>', threshold: '100' }, warning: { threshold: '10' } }, { warning: { op: '>', threshold: 10 } }],
    ['pending 3, keep firing 2 (as text)', { pendingTicks: '3', keepFiringTicks: '2' }, { pendingTicks: 3, keepFiringTicks: 2 }],
    ['pending 100, keep firing 100', { pendingTicks: 100, keepFiringTicks: 100 }, { pendingTicks: 100, keepFiringTicks: 100 }],
    ['new rows at their defaults: the condition is "rows exist", nothing else', { measure: { kind: 'new_rows', keyColumn: 'id' }, condition: null }, { condition: { op: 'rows exist' }, measure: { kind: 'new_rows', keyColumn: 'id', maxPerTick: 20, sendFirstRun: false, retentionDays: 30 }, labels: [], warning: null, pendingTicks: 1, keepFiringTicks: 0 }],
    ['new rows with every option; a condition sent along is ignored', { measure: { kind: 'new_rows', keyColumn: 'order_id', maxPerTick: '50', sendFirstRun: true, retentionDays: '365' }, condition: { op: '>', threshold: 'x' } }, { condition: { op: 'rows exist' }, measure: { kind: 'new_rows', keyColumn: 'order_id', maxPerTick: 50, sendFirstRun: true, retentionDays: 365 } }],
    ['new rows with the defaults typed out', { measure: { kind: 'new_rows', keyColumn: 'id', maxPerTick: '', retentionDays: null }, pendingTicks: '1', keepFiringTicks: 0 }, { measure: { maxPerTick: 20, retentionDays: 30 }, pendingTicks: 1, keepFiringTicks: 0 }],
  ])('takes %s', (_, overrides, expected) => {
    expect(rulesOf(overrides)).toMatchObject(expected);
  });

  it.each<[string, Partial<AlertInput>, Record<string, string | RegExp>]>([
    ['an unknown measure', { measure: { kind: 'p95' } }, { 'measure.kind': 'choose what to check: value, row_count, freshness, change, new_rows' }],
    ['"not null" on a row count', { measure: { kind: 'row_count' }, condition: { op: 'not null' } }, { 'condition.op': 'a row count is compared with a number: choose >, >=, <, <=, ==, !=' }],
    ['"rows exist" on an age', { measure: { kind: 'freshness' }, condition: { op: 'rows exist' } }, { 'condition.op': /^an age is compared with a number/ }],
    ['"no rows" on a change', { measure: { kind: 'change', mode: 'percent', direction: 'up' }, condition: { op: 'no rows' } }, { 'condition.op': /^a change is compared with a number/ }],
    ['an age that is no duration', { measure: { kind: 'freshness' }, condition: { op: '>', threshold: 'two hours' } }, { 'condition.threshold': 'must be a duration, e.g. 90s, 15 min, 2h or 1d' }],
    ['an age left empty', { measure: { kind: 'freshness' }, condition: { op: '>', threshold: '' } }, { 'condition.threshold': 'an age is required, e.g. 90s, 15 min, 2h or 1d' }],
    ['a negative age', { measure: { kind: 'freshness' }, condition: { op: '>', threshold: '-5' } }, { 'condition.threshold': /^must be a duration/ }],
    ['a freshness column longer than 64', { measure: { kind: 'freshness', column: 'c'.repeat(65) }, condition: { op: '>', threshold: '1h' } }, { 'measure.column': 'must be at most 64 characters' }],
    ['a freshness column that is also a label', { measure: { kind: 'freshness', column: 'loaded_at' }, labels: 'source, loaded_at', condition: { op: '>', threshold: '1h' } }, { 'measure.column': /also a label column/ }],
    ['a change without mode or direction', { measure: { kind: 'change' } }, { 'measure.mode': 'choose absolute or percent', 'measure.direction': 'choose up, down or either' }],
    ['a change with a bad mode and a negative floor', { measure: { kind: 'change', mode: 'ratio', direction: 'sideways', floor: '-1' } }, { 'measure.mode': 'choose absolute or percent', 'measure.direction': 'choose up, down or either', 'measure.floor': /^must be a number of at least 0/ }],
    ['a floor that is no number', { measure: { kind: 'change', mode: 'absolute', direction: 'up', floor: 'lots' } }, { 'measure.floor': /^must be a number of at least 0/ }],
    ['new rows without a key column', { measure: { kind: 'new_rows', keyColumn: ' ' } }, { 'measure.keyColumn': 'a column name is required' }],
    ['new rows past their limits', { measure: { kind: 'new_rows', keyColumn: 'id', maxPerTick: '51', retentionDays: '366', sendFirstRun: 'yes' } }, { 'measure.maxPerTick': 'must be at most 50 rows', 'measure.retentionDays': 'must be at most 365 days', 'measure.sendFirstRun': 'must be true or false' }],
    ['new rows below their limits', { measure: { kind: 'new_rows', keyColumn: 'id', maxPerTick: '0', retentionDays: '0' } }, { 'measure.maxPerTick': 'must be at least 1 row', 'measure.retentionDays': 'must be at least 1 day' }],
    ['new rows with labels, a warning, pending and keep-firing', { measure: { kind: 'new_rows', keyColumn: 'id' }, labels: 'region', warning: { threshold: '3' }, pendingTicks: '2', keepFiringTicks: '1' }, { labels: /no series/, 'warning.threshold': /no warning level/, pendingTicks: /does not apply/, keepFiringTicks: /does not apply/ }],
    ['six labels', { labels: 'a,b,c,d,e,f' }, { labels: 'at most 5 label columns (6 given)' }],
    ['a label longer than 64', { labels: ['region', 'x'.repeat(65)] }, { labels: /is longer than 64 characters/ }],
    ['a label twice', { labels: 'region, tier, region' }, { labels: '"region" is listed twice' }],
    ['labels that are not text', { labels: 42 }, { labels: 'list column names, separated by commas' }],
    ['a warning at critical (>)', { warning: { threshold: '5' } }, { 'warning.threshold': 'must be lower than the critical threshold (> 5): the warning comes first' }],
    ['a warning past critical (>=)', { condition: { op: '>=', threshold: '95' }, warning: { threshold: '99' } }, { 'warning.threshold': /^must be lower than the critical threshold \(>= 95\)/ }],
    ['a warning past critical (<)', { condition: { op: '<', threshold: '10' }, warning: { threshold: '5' } }, { 'warning.threshold': 'must be higher than the critical threshold (< 10): the warning comes first' }],
    ['a warning on an age past critical, said as an age', { measure: { kind: 'freshness' }, condition: { op: '>', threshold: '2h' }, warning: { threshold: '3h' } }, { 'warning.threshold': 'must be lower than the critical threshold (> 2 h): the warning comes first' }],
    ['a warning with ==', { condition: { op: '==', threshold: '0' }, warning: { threshold: '1' } }, { 'warning.op': /needs > >= < or <=/ }],
    ['a warning with !=', { condition: { op: '!=', threshold: '0' }, warning: { threshold: '1' } }, { 'warning.op': /needs > >= < or <=/ }],
    ['a warning on another side', { warning: { op: '<', threshold: '1' } }, { 'warning.op': "the warning level uses the critical level's operator (>)" }],
    ['a warning under "not null"', { condition: { op: 'not null' }, warning: { threshold: '1' } }, { 'warning.op': /needs a critical level compared with a number/ }],
    ['a warning that is no number', { warning: { threshold: 'soon' } }, { 'warning.threshold': 'threshold must be a number, e.g. 100 or 0.5' }],
    ['pending 0 and keep-firing 101', { pendingTicks: '0', keepFiringTicks: '101' }, { pendingTicks: 'must be at least 1 check', keepFiringTicks: 'must be at most 100 checks' }],
    ['pending 101 and keep-firing -1', { pendingTicks: 101, keepFiringTicks: '-1' }, { pendingTicks: 'must be at most 100 checks', keepFiringTicks: 'must be a whole number of checks, in digits' }],
    ['pending 1.5', { pendingTicks: '1.5' }, { pendingTicks: 'must be a whole number of checks, in digits' }],
  ])('refuses %s, on its field', (_, overrides, expected) => {
    const errors = errorsOf(alert(overrides));
    expect(Object.keys(errors).sort()).toEqual(Object.keys(expected).sort());
    for (const [key, message] of Object.entries(expected)) {
      if (typeof message === 'string') expect([key, errors[key]]).toEqual([key, message]);
      else expect([key, errors[key]]).toEqual([key, expect.stringMatching(message)]);
    }
  });

  it('reports a rule error beside the other fields\' errors, and saves nothing', () => {
    expect(errorsOf(alert({ name: '', labels: 'a,a', pendingTicks: '0' }))).toEqual({ name: 'A name is required', labels: '"a" is listed twice', pendingTicks: 'must be at least 1 check' });
  });
});
