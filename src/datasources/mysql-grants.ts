// Reads MySQL/MariaDB `SHOW GRANTS` lines into what the user may do beyond reading. Anything
// not known to be harmless counts, so a privilege added by a later server version is reported
// rather than missed. Role grants are returned for the caller to expand (SHOW GRANTS FOR role).
import type { PrivilegeFinding } from './port.js';

/** Privileges that only read, or whose statements Lookout refuses and a reset undoes. */
const HARMLESS = new Set([
  'USAGE',
  'SELECT',
  'SHOW VIEW',
  'SHOW DATABASES',
  'PROCESS',
  'EXECUTE', // routines run inside Lookout's read-only transaction
  'REPLICATION CLIENT',
  'BINLOG MONITOR',
  'SLAVE MONITOR',
  'REPLICA MONITOR',
  'LOCK TABLES', // a statement without result columns: refused; and the reset unlocks
  'CREATE TEMPORARY TABLES', // likewise; temporary tables end with the reset
]);

const MEANINGS: Record<string, string> = {
  'ALL PRIVILEGES': 'can do everything the grant covers: change data and structure, and more',
  ALL: 'can do everything the grant covers: change data and structure, and more',
  FILE: 'can read and write files on the database server',
  SUPER: 'can change server settings, end other sessions and bypass read-only',
  'GRANT OPTION': 'can give its privileges to other users',
  PROXY: 'can act as other users',
  INSERT: 'can add rows',
  UPDATE: 'can change rows',
  DELETE: 'can delete rows',
  'DELETE HISTORY': 'can delete history rows',
  CREATE: 'can create databases and tables',
  DROP: 'can drop databases and tables',
  ALTER: 'can change tables',
  INDEX: 'can change indexes',
  TRIGGER: 'can create triggers',
  EVENT: 'can schedule events',
  'CREATE VIEW': 'can create views',
  'CREATE ROUTINE': 'can create stored routines',
  'ALTER ROUTINE': 'can change stored routines',
  'CREATE USER': 'can create and change users',
  SHUTDOWN: 'can stop the server',
  RELOAD: 'can flush and reload server state',
  'CONNECTION ADMIN': 'can end other sessions',
  'READ_ONLY ADMIN': 'can write when the server is read-only',
};

export interface ParsedGrants {
  findings: PrivilegeFinding[];
  /** Roles granted to the user, as SHOW GRANTS names them (e.g. `analyst` or `analyst`@`%`). */
  roles: string[];
}

/** Splits on `separator` outside backticks, quotes and parentheses. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '`' || c === "'" || c === '"') {
      quote = c;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (depth === 0 && text.startsWith(separator, i)) {
      parts.push(text.slice(start, i));
      start = i + separator.length;
      i += separator.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Parses the lines of SHOW GRANTS (MariaDB 10.x and MySQL 8). */
export function parseGrants(lines: readonly string[]): ParsedGrants {
  const findings: PrivilegeFinding[] = [];
  const roles: string[] = [];
  for (const line of lines) {
    const grant = /^GRANT\s+([\s\S]*)$/i.exec(line.trim());
    if (!grant) continue; // SET DEFAULT ROLE ..., REVOKE (MySQL partial revokes) ...
    const [head, ...rest] = splitTopLevel(grant[1]!, ' TO ');
    if (head === undefined || rest.length === 0) continue;
    const [privileges, on] = splitTopLevel(head, ' ON ');
    if (on === undefined) {
      // GRANT `role`[, `role2`] TO user: the role's own grants are read separately.
      roles.push(...splitTopLevel(privileges!, ',').map((r) => r.trim()).filter(Boolean));
      continue;
    }
    const object = on.trim();
    for (const raw of splitTopLevel(privileges!, ',')) {
      // Column lists ("INSERT (`a`, `b`)") do not change what the privilege allows.
      const privilege = raw.replace(/\([\s\S]*\)/, '').trim().toUpperCase().replace(/\s+/g, ' ');
      if (privilege === '' || HARMLESS.has(privilege)) continue;
      findings.push({ privilege: `${privilege} on ${object}`, meaning: MEANINGS[privilege] ?? 'more than reading' });
    }
    if (/\bWITH\s+GRANT\s+OPTION\b/i.test(rest.join(' TO '))) {
      findings.push({ privilege: `GRANT OPTION on ${object}`, meaning: MEANINGS['GRANT OPTION']! });
    }
  }
  return { findings, roles };
}
