// The CONNECT target the egress proxy parses: host and port, normalised as URLs are, or nothing.
import { describe, expect, it } from '@jest/globals';
import { parseAuthority } from '../../../src/capture/egress-proxy.js';

describe('parseAuthority', () => {
  it.each([
    ['grafana.internal:443', { host: 'grafana.internal', port: 443 }],
    ['Grafana.Internal:3000', { host: 'grafana.internal', port: 3000 }],
    ['[::1]:8443', { host: '[::1]', port: 8443 }],
    ['[64:ff9b::a9fe:a9fe]:80', { host: '[64:ff9b::a9fe:a9fe]', port: 80 }],
    // Chromium would not send these, but the URL parser reads them as it would.
    ['0x7f.1:443', { host: '127.0.0.1', port: 443 }],
  ])('reads %s', (authority, target) => {
    expect(parseAuthority(authority)).toEqual(target);
  });

  it.each(['grafana.internal', 'grafana.internal:0', 'grafana.internal:65536', 'user@grafana.internal:443', 'a/b:443', '[::1]', ':443', 'http://x:443'])(
    'refuses %s',
    (authority) => {
      expect(parseAuthority(authority)).toBeNull();
    },
  );
});
