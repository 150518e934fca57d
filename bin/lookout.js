#!/usr/bin/env node
// `npx lookout alerts validate|diff|apply|export …`: runs the CLI from its TypeScript source
// through tsx, as `npm start` runs src/main.ts (node --import tsx).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
