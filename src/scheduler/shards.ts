// Alerts are spread over S shards; each shard is one every-minute Agenda job, so Agenda's
// locks spread the shards (not thousands of per-alert jobs) over instances.

/** FNV-1a: stable across processes and versions, unlike anything seeded. */
export function shardOf(alertId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < alertId.length; i += 1) {
    hash ^= alertId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

export const DISPATCH_JOB_PREFIX = 'lookout-dispatch-shard-';

export function shardJobName(shard: number): string {
  return `${DISPATCH_JOB_PREFIX}${shard}`;
}

export function shardJobNames(shards: number): string[] {
  return Array.from({ length: shards }, (_, shard) => shardJobName(shard));
}
