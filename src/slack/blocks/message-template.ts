// Minimal message templates until a proper template library lands: {{name}}, {{value}},
// {{threshold}}, {{description}} and {{rows.<i>.<column>}} by plain replacement. The whole
// result is mrkdwn-escaped (template and values alike), so a template can use *bold* and
// _italics_ but never `<!channel>` or a disguised link. Unknown placeholders stay as written.
import type { Alert, QueryResult } from '../../domain/types.js';
import { escapeMrkdwn } from './mrkdwn.js';

export interface TemplateData {
  alert: Pick<Alert, 'name' | 'description' | 'condition'>;
  value: string | null;
  result: QueryResult | null;
}

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;

export function renderTemplate(template: string, data: TemplateData): string {
  let out = '';
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const [whole, key] = match;
    const at = match.index ?? 0;
    const value = key === undefined ? undefined : lookup(key, data);
    out += escapeMrkdwn(template.slice(last, at)) + escapeMrkdwn(value ?? whole);
    last = at + whole.length;
  }
  return out + escapeMrkdwn(template.slice(last));
}

function lookup(key: string, data: TemplateData): string | undefined {
  switch (key) {
    case 'name':
      return data.alert.name;
    case 'description':
      return data.alert.description;
    case 'value':
      return data.value ?? '';
    case 'threshold':
      return data.alert.condition && 'threshold' in data.alert.condition ? String(data.alert.condition.threshold) : '';
  }
  const rowRef = /^rows\.(\d+)\.(.+)$/.exec(key);
  if (rowRef && data.result) {
    const row = data.result.rows[Number(rowRef[1])];
    const column = data.result.columns.indexOf(rowRef[2] ?? '');
    if (row === undefined || column < 0) return '';
    const cell = row[column];
    return cell === null || cell === undefined ? 'NULL' : String(cell);
  }
  return undefined;
}
