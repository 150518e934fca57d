// Service workers are off. Chromium has no switch for that, and page-level request
// interception does not see a registration's script fetch (the browser process makes it). The
// browser target's Fetch domain does, and that fetch is the one request carrying
// "Service-Worker: script": failing it makes navigator.serviceWorker.register() reject, so no
// worker exists to outlive a capture, answer a later page's requests or fetch on its behalf.
// Only requests of type Other are paused here (service worker scripts are of that type), so
// the pages' own requests do not wait for Lookout twice.
import type { Browser, Protocol } from 'puppeteer';
import type { Logger } from '../logger.js';

export function isServiceWorkerScript(headers: Protocol.Network.Headers): boolean {
  return Object.entries(headers).some(([name, value]) => name.toLowerCase() === 'service-worker' && value === 'script');
}

/** Refuses every service worker registration in `browser` from now on. */
export async function refuseServiceWorkers(browser: Browser, log: Logger): Promise<void> {
  const session = await browser.target().createCDPSession();
  session.on('Fetch.requestPaused', (event: Protocol.Fetch.RequestPausedEvent) => {
    const answer = isServiceWorkerScript(event.request.headers)
      ? session.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'BlockedByClient' })
      : session.send('Fetch.continueRequest', { requestId: event.requestId });
    // The request's page may have closed meanwhile.
    answer.catch((err: unknown) => log.debug({ err }, 'service worker check dropped'));
  });
  await session.send('Fetch.enable', { patterns: [{ urlPattern: '*', resourceType: 'Other', requestStage: 'Request' }] });
}
