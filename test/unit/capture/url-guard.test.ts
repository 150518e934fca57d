// The screenshot SSRF policy: address classes, then the URL check with a stand-in resolver
// so names can point anywhere without a DNS server.
import { describe, expect, it } from '@jest/globals';
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

  it('says when a name does not resolve', async () => {
    await expect(checkUrl('https://nowhere.grafana.example.com/', policy, lookup)).resolves.toEqual({
      ok: false,
      reason: 'nowhere.grafana.example.com could not be resolved (ENOTFOUND)',
    });
  });
});
