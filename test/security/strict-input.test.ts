// Vector: numbers and settings that parse as something other than what a person meant —
// "0x20" read as a 32 s timeout, "1e3" as 1000 — and a data-source url of the wrong engine
// that starts Lookout and then fails every alert. Numbers are plain decimal digits; a url must
// parse with its engine's scheme, or start-up stops with one line naming the setting.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { validateAlertInput, type AlertInput } from '../../src/services/alert-input.js';

const base: AlertInput = {
  name: 'x',
  type: 'report',
  dataSource: 'sample',
  sql: 'SELECT 1',
  schedule: { cron: '0 9 * * *', timezone: 'UTC' },
  recipients: [{ kind: 'slack_channel', id: 'C0OPS' }],
};
const context = { dataSources: ['sample'], allowedHosts: ['dash.example.com'], actor: 'U0OWNER' };
const errorsOf = (input: Partial<AlertInput>): Record<string, string> => {
  const result = validateAlertInput({ ...base, ...input }, context);
  return result.ok ? {} : result.errors;
};

describe('numbers in the modal', () => {
  it.each(['0x20', '1e3', '+30', '30.0', '3_0', 'Infinity', '0b11'])('refuse %s for a whole number of seconds or days', (text) => {
    expect(errorsOf({ workingTimeoutS: text })).toEqual({ workingTimeoutS: expect.stringContaining('in digits') });
    expect(errorsOf({ gracePeriodS: text })).toHaveProperty('gracePeriodS');
    expect(errorsOf({ logRetentionDays: text })).toHaveProperty('logRetentionDays');
  });

  it.each(['0x400', '1e3'])('refuse %s for screenshot pixels, and 0x2 for the scale', (text) => {
    const content = { kind: 'screenshot', url: 'https://dash.example.com/d', width: text, height: '600', scale: '0x2' };
    expect(Object.keys(errorsOf({ content }))).toEqual(expect.arrayContaining(['content.width', 'content.scale']));
  });

  it('take plain digits, with the spaces a person may leave around them', () => {
    const result = validateAlertInput({ ...base, workingTimeoutS: ' 32 ', gracePeriodS: '0', logRetentionDays: 7 }, context);
    expect(result.ok && [result.spec.workingTimeoutS, result.spec.gracePeriodS, result.spec.logRetentionDays]).toEqual([32, 0, 7]);
  });
});

describe('settings', () => {
  it('refuse a count that is not in decimal digits', () => {
    expect(() => loadConfig({ SHARDS: '0x10' }, '/tmp')).toThrow(expect.objectContaining({ setting: 'SHARDS' }));
    expect(() => loadConfig({ EVAL_CONCURRENCY: '1e2' }, '/tmp')).toThrow(expect.objectContaining({ setting: 'EVAL_CONCURRENCY' }));
  });

  it('stop start-up on a data-source url that is not a URL of its engine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-strict-'));
    writeFileSync(join(dir, 'lookout.config.yml'), 'dataSources:\n  - { name: shop, kind: mysql, url: "postgres://reader@db/shop" }\n');
    expect(() => loadConfig({}, dir)).toThrow(/^lookout\.config\.yml|dataSources\[0\]\.url: must be a URL such as mysql:\/\//);
  });
});
