// Puts screenshots.auth credentials on a page's requests (credentials.ts decides which request
// gets what). Only requests to hosts that have credentials are paused (Fetch patterns on a
// session of the page's own), so the page's other requests, and its dedicated workers', go
// straight on; which hosts the page may reach at all is the egress proxy's business.
import type { Page, Protocol } from 'puppeteer';
import type { Logger } from '../logger.js';
import type { CredentialRules } from './credentials.js';

/** Fetch URL patterns for every scheme and port of `host`. */
export function hostPatterns(host: string): string[] {
  return ['http', 'https'].flatMap((scheme) => [`${scheme}://${host}/*`, `${scheme}://${host}:*`]);
}

/** Starts adding credentials to `page`'s requests; the returned function stops it. */
export async function addCredentials(page: Page, rules: CredentialRules, log: Logger): Promise<() => Promise<void>> {
  const hosts = rules.hosts();
  if (hosts.length === 0) return async () => undefined;
  const session = await page.createCDPSession();
  session.on('Fetch.requestPaused', (event: Protocol.Fetch.RequestPausedEvent) => {
    const sent = Object.fromEntries(Object.entries(event.request.headers).map(([name, value]) => [name.toLowerCase(), value]));
    const headers = rules.rewrite(event.request.url, sent);
    const answer = session.send('Fetch.continueRequest', {
      requestId: event.requestId,
      ...(headers === null ? {} : { headers: Object.entries(headers).map(([name, value]) => ({ name, value })) }),
    });
    // The page may have closed under the request.
    answer.catch((err: unknown) => log.debug({ err }, 'credentials not added: the request is gone'));
  });
  await session.send('Fetch.enable', {
    patterns: hosts.flatMap(hostPatterns).map((urlPattern) => ({ urlPattern, requestStage: 'Request' as const })),
  });
  return async () => {
    await session.detach().catch(() => undefined);
  };
}
