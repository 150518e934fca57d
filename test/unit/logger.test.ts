// The two log formats: JSON lines where no person reads stdout (systemd, CI, tests), readable
// lines at a terminal; the same records, the same redaction.
import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createRootLogger, logFormatFor } from '../../src/logger.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('logFormatFor', () => {
  it('a terminal gets readable lines; a pipe or file (no isTTY) JSON lines', () => {
    expect(logFormatFor({ isTTY: true })).toBe('pretty');
    expect(logFormatFor({ isTTY: false })).toBe('json');
    expect(logFormatFor({})).toBe('json');
  });
});

describe('createRootLogger', () => {
  it('JSON: one object a line, the execution line as before, secrets redacted', () => {
    const out = sink();
    const logger = createRootLogger('info', { format: 'json', destination: out.stream });
    logger.child({ module: 'tick' }).info(
      { alertId: 'a1', executionId: 'e1', tick: '2026-01-01T00:00:00.000Z', trigger: 'schedule', state: 'SUCCESS', queryMs: 3, captureMs: null, deliveryMs: 12 },
      'execution finished',
    );
    logger.info({ source: { url: 'postgres://u:pw@h/db' } }, 'with a url');
    const lines = out.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({
      level: 30,
      time: expect.any(Number),
      module: 'tick',
      alertId: 'a1',
      executionId: 'e1',
      tick: '2026-01-01T00:00:00.000Z',
      trigger: 'schedule',
      state: 'SUCCESS',
      queryMs: 3,
      captureMs: null,
      deliveryMs: 12,
      msg: 'execution finished',
    });
    expect(lines[1]).toMatchObject({ source: { url: '[redacted]' } });
  });

  it('pretty: time, level, [module] and the words on one line; no colour codes off a terminal; secrets redacted', () => {
    const out = sink();
    const logger = createRootLogger('info', { format: 'pretty', destination: out.stream });
    logger.child({ module: 'tick' }).info({ alertId: 'a1', state: 'SUCCESS' }, 'execution finished');
    logger.info({ startup: { part: 'slack', configured: false } }, 'Slack: not configured');
    logger.info({ source: { url: 'postgres://u:pw@h/db' } }, 'with a url');
    logger.debug('below the level');
    const lines = out.text().trim().split('\n');
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: \[tick\] execution finished \{"alertId":"a1","state":"SUCCESS"\}$/);
    // The summary's tags are for JSON readers.
    expect(lines[1]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: Slack: not configured$/);
    expect(lines[2]).toContain('[redacted]');
    expect(out.text()).not.toContain('pw@h');
    expect(out.text()).not.toContain('below the level');
    // eslint-disable-next-line no-control-regex
    expect(out.text()).not.toMatch(/\u001b\[/);
  });
});
