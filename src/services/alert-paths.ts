// Alert files on disk (issue 5/6): each path a file, or a directory whose *.yml, *.yaml and *.json
// files are read, in name order, subdirectories included (hidden ones skipped). Every file is named
// relative to a root, with '/' — the name its alerts record as managedBy — so the same file is the
// same scope from any machine. Bounded in files and depth.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { readAlertFile, type AlertFile } from './alert-files.js';

/** Files read at most in one call. */
export const MAX_FILES = 500;
/** Subdirectory levels walked at most. */
const MAX_DEPTH = 8;
const ALERT_FILE = /\.(ya?ml|json)$/i;

export interface ReadPaths {
  files: AlertFile[];
  /** Paths that could not be read, with why. */
  unreadable: { path: string; message: string }[];
  /** The directories given, by their names relative to the root ('' for the root itself, else 'team/'). */
  directories: string[];
}

/** The name of `path` relative to `root`: 'team/sales.yml'. */
export function nameOf(root: string, path: string): string {
  return relative(root, resolve(root, path)).split(sep).join('/');
}

export async function readAlertPaths(paths: readonly string[], root: string): Promise<ReadPaths> {
  const out: ReadPaths = { files: [], unreadable: [], directories: [] };
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || found.length > MAX_FILES) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory() && depth < MAX_DEPTH) await walk(full, depth + 1);
      else if (entry.isFile() && ALERT_FILE.test(entry.name)) found.push(full);
    }
  };
  for (const path of paths) {
    const full = resolve(root, path);
    try {
      if ((await stat(full)).isDirectory()) {
        const name = nameOf(root, full);
        out.directories.push(name === '' ? '' : `${name}/`);
        await walk(full, 0);
      } else {
        found.push(full);
      }
    } catch (err) {
      out.unreadable.push({ path, message: describe(err) });
    }
  }
  if (found.length > MAX_FILES) {
    out.unreadable.push({ path: paths.join(' '), message: `holds more than ${MAX_FILES} alert files; apply them in parts` });
    return out;
  }
  for (const full of [...new Set(found)]) {
    try {
      out.files.push(readAlertFile(nameOf(root, full), await readFile(full, 'utf8')));
    } catch (err) {
      out.unreadable.push({ path: nameOf(root, full), message: describe(err) });
    }
  }
  return out;
}

function describe(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}
