// Alerts are spread over S shards by a hash of their id, decided when an alert is created.

/** FNV-1a: stable across processes and versions, unlike anything seeded. */
export function shardOf(alertId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < alertId.length; i += 1) {
    hash ^= alertId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}
