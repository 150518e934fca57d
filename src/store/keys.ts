// What both adapters do alike with the seen keys of new-rows alerts (port.ts, KeyStore).

/**
 * Keys per statement or bulk write: a call may hold 10,000 keys of up to 200 characters, and one
 * statement of them all would be a parameter (or a BSON document) of several megabytes.
 */
export const KEYS_PER_CHUNK = 1_000;

export function chunks<T>(items: readonly T[], size: number = KEYS_PER_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A key as the database keeps it: text goes over the wire as UTF-8, where a lone surrogate (a
 * key cut in the middle of an emoji) becomes U+FFFD, so the key read back is not the one given.
 */
export function storedForm(key: string): string {
  return Buffer.from(key, 'utf8').toString('utf8');
}

/**
 * The keys of `asked` whose stored form is in `found`: seenKeys answers with the caller's own
 * strings, so a key the database changed on the way in still counts as seen.
 */
export function seenOf(asked: readonly string[], found: ReadonlySet<string>): Set<string> {
  const seen = new Set<string>();
  for (const key of asked) if (found.has(storedForm(key))) seen.add(key);
  return seen;
}
