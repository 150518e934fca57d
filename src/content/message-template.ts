// Per-alert message templates: Mustache (logic-less) over the alert, its value and the first
// rows: {{name}}, {{value}}, {{threshold}}, {{description}}, {{rows.0.region}}, {{#rows}}…{{/rows}}.
// Every piece of output is escaped for where it goes, the template's own text included:
// mrkdwn escapes only & < > (so *bold* works, but never <!channel> or a disguised link),
// HTML escapes fully, text escapes nothing. Triple braces cannot unescape anything, because
// the values are escaped before Mustache sees them.
import Mustache from 'mustache';
import type { Alert, Cell, QueryResult } from '../domain/types.js';

export type TemplateFormat = 'mrkdwn' | 'html' | 'text';

export interface TemplateData {
  alert: Pick<Alert, 'name' | 'description' | 'condition'>;
  value: string | null;
  result: QueryResult | null;
}

/** Rows a template can reach; a template is a message, not a report generator. */
export const TEMPLATE_ROWS = 100;

const ESCAPES: Record<TemplateFormat, (s: string) => string> = {
  mrkdwn: (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  html: (s) =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
  text: (s) => s,
};

/** The rendered template; a template Mustache cannot parse renders as its escaped text. */
export function renderMessageTemplate(template: string, data: TemplateData, format: TemplateFormat): string {
  const escape = ESCAPES[format];
  // The template's own text is escaped between the Mustache tags.
  const source = template.replace(/([\s\S]*?)(\{\{\{[\s\S]*?\}\}\}|\{\{[\s\S]*?\}\}|$)/g, (_, text: string, tag: string) => escape(text) + tag);
  try {
    return Mustache.render(source, view(data, escape), {}, { escape: (v: unknown) => String(v) });
  } catch {
    return escape(template);
  }
}

/** Why a template cannot be used, or null when Mustache can parse it (for the modal). */
export function templateProblem(template: string): string | null {
  try {
    Mustache.parse(template);
    return null;
  } catch (err) {
    return `the template cannot be read: ${(err as Error).message.split('\n')[0] ?? 'syntax error'}`;
  }
}

function view(data: TemplateData, escape: (s: string) => string): Record<string, unknown> {
  const cell = (c: Cell | undefined): string => (c === null || c === undefined ? 'NULL' : escape(String(c)));
  const columns = data.result?.columns ?? [];
  const rows = (data.result?.rows ?? []).slice(0, TEMPLATE_ROWS).map((row) => {
    const named: Record<string, string> = {};
    columns.forEach((column, i) => {
      named[column] = cell(row[i]);
    });
    return named;
  });
  const condition = data.alert.condition;
  return {
    name: escape(data.alert.name),
    description: escape(data.alert.description),
    value: escape(data.value ?? ''),
    threshold: condition && 'threshold' in condition ? escape(String(condition.threshold)) : '',
    condition: condition ? escape(condition.op) : '',
    rows,
    rowCount: data.result?.rows.length ?? 0,
    columns: columns.map(escape),
  };
}
