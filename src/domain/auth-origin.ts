// Which origin a screenshots.auth entry's credentials go to. Browser cookies ignore ports (and,
// unless Secure, schemes), so a key means one exact origin — scheme, host and port — and the
// credentials are added to requests for that origin only (credentials.ts). Pure.

export type AuthOriginResult = { ok: true; origin: string } | { ok: false; reason: string };

const SHAPE = 'is not an origin: write https://host[:port] or http://host[:port] (a bare host[:port] means https)';

/**
 * The origin of a screenshots.auth key: "https://grafana.internal:3000" and "http://…" as
 * written; a bare "grafana.internal" is https://grafana.internal (port 443) and
 * "grafana.internal:3000" is https://grafana.internal:3000 — for plain http, write the scheme.
 */
export function authOrigin(key: string): AuthOriginResult {
  const text = key.trim();
  const written = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(written);
  } catch {
    return { ok: false, reason: SHAPE };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: `${SHAPE}; ${url.protocol} is neither` };
  // Only an origin: no user, path, query or fragment (those would suggest a scope it does not have).
  const bare = url.username === '' && url.password === '' && url.search === '' && url.hash === '' && url.pathname === '/';
  if (!bare || /[/?#@]/.test(written.slice(url.protocol.length + 2).replace(/\/$/, ''))) return { ok: false, reason: SHAPE };
  return { ok: true, origin: url.origin };
}

/** Every key's origin, or the first key that is not one and why (for the start-up check). */
export function authOrigins(keys: string[]): { ok: true; origins: Map<string, string> } | { ok: false; key: string; reason: string } {
  const origins = new Map<string, string>();
  const byOrigin = new Map<string, string>();
  for (const key of keys) {
    const result = authOrigin(key);
    if (!result.ok) return { ok: false, key, reason: result.reason };
    const earlier = byOrigin.get(result.origin);
    if (earlier !== undefined) return { ok: false, key, reason: `means the same origin as "${earlier}" (${result.origin})` };
    byOrigin.set(result.origin, key);
    origins.set(key, result.origin);
  }
  return { ok: true, origins };
}

/**
 * The allowedUsers of the screenshots.auth origin `url` is on (empty: its credentials are for
 * everyone, or it has none), from a map of keys to allowedUsers.
 */
export function credentialUsersOf(users: Readonly<Record<string, readonly string[]>>, url: string): readonly string[] {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return [];
  }
  for (const [key, allowed] of Object.entries(users)) {
    const parsed = authOrigin(key);
    if (parsed.ok && parsed.origin === origin) return allowed;
  }
  return [];
}
