// Alert files as text (issue 5/6): YAML or JSON (JSON is YAML), read with the `yaml` package so
// that every problem can name its line — a syntax error where the parser stopped, a field error
// at the field's node (or, for a missing field, at the nearest node that is there). Pure: the
// caller reads the files; bounded in bytes and alerts.
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { MAX_ALERTS_PER_FILE } from './alert-schema.js';

/** Bytes one alert file may hold. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** A place in a file, 1-based. */
export interface Place {
  line: number;
  column: number;
}

/** What is wrong, where: a field of an alert, or the file itself (alert null). */
export interface FileProblem extends Place {
  /** The file as shown to people (its managing name). */
  file: string;
  /** The alert's position in the file, 0-based; null for the file itself. */
  alert: number | null;
  /** The modal's field key (`schedule.cron`), or null. */
  field: string | null;
  message: string;
}

/** One alert of a file: what it says, and where. */
export interface FileAlert {
  index: number;
  raw: unknown;
  /** Where the alert's entry starts. */
  place: Place;
}

export interface AlertFile {
  /** The file's name as alerts record it (managedBy): relative, with '/'. */
  name: string;
  alerts: FileAlert[];
  /** Syntax and shape problems (a file with any has no alerts). */
  problems: FileProblem[];
  /** Where a field of an alert is: the field's value, or its nearest enclosing node. */
  placeOf(alert: number, field: string | null): Place;
}

/** Reads an alert file's text; `name` is how the file is named in problems and in managedBy. */
export function readAlertFile(name: string, text: string): AlertFile {
  const lines = new LineCounter();
  const problem = (place: Place, message: string, alert: number | null = null, field: string | null = null): FileProblem => ({ file: name, ...place, alert, field, message });
  const start: Place = { line: 1, column: 1 };
  const bare = (problems: FileProblem[]): AlertFile => ({ name, alerts: [], problems, placeOf: () => start });
  if (Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) return bare([problem(start, `is larger than ${MAX_FILE_BYTES / 1024} KiB; split it into several files`)]);

  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined): Place => {
    const pos = lines.linePos(offset ?? 0);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) return bare(doc.errors.map((e) => problem(at(e.pos[0]), e.message.split('\n')[0] ?? 'cannot be read as YAML')));

  const root = doc.contents;
  if (!isMap(root)) return bare([problem(at(root?.range?.[0]), 'an alert file is a mapping with an "alerts:" list')]);
  const problems: FileProblem[] = [];
  for (const pair of root.items) {
    const key = pair.key as unknown as { value?: unknown; range?: [number] } | null;
    if (key?.value !== 'alerts' && key?.value !== '$schema') {
      problems.push(problem(at(key?.range?.[0]), `"${String(key?.value)}" is not part of an alert file; list alerts under "alerts:"`));
    }
  }
  const list = root.get('alerts', true) as unknown;
  if (!isSeq(list)) problems.push(problem(at((list as { range?: [number] } | undefined)?.range?.[0] ?? root.range?.[0]), 'list the alerts under "alerts:"'));
  else if (list.items.length > MAX_ALERTS_PER_FILE) problems.push(problem(at(list.range?.[0]), `holds ${list.items.length} alerts; at most ${MAX_ALERTS_PER_FILE} in one file`));
  if (problems.length > 0 || !isSeq(list)) return bare(problems);

  const js = doc.toJS({ maxAliasCount: 100 }) as { alerts: unknown[] };
  const placeOf = (alert: number, field: string | null): Place => at(nearestNode(doc, ['alerts', alert, ...(field === null || field === '' ? [] : field.split('.').map(segment))]));
  return {
    name,
    alerts: js.alerts.map((raw, index) => ({ index, raw, place: placeOf(index, null) })),
    problems: [],
    placeOf,
  };
}

/** A path segment: list positions are numbers. */
function segment(part: string): string | number {
  return /^\d+$/.test(part) ? Number(part) : part;
}

/** The offset of the node at `path`, or of its nearest ancestor that exists. */
function nearestNode(doc: Document, path: (string | number)[]): number | undefined {
  for (let depth = path.length; depth > 0; depth -= 1) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node?.range !== undefined) return node.range[0];
  }
  return undefined;
}

/** `file:line:column: message`, the form editors and CI annotations read. */
export function formatProblem(p: FileProblem, key?: string | null): string {
  const what = p.alert === null ? '' : `alerts[${p.alert}]${key ? ` (${key})` : ''}${p.field ? ` ${p.field}` : ''}: `;
  return `${p.file}:${p.line}:${p.column}: ${what}${p.message}`;
}
