import { describe, expect, it } from '@jest/globals';
import { parseCliArgs, USAGE, type CliCommand } from '../../../src/cli/parse-cli-args.js';

const common = { actor: null, root: null };
const noFilter = { keys: [], owner: null, type: null, managedBy: null, unmanaged: false };

describe('parseCliArgs', () => {
  it.each<[string, CliCommand]>([
    ['', { kind: 'help' }],
    ['--help', { kind: 'help' }],
    ['alerts', { kind: 'help' }],
    ['alerts apply --help', { kind: 'help' }],
    ['alerts validate -f alerts.yml', { kind: 'validate', files: ['alerts.yml'], common }],
    ['alerts validate -f a.yml --file b.json -f dir', { kind: 'validate', files: ['a.yml', 'b.json', 'dir'], common }],
    ['alerts diff -f alerts/', { kind: 'diff', files: ['alerts/'], prune: false, common }],
    ['alerts diff -f alerts/ --prune', { kind: 'diff', files: ['alerts/'], prune: true, common }],
    ['alerts apply -f alerts --prune --as U0ADMIN01 --root=/repo', { kind: 'apply', files: ['alerts'], prune: true, common: { actor: 'U0ADMIN01', root: '/repo' } }],
    ['alerts export', { kind: 'export', output: null, filter: noFilter, common }],
    ['alerts export -o all.yml --key a --key b --owner U0ALICE01 --type report', { kind: 'export', output: 'all.yml', filter: { ...noFilter, keys: ['a', 'b'], owner: 'U0ALICE01', type: 'report' }, common }],
    ['alerts export --managed-by team/sales.yml', { kind: 'export', output: null, filter: { ...noFilter, managedBy: 'team/sales.yml' }, common }],
    ['alerts export --unmanaged --output=-', { kind: 'export', output: '-', filter: { ...noFilter, unmanaged: true }, common }],
  ])('%s', (line, expected) => {
    expect(parseCliArgs(line === '' ? [] : line.split(' '))).toEqual(expected);
  });

  it.each([
    ['rules list', /unknown command "rules"/],
    ['alerts aply -f x', /unknown command "alerts aply"/],
    ['alerts apply', /apply needs -f/],
    ['alerts apply -f', /-f needs a value/],
    ['alerts apply -f --prune', /-f needs a value/],
    ['alerts apply x.yml', /unexpected "x.yml"; give files with -f/],
    ['alerts apply -f x --force', /unknown option --force/],
    ['alerts validate -f x --prune', /--prune does not apply to validate/],
    ['alerts export -f x', /-f does not apply to export/],
    ['alerts export --type metric', /--type is alert or report/],
    ['alerts export --managed-by a.yml --unmanaged', /not both/],
    ['alerts export -o a -o b', /-o is given 2 times/],
    ['alerts apply -f x --as alice', /--as needs a Slack user id/],
    ['alerts apply -f x --prune=yes', /--prune takes no value/],
  ])('%s → usage', (line, message) => {
    const parsed = parseCliArgs(line.split(' '));
    expect(parsed.kind).toBe('usage');
    expect(parsed.kind === 'usage' && parsed.message).toMatch(message);
  });

  it('documents every command and the exit codes', () => {
    for (const word of ['validate', 'diff', 'apply', 'export', '--prune', '--as', '--root', 'Exit codes: 0 ok, 1 invalid']) expect(USAGE).toContain(word);
  });
});
