import { describe, expect, it } from '@jest/globals';
import { commandRef } from '../../../../src/messages/sentences.js';
import { parseAlertCommand, parseDuration, USAGE } from '../../../../src/slack/commands/parse-alert-command.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  it.each([
    ['30m', 30 * MIN],
    ['1h', HOUR],
    ['2d', 2 * DAY],
    ['1w', 7 * DAY],
    ['1h30m', HOUR + 30 * MIN],
    ['1w2d3h4m', 7 * DAY + 2 * DAY + 3 * HOUR + 4 * MIN],
    ['90m', 90 * MIN],
    ['1H', HOUR],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '0m', '0h0m', 'h', '1', '1x', '1.5h', '30m1h', '1h1h', '-1h', '1 h', 'soon', 'off'])('rejects %p', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe('parseAlertCommand', () => {
  it('empty text and help show help', () => {
    expect(parseAlertCommand('')).toEqual({ kind: 'help' });
    expect(parseAlertCommand('   ')).toEqual({ kind: 'help' });
    expect(parseAlertCommand('help')).toEqual({ kind: 'help' });
    expect(parseAlertCommand('HELP me')).toEqual({ kind: 'help' });
  });

  it('create, with an optional name to prefill', () => {
    expect(parseAlertCommand('create')).toEqual({ kind: 'create', name: null });
    expect(parseAlertCommand('Create Daily revenue')).toEqual({ kind: 'create', name: 'Daily revenue' });
    expect(parseAlertCommand('create "Daily revenue"')).toEqual({ kind: 'create', name: 'Daily revenue' });
  });

  it('list and list all', () => {
    expect(parseAlertCommand('list')).toEqual({ kind: 'list', all: false });
    expect(parseAlertCommand('list all')).toEqual({ kind: 'list', all: true });
    expect(parseAlertCommand('list ALL')).toEqual({ kind: 'list', all: true });
    const bad = parseAlertCommand('list mine');
    expect(bad.kind).toBe('usage');
    expect(bad.kind === 'usage' && bad.message).toContain('/alert list [all]');
  });

  it('mute all <duration> and unmute all (admins; the service checks who and the 7-day limit)', () => {
    expect(parseAlertCommand('mute all 2h')).toEqual({ kind: 'mute', durationMs: 2 * HOUR, duration: '2h' });
    expect(parseAlertCommand('MUTE ALL 30M')).toEqual({ kind: 'mute', durationMs: 30 * MIN, duration: '30m' });
    expect(parseAlertCommand('mute all 1d')).toEqual({ kind: 'mute', durationMs: DAY, duration: '1d' });
    expect(parseAlertCommand('mute all 8d')).toEqual({ kind: 'mute', durationMs: 8 * DAY, duration: '8d' });
    expect(parseAlertCommand('unmute all')).toEqual({ kind: 'unmute' });
    expect(parseAlertCommand('Unmute All')).toEqual({ kind: 'unmute' });
  });

  it.each([
    ['mute', '`mute` needs `all` and a duration. Usage: `/alert mute all <duration>`'],
    ['mute all', '`mute all` needs a duration, e.g. `2h`. Usage: `/alert mute all <duration>`'],
    ['mute all soon', '"soon" is not a duration: use minutes, hours or days like 30m, 2h, 1d or 1h30m. Usage: `/alert mute all <duration>`'],
    ['mute all 2h please', 'Unexpected "please" after the duration. Usage: `/alert mute all <duration>`'],
    ['mute orders 2h', '`mute` mutes everything; to silence one alert, use `/alert snooze <name> <duration>`. Usage: `/alert mute all <duration>`'],
    ['unmute', '`unmute` needs `all`. Usage: `/alert unmute all`'],
    ['unmute orders', '`unmute` takes only `all`, not "orders". Usage: `/alert unmute all`'],
  ])('%p says what to type', (text, message) => {
    expect(parseAlertCommand(text)).toEqual({ kind: 'usage', message });
  });

  it('doctor', () => {
    expect(parseAlertCommand('doctor')).toEqual({ kind: 'doctor' });
    expect(parseAlertCommand('doctor now').kind).toBe('usage');
  });

  it.each(['edit', 'pause', 'resume', 'delete', 'run', 'history'] as const)('%s takes a name or id', (kind) => {
    expect(parseAlertCommand(`${kind} orders`)).toEqual({ kind, ref: 'orders' });
    expect(parseAlertCommand(`${kind} 2f1c7a52-6a38-4bd4-9d8e-1c0a2b3c4d5e`)).toEqual({ kind, ref: '2f1c7a52-6a38-4bd4-9d8e-1c0a2b3c4d5e' });
    expect(parseAlertCommand(`${kind} Orders  stalled  today`)).toEqual({ kind, ref: 'Orders  stalled  today' });
    expect(parseAlertCommand(`${kind} "Orders stalled"`)).toEqual({ kind, ref: 'Orders stalled' });
    expect(parseAlertCommand(`${kind} “Orders stalled”`)).toEqual({ kind, ref: 'Orders stalled' });
    const missing = parseAlertCommand(kind);
    expect(missing.kind).toBe('usage');
    expect(missing.kind === 'usage' && missing.message).toMatch(/needs the name or id/);
    expect(missing.kind === 'usage' && missing.message).toContain(`/alert ${kind} <name or id>`);
  });

  it('the subcommand is case-insensitive, the name is kept as written', () => {
    expect(parseAlertCommand('PAUSE Orders')).toEqual({ kind: 'pause', ref: 'Orders' });
  });

  it('undoes the &amp; &lt; &gt; escaping Slack applies to command text', () => {
    expect(parseAlertCommand('pause R&amp;D &lt;prod&gt;')).toEqual({ kind: 'pause', ref: 'R&D <prod>' });
  });

  it('reports quoting mistakes', () => {
    const open = parseAlertCommand('pause "Orders stalled');
    expect(open.kind === 'usage' && open.message).toMatch(/no closing quote/);
    const after = parseAlertCommand('pause "Orders" stalled');
    expect(after.kind === 'usage' && after.message).toMatch(/Unexpected "stalled"/);
    const empty = parseAlertCommand('pause ""');
    expect(empty.kind === 'usage' && empty.message).toMatch(/empty/);
  });

  describe('snooze', () => {
    it('takes the duration from the last word', () => {
      expect(parseAlertCommand('snooze orders 1h')).toEqual({ kind: 'snooze', ref: 'orders', durationMs: HOUR, duration: '1h' });
      expect(parseAlertCommand('snooze Orders stalled today 1h30m')).toEqual({
        kind: 'snooze',
        ref: 'Orders stalled today',
        durationMs: HOUR + 30 * MIN,
        duration: '1h30m',
      });
      expect(parseAlertCommand('snooze "Orders stalled" 2d')).toEqual({ kind: 'snooze', ref: 'Orders stalled', durationMs: 2 * DAY, duration: '2d' });
      expect(parseAlertCommand('snooze orders 1W')).toMatchObject({ kind: 'snooze', durationMs: 7 * DAY });
    });

    it('off unsnoozes', () => {
      expect(parseAlertCommand('snooze orders off')).toEqual({ kind: 'unsnooze', ref: 'orders' });
      expect(parseAlertCommand('snooze "Orders stalled" OFF')).toEqual({ kind: 'unsnooze', ref: 'Orders stalled' });
    });

    it('names what is missing or wrong', () => {
      const none = parseAlertCommand('snooze');
      expect(none.kind === 'usage' && none.message).toMatch(/needs the name or id of an alert and a duration/);
      const onlyDuration = parseAlertCommand('snooze 1h');
      expect(onlyDuration.kind === 'usage' && onlyDuration.message).toMatch(/name or id of an alert before the duration/);
      const onlyName = parseAlertCommand('snooze orders');
      expect(onlyName.kind === 'usage' && onlyName.message).toMatch(/needs a duration/);
      const bad = parseAlertCommand('snooze orders soon');
      expect(bad.kind === 'usage' && bad.message).toMatch(/"soon" is not a duration/);
      expect(bad.kind === 'usage' && bad.message).toContain('/alert snooze <name or id> <duration|off>');
      const badQuote = parseAlertCommand('snooze "orders 1h');
      expect(badQuote.kind === 'usage' && badQuote.message).toMatch(/no closing quote/);
    });
  });

  it('unknown subcommands say so and list the real ones', () => {
    const result = parseAlertCommand('frobnicate x');
    expect(result).toEqual({ kind: 'usage', message: expect.stringContaining('Unknown subcommand "frobnicate". Try') });
    expect(result.kind === 'usage' && result.message).toContain('snooze');
  });

  it('every usage line names its subcommand', () => {
    for (const [sub, line] of Object.entries(USAGE)) expect(line.startsWith(`/alert ${sub}`)).toBe(true);
  });
});

describe('commandRef', () => {
  it('quotes names with spaces and falls back to the id when quoting cannot work', () => {
    expect(commandRef({ id: 'x1', name: 'orders' })).toBe('orders');
    expect(commandRef({ id: 'x1', name: 'Orders stalled' })).toBe('"Orders stalled"');
    expect(commandRef({ id: 'x1', name: 'The "big" one' })).toBe('x1');
  });

  it('round-trips through the parser', () => {
    for (const name of ['orders', 'Orders stalled', 'R&D <prod>']) {
      expect(parseAlertCommand(`pause ${commandRef({ id: 'x1', name })}`)).toEqual({ kind: 'pause', ref: name });
    }
  });
});

describe('parseAlertCommand: alerts as code (issue 5/6)', () => {
  it('versions and export take a name, id or key; import takes nothing', () => {
    expect(parseAlertCommand('versions "Daily revenue"')).toEqual({ kind: 'versions', ref: 'Daily revenue' });
    expect(parseAlertCommand('Versions daily-revenue')).toEqual({ kind: 'versions', ref: 'daily-revenue' });
    expect(parseAlertCommand('export Daily revenue')).toEqual({ kind: 'export', ref: 'Daily revenue' });
    expect(parseAlertCommand('import')).toEqual({ kind: 'import' });
  });

  it.each([
    ['versions', '`versions` needs the name or id of an alert. Usage: `/alert versions <name or id>`'],
    ['export', '`export` needs the name or id of an alert. Usage: `/alert export <name or id>`'],
    ['import alerts.yml', '`import` takes no arguments: paste the YAML in the form it opens. Usage: `/alert import`'],
    ['export "Daily', 'The name "Daily has no closing quote. Usage: `/alert export <name or id>`'],
  ])('%s → usage', (text, message) => {
    expect(parseAlertCommand(text)).toEqual({ kind: 'usage', message });
  });
});
