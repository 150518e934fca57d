// `lookout alerts validate|diff|apply|export`: the command line as a typed command or a usage
// error. Pure; tested against every usage line.

export type CliCommand =
  | { kind: 'validate'; files: string[]; common: Common }
  | { kind: 'diff' | 'apply'; files: string[]; prune: boolean; common: Common }
  | { kind: 'export'; output: string | null; filter: ExportFilter; common: Common }
  | { kind: 'help' }
  | { kind: 'usage'; message: string };

export interface Common {
  /** The admin to act as (--as); null: the config's alertsActor. */
  actor: string | null;
  /** What file names are relative to (--root); null: the current directory. */
  root: string | null;
}

export interface ExportFilter {
  keys: string[];
  owner: string | null;
  type: 'alert' | 'report' | null;
  managedBy: string | null;
  /** Only alerts not managed by a file. */
  unmanaged: boolean;
}

export const USAGE = `Usage: lookout alerts <command> [options]

Commands:
  validate -f <file|dir>...          check alert files as the Slack form would; no store needed
  diff     -f <file|dir>... [--prune] what apply would create, change (the fields) and delete
  apply    -f <file|dir>... [--prune] make the store say what the files say (by key); nothing changes
                                      when any alert is invalid. --prune deletes the alerts the files
                                      manage that they no longer list
  export   [-o <file>] [--key <key>]... [--owner <U…>] [--type alert|report]
           [--managed-by <file> | --unmanaged]
                                      write alerts as a file that apply takes back unchanged

Options:
  --as <U…>      the admin to act as (default: alertsActor in lookout.config.yml)
  --root <dir>   file names (managedBy) are relative to it (default: the current directory)
  -h, --help     this text

Settings come from the environment and lookout.config.yml, as for Lookout itself.
Exit codes: 0 ok, 1 invalid alerts (nothing changed), 2 usage, settings or connection.`;

const VALUE_OPTIONS = new Set(['-f', '--file', '-o', '--output', '--key', '--owner', '--type', '--managed-by', '--as', '--root']);
const FLAG_OPTIONS = new Set(['--prune', '--unmanaged', '-h', '--help']);

export function parseCliArgs(argv: readonly string[]): CliCommand {
  const [group, command, ...rest] = argv;
  if (group === undefined || group === '-h' || group === '--help' || group === 'help') return { kind: 'help' };
  if (group !== 'alerts') return usage(`unknown command "${group}"; the commands are under "lookout alerts"`);
  if (command === undefined || command === '-h' || command === '--help') return { kind: 'help' };

  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (FLAG_OPTIONS.has(name)) {
      if (inline !== undefined) return usage(`${name} takes no value`);
      flags.add(name);
    } else if (VALUE_OPTIONS.has(name)) {
      const value = inline ?? rest[i + 1];
      if (inline === undefined) i += 1;
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('-') && value !== '-')) return usage(`${name} needs a value`);
      const key = { '--file': '-f', '--output': '-o' }[name] ?? name;
      values.set(key, [...(values.get(key) ?? []), value]);
    } else {
      return usage(arg.startsWith('-') ? `unknown option ${arg}` : `unexpected "${arg}"; give files with -f`);
    }
  }
  if (flags.has('-h') || flags.has('--help')) return { kind: 'help' };
  const one = (name: string): string | null | { error: string } => {
    const list = values.get(name) ?? [];
    return list.length > 1 ? { error: `${name} is given ${list.length} times` } : (list[0] ?? null);
  };
  const actor = one('--as');
  const root = one('--root');
  if (typeof actor === 'object' && actor !== null) return usage(actor.error);
  if (typeof root === 'object' && root !== null) return usage(root.error);
  if (actor !== null && !/^[UW][A-Z0-9]{2,}$/.test(actor)) return usage(`--as needs a Slack user id (U…), not "${actor}"`);
  const common: Common = { actor, root };
  const allowed = (names: string[]): string | null => {
    const extra = [...values.keys(), ...flags].find((n) => !names.includes(n) && !['--as', '--root'].includes(n));
    return extra === undefined ? null : `${extra} does not apply to ${command}`;
  };

  switch (command) {
    case 'validate':
    case 'diff':
    case 'apply': {
      const wrong = allowed(command === 'validate' ? ['-f'] : ['-f', '--prune']);
      if (wrong !== null) return usage(wrong);
      const files = values.get('-f') ?? [];
      if (files.length === 0) return usage(`${command} needs -f <file or directory>`);
      return command === 'validate' ? { kind: 'validate', files, common } : { kind: command, files, prune: flags.has('--prune'), common };
    }
    case 'export': {
      const wrong = allowed(['-o', '--key', '--owner', '--type', '--managed-by', '--unmanaged']);
      if (wrong !== null) return usage(wrong);
      const output = one('-o');
      const owner = one('--owner');
      const type = one('--type');
      const managedBy = one('--managed-by');
      for (const v of [output, owner, type, managedBy]) if (typeof v === 'object' && v !== null) return usage(v.error);
      if (type !== null && type !== 'alert' && type !== 'report') return usage(`--type is alert or report, not "${String(type)}"`);
      if (managedBy !== null && flags.has('--unmanaged')) return usage('give --managed-by or --unmanaged, not both');
      return {
        kind: 'export',
        output: output as string | null,
        filter: { keys: values.get('--key') ?? [], owner: owner as string | null, type: type as 'alert' | 'report' | null, managedBy: managedBy as string | null, unmanaged: flags.has('--unmanaged') },
        common,
      };
    }
    default:
      return usage(`unknown command "alerts ${command}"; use validate, diff, apply or export`);
  }
}

function usage(message: string): CliCommand {
  return { kind: 'usage', message };
}
