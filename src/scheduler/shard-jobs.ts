// Each shard (domain/shards.ts) is one every-minute Agenda job, so Agenda's locks spread the
// shards (not thousands of per-alert jobs) over instances.

export const DISPATCH_JOB_PREFIX = 'lookout-dispatch-shard-';

export function shardJobName(shard: number): string {
  return `${DISPATCH_JOB_PREFIX}${shard}`;
}

export function shardJobNames(shards: number): string[] {
  return Array.from({ length: shards }, (_, shard) => shardJobName(shard));
}
