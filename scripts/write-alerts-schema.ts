// Writes schema/alerts.schema.json from the alert schema (src/services/alert-schema.ts):
// `npm run schema` after changing a field. test/unit/services/alert-schema.test.ts fails while
// the committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { alertsJsonSchemaText, ALERTS_SCHEMA_PATH } from '../src/services/alert-schema.js';

writeFileSync(new URL(`../${ALERTS_SCHEMA_PATH}`, import.meta.url), alertsJsonSchemaText());
console.log(`wrote ${ALERTS_SCHEMA_PATH}`);
