// The screenshot SSRF policy: address classes, then the URL check with a stand-in resolver
// so names can point anywhere without a DNS server.
import { describe, expect, it } from '@jest/globals';
import { cappedArea, MAX_CAPTURE_PIXELS } from '../../../src/capture/screenshot.js';
import { checkUrl, classifyAddress, type AddressClass, type LookupAll, type UrlPolicy } from '../../../src/capture/url-guard.js';

describe('classifyAddress', () => {
  const cases: [string, AddressClass][] = [
    ['127.0.0.1', 'loopback'],
    ['127.10.0.3', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['169.254.169.254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['169.254.10.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['172.32.0.1', 'public'],
    ['8.8.8.8', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['[::1]', 'loopback'],
  ];
  it.each(cases)('%s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it('refuses something that is not an IP address', () => {
    expect(() => classifyAddress('example.com')).toThrow(TypeError);
  });
});

// IPv6 forms that carry an IPv4 address reach that IPv4 host (through a NAT64 gateway, a 6to4
// or Teredo relay, a SIIT translator), so they are what they carry.
describe('classifyAddress on IPv6 forms embedding an IPv4 address', () => {
  const cases: [string, string, AddressClass][] = [
    // NAT64, well-known prefix 64:ff9b::/96 (RFC 6052).
    ['NAT64', '64:ff9b::169.254.169.254', 'metadata'],
    ['NAT64', '64:ff9b::a9fe:a9fe', 'metadata'],
    ['NAT64', '64:ff9b::7f00:1', 'loopback'],
    ['NAT64', '64:ff9b::10.1.2.3', 'private'],
    ['NAT64', '64:ff9b::169.254.10.1', 'link-local'],
    ['NAT64', '64:ff9b::8.8.8.8', 'public'],
    // Local-use NAT64 64:ff9b:1::/48 (RFC 8215), at the lengths an operator may pick.
    ['local-use NAT64 /96', '64:ff9b:1::169.254.169.254', 'metadata'],
    ['local-use NAT64 /96', '64:ff9b:1::127.0.0.1', 'loopback'],
    ['local-use NAT64 /96', '64:ff9b:1::8.8.8.8', 'public'],
    ['local-use NAT64 /48', '64:ff9b:1:7f00:0:100::', 'loopback'],
    ['local-use NAT64 /48', '64:ff9b:1:a9fe:a9:fe00::', 'metadata'],
    ['local-use NAT64 /64', '64:ff9b:1:0:a:102:300::', 'private'],
    ['local-use NAT64 /48, public', '64:ff9b:1:808:8:800::', 'public'],
    // A suffix that makes another length read as public does not hide the /48 reading.
    ['local-use NAT64 /48 with a suffix', '64:ff9b:1:7f00:0:100:808:808', 'loopback'],
    ['local-use NAT64 with nothing embedded', '64:ff9b:1::', 'unspecified'],
    // 6to4 2002::/16: the IPv4 address in bits 16–47.
    ['6to4', '2002:a9fe:a9fe::1', 'metadata'],
    ['6to4', '2002:7f00:1::', 'loopback'],
    ['6to4', '2002:c0a8:0101::1', 'private'],
    ['6to4', '2002:0808:0808::1', 'public'],
    // IPv4-compatible ::a.b.c.d (::/96, deprecated but still parsed).
    ['IPv4-compatible', '::169.254.169.254', 'metadata'],
    ['IPv4-compatible', '::127.0.0.1', 'loopback'],
    ['IPv4-compatible', '::10.0.0.1', 'private'],
    ['IPv4-compatible', '::8.8.8.8', 'public'],
    // IPv4-translated ::ffff:0:a.b.c.d (SIIT, RFC 2765).
    ['IPv4-translated', '::ffff:0:169.254.169.254', 'metadata'],
    ['IPv4-translated', '::ffff:0:127.0.0.1', 'loopback'],
    ['IPv4-translated', '::ffff:0:192.168.0.1', 'private'],
    ['IPv4-translated', '::ffff:0:8.8.8.8', 'public'],
    // IPv4-mapped, for completeness (BlockList already knew this one).
    ['IPv4-mapped', '::ffff:8.8.8.8', 'public'],
    // Teredo 2001:0::/32: server in bits 32–63, client inverted in the last 32; the stricter wins.
    ['Teredo (RFC 4380 example, both public)', '2001:0000:4136:e378:8000:63bf:3fff:fdd2', 'public'],
    ['Teredo with the metadata address as server', '2001:0:a9fe:a9fe::f7f7:f7f7', 'metadata'],
    ['Teredo with a loopback client', '2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'],
    ['Teredo with a private client', '2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private'],
    ['Teredo with a link-local client and a loopback server', '2001:0:7f00:1::5601:fffe', 'link-local'],
    // Neither prefix: an ordinary public address.
    ['2001:db8::/32 (not Teredo)', '2001:db8::a9fe:a9fe', 'public'],
    ['a zone id', 'fe80::1%eth0', 'link-local'],
  ];
  it.each(cases)('%s %s is %s', (_form, ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });
});

describe('checkUrl', () => {
  const policy: UrlPolicy = { allowedHosts: ['dash.example.com', '*.grafana.example.com', '169.254.169.254', '127.0.0.1', 'localhost', '0.0.0.0'], allowLoopback: false };
  const names: Record<string, string[]> = {
    'dash.example.com': ['10.0.0.5'],
    'eu.grafana.example.com': ['203.0.113.7', '169.254.169.254'],
    'localhost': ['127.0.0.1', '::1'],
  };
  const lookups: string[] = [];
  const lookup: LookupAll = async (hostname) => {
    lookups.push(hostname);
    const found = names[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

  it('allows an allowed host on a private address: internal dashboards are the point', async () => {
    await expect(checkUrl('https://dash.example.com/d/1?orgId=2', policy, lookup)).resolves.toEqual({ ok: true });
  });

  it.each([
    ['file:///etc/passwd', 'only http and https pages can be captured, not file: addresses'],
    ['data:text/html,<h1>hi</h1>', 'only http and https pages can be captured, not data: addresses'],
    ['chrome://settings', 'only http and https pages can be captured, not chrome: addresses'],
    ['javascript:alert(1)', 'only http and https pages can be captured, not javascript: addresses'],
    ['not a url', 'the screenshot address is not a valid URL'],
    ['https://evil.example.net/', 'evil.example.net is not in screenshots.allowedHosts in lookout.config.yml'],
    ['https://grafana.example.com/', 'grafana.example.com is not in screenshots.allowedHosts in lookout.config.yml'],
  ])('refuses %s', async (url, reason) => {
    await expect(checkUrl(url, policy, lookup)).resolves.toEqual({ ok: false, reason });
  });

  it('refuses the metadata address even when it is on the allow-list', async () => {
    await expect(checkUrl('http://169.254.169.254/latest/meta-data/', policy, lookup)).resolves.toEqual({
      ok: false,
      reason: '169.254.169.254 is a link-local/cloud metadata address, which screenshots may never open',
    });
  });

  it('refuses a name when any of its addresses is forbidden', async () => {
    await expect(checkUrl('https://eu.grafana.example.com/', policy, lookup)).resolves.toEqual({
      ok: false,
      reason: 'eu.grafana.example.com resolves to 169.254.169.254, a link-local/cloud metadata address, which screenshots may never open',
    });
  });

  it('refuses loopback unless allowLoopback is set', async () => {
    const refused = await checkUrl('http://localhost:3000/', policy, lookup);
    expect(refused).toEqual({ ok: false, reason: expect.stringContaining('localhost resolves to 127.0.0.1, a loopback address') });
    await expect(checkUrl('http://localhost:3000/', { ...policy, allowLoopback: true }, lookup)).resolves.toEqual({ ok: true });
    await expect(checkUrl('http://127.0.0.1:3000/', { ...policy, allowLoopback: true }, lookup)).resolves.toEqual({ ok: true });
  });

  it('reads IP literals the way browsers do, without asking DNS', async () => {
    lookups.length = 0;
    // 0x7f.1 and 2130706433 are 127.0.0.1 to the WHATWG URL parser, as to Chromium.
    for (const url of ['http://0x7f.1/', 'http://2130706433/', 'http://127.0.0.1/']) {
      expect(await checkUrl(url, policy, lookup)).toEqual({ ok: false, reason: expect.stringContaining('127.0.0.1 is a loopback address') });
    }
    await expect(checkUrl('http://0.0.0.0/', { ...policy, allowLoopback: true }, lookup)).resolves.toEqual({
      ok: false,
      reason: '0.0.0.0 is an unspecified address (0.0.0.0 or ::), which screenshots may never open',
    });
    expect(lookups).toEqual([]);
  });

  it('refuses IPv4-mapped IPv6 literals by their IPv4 class', async () => {
    const mapped = { ...policy, allowedHosts: ['::ffff:a9fe:a9fe'] };
    await expect(checkUrl('http://[::ffff:169.254.169.254]/', mapped, lookup)).resolves.toEqual({
      ok: false,
      reason: '::ffff:a9fe:a9fe is a link-local/cloud metadata address, which screenshots may never open',
    });
  });

  it('refuses a name whose address embeds the metadata address (NAT64, DNS64)', async () => {
    const nat64: LookupAll = async () => [{ address: '64:ff9b::a9fe:a9fe', family: 6 }];
    await expect(checkUrl('https://dash.example.com/', policy, nat64)).resolves.toEqual({
      ok: false,
      reason: 'dash.example.com resolves to 64:ff9b::a9fe:a9fe, a link-local/cloud metadata address, which screenshots may never open',
    });
  });

  it('says when a name does not resolve', async () => {
    await expect(checkUrl('https://nowhere.grafana.example.com/', policy, lookup)).resolves.toEqual({
      ok: false,
      reason: 'nowhere.grafana.example.com could not be resolved (ENOTFOUND)',
    });
  });
});

describe('cappedArea', () => {
  it.each<[string, [number, number, number], { width: number; height: number }]>([
    ['a viewport within the bound, as it is', [1280, 800, 1], { width: 1280, height: 800 }],
    ['the largest viewport at scale 1, as it is', [4096, 8192, 1], { width: 4096, height: 8192 }],
    ['a page 120,000 px tall, cut in height', [1280, 120_000, 1], { width: 1280, height: 26_214 }],
    ['the largest viewport at scale 3, cut in height', [4096, 8192, 3], { width: 4096, height: 910 }],
    ['an element wider than the bound, cut in width first', [40_000_000, 10, 1], { width: MAX_CAPTURE_PIXELS, height: 1 }],
    ['a fraction of a pixel, rounded up', [0.4, 10.2, 1], { width: 1, height: 11 }],
  ])('%s', (_, [width, height, scale], expected) => {
    const area = cappedArea(width, height, scale);
    expect(area).toEqual(expected);
    expect(area.width * area.height * scale * scale).toBeLessThanOrEqual(MAX_CAPTURE_PIXELS);
  });
});
