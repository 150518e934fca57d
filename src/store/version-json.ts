// A version's spec as the stores keep it (jsonb in PostgreSQL, a sub-document in MongoDB), read
// back whatever was stored: a field a version saved before it existed reads as what alerts made
// before it had, so an old version can still be shown and restored.
import { normalizeContent } from '../domain/content.js';
import { keyFromName } from '../domain/alert-key.js';
import { LEGACY_RULES, LEGACY_TRIAGE, type AlertSpec } from '../domain/types.js';
import { measureFrom } from './series-json.js';

export function specFrom(raw: unknown): AlertSpec {
  const stored = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<AlertSpec>;
  return {
    ...LEGACY_RULES,
    ...LEGACY_TRIAGE,
    ...stored,
    key: typeof stored.key === 'string' ? stored.key : keyFromName(String(stored.name ?? '')),
    measure: measureFrom(stored.measure),
    content: normalizeContent(stored.content),
  } as AlertSpec;
}
