// The alert both benchmarks seed: every minute on a trivial SQLite query whose condition holds,
// with a 1 s grace period, so it fires and sends at every tick (the heaviest case). The
// scheduler bench's --mix gives each its own schedule and query.
import type { NewAlert } from '../src/store/port.js';
import { shardOf } from '../src/domain/shards.js';
import { LEGACY_RULES, LEGACY_TRIAGE, type Schedule } from '../src/domain/types.js';

export function benchAlert(
  i: number,
  fields: { owner: string; channel: string; nextRunAt: Date | null; shards: number; now: Date; schedule?: Schedule; sql?: string },
): NewAlert {
  const id = crypto.randomUUID();
  return {
    id,
    key: `bench-${i}`,
    name: `bench ${i}`,
    description: '',
    owners: [fields.owner],
    type: 'alert',
    dataSource: 'bench',
    sql: fields.sql ?? 'SELECT v FROM t',
    condition: { op: '>', threshold: 0 },
    ...LEGACY_RULES,
    ...LEGACY_TRIAGE,
    labels: [],
    schedule: fields.schedule ?? { cron: '* * * * *', timezone: 'UTC' },
    gracePeriodS: 1,
    workingTimeoutS: 300,
    logRetentionDays: 1,
    content: { kind: 'none' },
    messageTemplate: null,
    recipients: [{ kind: 'slack_channel', id: fields.channel }],
    emailFallback: false,
    notifyOnRecovery: false,
    active: true,
    managedBy: null,
    nextRunAt: fields.nextRunAt,
    shard: shardOf(id, fields.shards),
    createdBy: fields.owner,
    createdAt: fields.now,
  };
}
