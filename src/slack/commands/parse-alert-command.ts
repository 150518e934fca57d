// `/alert` is registered once; this pure parser turns its text into a typed subcommand or a
// usage message (STYLE.md §2.2). Names may contain spaces: quote them ("My alert", also with
// the curly quotes Slack clients type), or for most subcommands just write them out; for
// snooze the duration is always the last word.

export type AlertCommand =
  | { kind: 'create'; name: string | null }
  | { kind: 'list'; all: boolean }
  | { kind: 'edit' | 'pause' | 'resume' | 'delete' | 'run' | 'history'; ref: string }
  | { kind: 'snooze'; ref: string; durationMs: number; duration: string }
  | { kind: 'unsnooze'; ref: string }
  | { kind: 'help' }
  | { kind: 'doctor' }
  | { kind: 'usage'; message: string };

type RefKind = 'edit' | 'pause' | 'resume' | 'delete' | 'run' | 'history';
const REF_COMMANDS: readonly RefKind[] = ['edit', 'pause', 'resume', 'delete', 'run', 'history'];
const SUBCOMMANDS = ['create', 'list', ...REF_COMMANDS, 'snooze', 'help', 'doctor'] as const;

/** One line per subcommand: `/alert help` shows these, usage errors quote them. */
export const USAGE: Record<(typeof SUBCOMMANDS)[number], string> = {
  create: '/alert create [name] — open the form for a new alert or report',
  list: '/alert list [all] — your alerts (admins: `all` for everyone\'s)',
  edit: '/alert edit <name or id> — change an alert',
  pause: '/alert pause <name or id> — stop running it until resumed',
  resume: '/alert resume <name or id> — run it again (also ends a snooze)',
  delete: '/alert delete <name or id> — delete it and its history',
  run: '/alert run <name or id> — run it now, whatever its schedule',
  history: '/alert history <name or id> — its recent runs, and what each recipient got',
  snooze: '/alert snooze <name or id> <duration|off> — no runs for 30m, 1h, 2d, 1w, 1h30m…; off ends it',
  help: '/alert help — this list',
  doctor: '/alert doctor — recipients failing now and what to do; admins: Lookout\'s set-up too (data sources, channels, permissions)',
};

const MINUTE_MS = 60_000;
/** Weeks, days, hours, minutes: the order DURATION captures them in. */
const UNIT_MS = [7 * 24 * 60 * MINUTE_MS, 24 * 60 * MINUTE_MS, 60 * MINUTE_MS, MINUTE_MS] as const;
const DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;

/** `30m`, `1h`, `2d`, `1w`, `1h30m` (units largest first, each once) → milliseconds; null when not a duration or zero. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim().toLowerCase());
  if (match === null || match[0] === '') return null;
  const ms = match.slice(1).reduce((sum, part, i) => sum + (part === undefined ? 0 : Number(part) * (UNIT_MS[i] ?? 0)), 0);
  return ms > 0 && Number.isSafeInteger(ms) ? ms : null;
}

export function parseAlertCommand(text: string): AlertCommand {
  // Slack escapes &, < and > in command text even with should_escape off.
  const input = unescapeSlack(text).trim();
  if (input === '') return { kind: 'help' };
  const [word = '', ...rest] = input.split(/\s+/);
  const args = input.slice(word.length).trim();
  const sub = word.toLowerCase();

  switch (sub) {
    case 'help':
      return { kind: 'help' };
    case 'doctor':
      return args === '' ? { kind: 'doctor' } : usage(`\`doctor\` takes no arguments.`, 'doctor');
    case 'create': {
      if (args === '') return { kind: 'create', name: null };
      const name = parseRef(args);
      return typeof name === 'string' ? { kind: 'create', name } : usage(name.error, 'create');
    }
    case 'list':
      if (args === '') return { kind: 'list', all: false };
      if (rest.length === 1 && rest[0]?.toLowerCase() === 'all') return { kind: 'list', all: true };
      return usage(`\`list\` takes only \`all\`, not "${args}".`, 'list');
    case 'snooze':
      return parseSnooze(args);
    default: {
      const kind = REF_COMMANDS.find((k) => k === sub);
      if (kind === undefined) {
        return { kind: 'usage', message: `Unknown subcommand "${word}". Try one of: ${SUBCOMMANDS.join(', ')} — or \`/alert help\`.` };
      }
      if (args === '') return usage(`\`${kind}\` needs the name or id of an alert.`, kind);
      const ref = parseRef(args);
      return typeof ref === 'string' ? { kind, ref } : usage(ref.error, kind);
    }
  }
}

function parseSnooze(args: string): AlertCommand {
  if (args === '') return usage('`snooze` needs the name or id of an alert and a duration.', 'snooze');
  const lastSpace = args.search(/\s\S+$/);
  if (lastSpace < 0) {
    const alone = parseDuration(args) !== null || args.toLowerCase() === 'off';
    return usage(alone ? '`snooze` needs the name or id of an alert before the duration.' : '`snooze` needs a duration after the name, e.g. `1h` or `2d`.', 'snooze');
  }
  const duration = args.slice(lastSpace + 1);
  const ref = parseRef(args.slice(0, lastSpace));
  if (typeof ref !== 'string') return usage(ref.error, 'snooze');
  if (duration.toLowerCase() === 'off') return { kind: 'unsnooze', ref };
  const durationMs = parseDuration(duration);
  if (durationMs === null) {
    return usage(`"${duration}" is not a duration: use minutes, hours, days or weeks like 30m, 1h, 2d, 1w or 1h30m, or \`off\`.`, 'snooze');
  }
  return { kind: 'snooze', ref, durationMs, duration: duration.toLowerCase() };
}

/** A name or id: quoted ("…" or “…”) or written out as is. */
function parseRef(text: string): string | { error: string } {
  const trimmed = text.trim();
  const open = trimmed[0];
  if (open === '"' || open === '“' || open === '”') {
    const close = trimmed.slice(1).search(/["“”]/);
    if (close < 0) return { error: `The name ${trimmed} has no closing quote.` };
    const after = trimmed.slice(close + 2).trim();
    if (after !== '') return { error: `Unexpected "${after}" after the quoted name.` };
    const name = trimmed.slice(1, close + 1).trim();
    return name === '' ? { error: 'The quoted name is empty.' } : name;
  }
  return trimmed;
}

function usage(message: string, sub: keyof typeof USAGE): AlertCommand {
  return { kind: 'usage', message: `${message} Usage: \`${USAGE[sub].split(' — ')[0] ?? ''}\`` };
}

function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
