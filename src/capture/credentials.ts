// The credentials of screenshots.auth on the page's requests. They never enter the browser's
// cookie jar (which page script can read through document.cookie and which sends a cookie to
// every port of its host): the capture's request interception adds the configured cookies and
// headers to requests whose origin — scheme, host and port — is the configured one, and removes
// them from every other request. A redirect hop is a request of its own, so nothing follows a
// redirect elsewhere. Pure.
import { authOrigins } from '../domain/auth-origin.js';

/**
 * screenshots.auth: per origin (auth-origin.ts), headers sent with its requests and cookies sent
 * to it; allowedUsers, when not empty, limits them to captures for those people (and admins).
 */
export type ScreenshotAuth = Record<string, { headers: Record<string, string>; cookies: { name: string; value: string }[]; allowedUsers?: string[] }>;

export interface CredentialRules {
  /** The headers `url`'s request should go with (names lower-case), or null to leave it as it is. */
  rewrite(url: string, headers: Record<string, string>): Record<string, string> | null;
  /** The configured origins on `hostname`, for a hint when its page answers 401/403. */
  originsOn(hostname: string): string[];
  /** Host names (as URLs spell them) with credentials: only their requests need rewriting. */
  hosts(): string[];
}

/**
 * Throws on a key that is not an origin (config.ts refuses those at start-up). `mayUse` says
 * whether the capture may use an origin's credentials (by its allowedUsers); one it may not use
 * gets none, and still has them taken off like any other request.
 */
export function credentialRules(auth: ScreenshotAuth, mayUse: (allowedUsers: readonly string[]) => boolean = () => true): CredentialRules {
  const parsed = authOrigins(Object.keys(auth));
  if (!parsed.ok) throw new Error(`screenshots.auth."${parsed.key}" ${parsed.reason}`);
  const byOrigin = new Map([...parsed.origins].map(([key, origin]) => [origin, auth[key]!]));
  // Removed from every request first, so one origin's header never reaches another.
  const headerNames = new Set([...byOrigin.values()].flatMap((c) => Object.keys(c.headers).map((h) => h.toLowerCase())));
  /** Per host name, the cookie names configured for any of its origins. */
  const cookieNamesByHost = new Map<string, Set<string>>();
  for (const [origin, creds] of byOrigin) {
    const host = new URL(origin).hostname;
    const names = cookieNamesByHost.get(host) ?? new Set<string>();
    creds.cookies.forEach((c) => names.add(c.name));
    cookieNamesByHost.set(host, names);
  }

  return {
    rewrite(url, headers) {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return null;
      }
      const configured = byOrigin.get(target.origin);
      const own = configured !== undefined && mayUse(configured.allowedUsers ?? []) ? configured : undefined;
      // Cookies of these names on this host are ours (or a copy the server or page set on
      // another port): only the configured origin gets them, and only with the configured value.
      const ourNames = cookieNamesByHost.get(target.hostname);
      const strayHeader = Object.keys(headers).some((h) => headerNames.has(h.toLowerCase()));
      if (!own && !strayHeader && !ourNames) return null;

      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers)) {
        if (!headerNames.has(name.toLowerCase()) && name.toLowerCase() !== 'cookie') out[name.toLowerCase()] = value;
      }
      const jar = (headers.cookie ?? headers.Cookie ?? '')
        .split(';')
        .map((pair) => pair.trim())
        .filter((pair) => pair !== '' && !ourNames?.has(pair.split('=')[0]!.trim()));
      const cookies = [...jar, ...(own?.cookies ?? []).map((c) => `${c.name}=${c.value}`)];
      if (cookies.length > 0) out.cookie = cookies.join('; ');
      for (const [name, value] of Object.entries(own?.headers ?? {})) out[name.toLowerCase()] = value;
      return out;
    },

    originsOn(hostname) {
      return [...byOrigin.keys()].filter((origin) => new URL(origin).hostname === hostname);
    },

    hosts() {
      return [...cookieNamesByHost.keys()];
    },
  };
}
