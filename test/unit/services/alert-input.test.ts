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
