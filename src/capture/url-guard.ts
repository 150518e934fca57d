// The SSRF policy for screenshots: which URLs the browser may open. Alert owners type the URL,
// so without this the bot would fetch cloud metadata or internal admin pages for anyone who
// can create an alert. The screenshot URL is checked up front; every connection the browser
// then makes (redirects, subresources, workers, sockets) is checked again by the egress proxy
// (egress-proxy.ts), which connects to the very address checked here.
import { BlockList, isIP } from 'node:net';
import { promises as dns } from 'node:dns';
import { holdsLogin, hostAllowed } from '../domain/content.js';
import { embeddedIPv4, ipv6Groups } from './embedded-ipv4.js';

export type UrlPolicy = {
  /** Exact names or "*.example.com" (screenshots.allowedHosts). */
  allowedHosts: string[];
  /** Whether 127.0.0.0/8 and ::1 may be opened (a dashboard on this machine). */
  allowLoopback: boolean;
};

export type AddressClass = 'loopback' | 'link-local' | 'metadata' | 'unspecified' | 'private' | 'public';

export type UrlVerdict = { ok: true } | { ok: false; reason: string };

/** Same shape as `dns.promises.lookup(name, { all: true })`; tests pass a fake. */
export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

function blockList(v4: string[], v6: string[]): BlockList {
  const list = new BlockList();
  const add = (cidr: string, type: 'ipv4' | 'ipv6') => {
    const [net, bits] = cidr.split('/') as [string, string | undefined];
    if (bits === undefined) list.addAddress(net, type);
    else list.addSubnet(net, Number(bits), type);
  };
  v4.forEach((c) => add(c, 'ipv4'));
  v6.forEach((c) => add(c, 'ipv6'));
  return list;
}

// Checked in this order: the metadata endpoints sit inside link-local and private ranges.
// BlockList matches IPv4-mapped IPv6 (::ffff:169.254.169.254) against the IPv4 rules.
const CLASSES: [AddressClass, BlockList][] = [
  // AWS/GCP/Azure/OpenStack, AWS over IPv6, Alibaba Cloud.
  ['metadata', blockList(['169.254.169.254', '100.100.100.200'], ['fd00:ec2::254'])],
  ['unspecified', blockList(['0.0.0.0/8'], ['::'])],
  ['loopback', blockList(['127.0.0.0/8'], ['::1'])],
  ['link-local', blockList(['169.254.0.0/16'], ['fe80::/10'])],
  // RFC 1918, carrier-grade NAT, unique local IPv6.
  ['private', blockList(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'], ['fc00::/7'])],
];

function classOf(address: string, type: 'ipv4' | 'ipv6'): AddressClass {
  for (const [kind, list] of CLASSES) if (list.check(address, type)) return kind;
  return 'public';
}

/** How strict each class is, for an address that embeds two (Teredo): the stricter one counts. */
const STRICTNESS: Record<AddressClass, number> = { public: 0, private: 1, loopback: 2, unspecified: 3, 'link-local': 4, metadata: 5 };

/**
 * What kind of address an IP literal is. An IPv6 form that embeds an IPv4 address (NAT64, 6to4,
 * Teredo, SIIT, IPv4-compatible; embedded-ipv4.ts) is judged by the strictest address it
 * carries. Throws on something that is not an IP address.
 */
export function classifyAddress(ip: string): AddressClass {
  const address = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(address);
  if (family === 0) throw new TypeError(`not an IP address: ${ip}`);
  if (family === 4) return classOf(address, 'ipv4');
  const own = classOf(address, 'ipv6');
  // ::, ::1, link-local, unique local and the metadata address are what they are.
  if (own !== 'public') return own;
  return embeddedIPv4(ipv6Groups(address))
    .map((v4) => classOf(v4, 'ipv4'))
    .reduce((a, b) => (STRICTNESS[b] > STRICTNESS[a] ? b : a), own);
}

/** Why an address may not be opened, or null when it may. */
function addressRefusal(host: string, address: string, policy: UrlPolicy): string | null {
  let kind: AddressClass;
  try {
    kind = classifyAddress(address);
  } catch {
    return `${host} resolved to something that is not an IP address`;
  }
  // "169.254.169.254 is a …" for a literal, "metadata.internal resolves to 169.254.169.254, a …" for a name.
  const subject = host === address ? `${address} is` : `${host} resolves to ${address},`;
  switch (kind) {
    case 'metadata':
    case 'link-local':
      return `${subject} a link-local/cloud metadata address, which screenshots may never open`;
    case 'unspecified':
      return `${subject} an unspecified address (0.0.0.0 or ::), which screenshots may never open`;
    case 'loopback':
      return policy.allowLoopback
        ? null
        : `${subject} a loopback address; set screenshots.allowLoopback in lookout.config.yml only if the dashboard runs on this machine`;
    case 'private':
    case 'public':
      return null;
  }
}

const defaultLookup: LookupAll = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** A host the browser may connect to, with every address it has (all of them passed). */
export type HostVerdict = { ok: true; addresses: string[] } | { ok: false; reason: string };

/** Whether the browser may open `url`: http(s) only, an allowed host, no forbidden address. */
export async function checkUrl(url: string, policy: UrlPolicy, lookup: LookupAll = defaultLookup): Promise<UrlVerdict> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'the screenshot address is not a valid URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, reason: `only http and https pages can be captured, not ${parsed.protocol} addresses` };
  }
  // Chromium keeps a URL's login for its context, so it would reach the next capture's pages
  // (alerts saved before the form refused these).
  if (holdsLogin(parsed)) {
    return { ok: false, reason: 'the address holds a user name or password; logins to dashboards are set by an admin (screenshots.auth)' };
  }
  // WHATWG parsing already turned 0x7f.1 or 2130706433 into 127.0.0.1, as Chromium does.
  const verdict = await checkHost(parsed.hostname, policy, lookup);
  return verdict.ok ? { ok: true } : verdict;
}

/**
 * Whether the browser may connect to `hostname` (a name or an IP literal, bracketed or not): an
 * allowed host whose every address is allowed. The addresses come back so the caller connects to
 * one of them rather than resolving the name again (which DNS rebinding would exploit).
 */
export async function checkHost(hostname: string, policy: UrlPolicy, lookup: LookupAll = defaultLookup): Promise<HostVerdict> {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!hostAllowed(host, policy.allowedHosts)) {
    return { ok: false, reason: `${host} is not in screenshots.allowedHosts in lookout.config.yml` };
  }
  let addresses: string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    try {
      addresses = (await lookup(host)).map((a) => a.address);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return { ok: false, reason: `${host} could not be resolved${typeof code === 'string' ? ` (${code})` : ''}` };
    }
    if (addresses.length === 0) return { ok: false, reason: `${host} could not be resolved (no addresses)` };
  }
  // Every address, not just the one the proxy will use: a name with a forbidden address is refused whole.
  for (const address of addresses) {
    const refusal = addressRefusal(host, address, policy);
    if (refusal !== null) return { ok: false, reason: refusal };
  }
  return { ok: true, addresses };
}
