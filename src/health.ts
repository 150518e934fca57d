// /healthz: is this instance able to do its job? The store must answer (within 2 s); the
// Slack socket must be connected when Slack is configured; the browser must not have failed
// its last launch when screenshots are on. Each part says why, so a 503 names what broke.
import type { Screenshotter } from './capture/port.js';
import type { Store } from './store/port.js';

export interface PartHealth {
  ok: boolean;
  detail: string;
}

export interface Health {
  ok: boolean;
  parts: { store: PartHealth; slack: PartHealth; browser: PartHealth };
}

export interface HealthSources {
  store: Pick<Store, 'ping'>;
  /** Null when Slack is not configured. */
  slack: { connected(): boolean } | null;
  /** Null when screenshots are off (no allowed hosts). */
  browser: Pick<Screenshotter, 'status'> | null;
}

const STORE_TIMEOUT_MS = 2_000;

export async function checkHealth(sources: HealthSources): Promise<Health> {
  const store = await storeHealth(sources.store);
  const slack: PartHealth =
    sources.slack === null
      ? { ok: true, detail: 'not configured' }
      : sources.slack.connected()
        ? { ok: true, detail: 'Socket Mode connected' }
        : { ok: false, detail: 'Socket Mode is not connected (reconnecting)' };
  const browser = browserHealth(sources.browser);
  return { ok: store.ok && slack.ok && browser.ok, parts: { store, slack, browser } };
}

async function storeHealth(store: Pick<Store, 'ping'>): Promise<PartHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<PartHealth>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `did not answer within ${STORE_TIMEOUT_MS / 1000} s` }), STORE_TIMEOUT_MS);
  });
  const ping = store.ping().then(
    (): PartHealth => ({ ok: true, detail: 'answers' }),
    (err: unknown): PartHealth => ({ ok: false, detail: err instanceof Error ? err.message : 'does not answer' }),
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function browserHealth(browser: HealthSources['browser']): PartHealth {
  if (browser === null) return { ok: true, detail: 'not used (screenshots are off)' };
  const status = browser.status();
  return { ok: status.state !== 'failed', detail: status.detail };
}
