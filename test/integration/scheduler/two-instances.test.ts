// Two Lookout instances with real Agenda on one PostgreSQL database: every tick of 200 alerts
// due at the same minute is evaluated and sent exactly once (test/support/two-instances.ts).
import { createTempDatabase } from '../../support/postgres.js';
import { describeTwoInstances } from '../../support/two-instances.js';

describeTwoInstances('two scheduler instances on one database', async () => {
  const db = await createTempDatabase();
  return { store: { kind: 'postgres', url: db.url }, drop: () => db.drop() };
});
