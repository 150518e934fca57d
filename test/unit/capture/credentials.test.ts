// screenshots.auth keys as origins, and which request gets which credentials: the configured
// origin exactly (scheme, host and port), nothing for any other, whatever the page put in the jar.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { authOrigin, authOrigins, credentialUsersOf } from '../../../src/domain/auth-origin.js';
import { credentialRules } from '../../../src/capture/credentials.js';
import { hostPatterns } from '../../../src/capture/page-credentials.js';
import { loadConfig } from '../../../src/config.js';

describe('authOrigin', () => {
  it.each([
    ['https://grafana.internal:3000', 'https://grafana.internal:3000'],
    ['http://grafana.internal:3000', 'http://grafana.internal:3000'],
    ['https://grafana.internal/', 'https://grafana.internal'],
    ['HTTPS://Grafana.Internal:443', 'https://grafana.internal'],
    // Keys written before origins: a bare host, or host:port, is https.
    ['grafana.internal', 'https://grafana.internal'],
    ['grafana.internal:3000', 'https://grafana.internal:3000'],
    ['127.0.0.1:8080', 'https://127.0.0.1:8080'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
  ])('%s means %s', (key, origin) => {
    expect(authOrigin(key)).toEqual({ ok: true, origin });
  });

  it.each(['https://grafana.internal/d/abc', 'grafana.internal/d/abc', 'https://user@grafana.internal', 'https://grafana.internal?x=1', 'ftp://grafana.internal', 'not a host', ''])(
    'refuses %j, which is not an origin',
    (key) => {
      expect(authOrigin(key)).toMatchObject({ ok: false, reason: expect.stringMatching(/^is not an origin: write https:\/\/host\[:port\]/) });
    },
  );

  it('refuses two keys for one origin', () => {
    expect(authOrigins(['grafana.internal', 'https://grafana.internal:443'])).toEqual({
      ok: false,
      key: 'https://grafana.internal:443',
      reason: 'means the same origin as "grafana.internal" (https://grafana.internal)',
    });
  });
});

describe('credentialRules', () => {
  const rules = credentialRules({
    'http://dash.test:3000': { headers: { 'X-Token': 'secret-token' }, cookies: [{ name: 'session', value: 'secret-cookie' }] },
    'other.test': { headers: { Authorization: 'Bearer other' }, cookies: [] },
  });

  it('adds the cookie and header to requests for the configured origin, keeping the jar’s other cookies', () => {
    expect(rules.rewrite('http://dash.test:3000/d/1?x=1', { accept: '*/*', cookie: 'theme=dark' })).toEqual({
      accept: '*/*',
      cookie: 'theme=dark; session=secret-cookie',
      'x-token': 'secret-token',
    });
  });

  it('replaces a same-named cookie the page or server put in the jar', () => {
    expect(rules.rewrite('http://dash.test:3000/', { cookie: 'session=planted; a=1' })?.cookie).toBe('a=1; session=secret-cookie');
  });

  it.each([
    ['another port', 'http://dash.test:3001/'],
    ['another scheme', 'https://dash.test:3000/'],
    ['the default port', 'http://dash.test/'],
  ])('gives %s of the host nothing, and drops cookies named like ours', (_what, url) => {
    expect(rules.rewrite(url, { cookie: 'session=copied; a=1', 'x-token': 'copied' })).toEqual({ cookie: 'a=1' });
  });

  it('leaves another host’s request alone unless it carries a configured header name', () => {
    expect(rules.rewrite('https://cdn.test/app.js', { cookie: 'session=theirs' })).toBeNull();
    expect(rules.rewrite('https://cdn.test/app.js', { authorization: 'Bearer other' })).toEqual({});
  });

  it('sends a bare host’s credentials to https on 443 only', () => {
    expect(rules.rewrite('https://other.test/', {})).toEqual({ authorization: 'Bearer other' });
    expect(rules.rewrite('http://other.test/', {})).toEqual({});
  });

  it('names the origins of a host, and the hosts to watch', () => {
    expect(rules.originsOn('dash.test')).toEqual(['http://dash.test:3000']);
    expect(rules.hosts().sort()).toEqual(['dash.test', 'other.test']);
  });

  it('gives an origin whose credentials the capture may not use nothing, and still takes copies off', () => {
    const limited = credentialRules(
      { 'http://dash.test:3000': { headers: { 'X-Token': 'secret-token' }, cookies: [{ name: 'session', value: 'secret-cookie' }], allowedUsers: ['UALLOWED'] } },
      (allowedUsers) => allowedUsers.length === 0,
    );
    expect(limited.rewrite('http://dash.test:3000/d/1', { cookie: 'session=planted; a=1', 'x-token': 'planted' })).toEqual({ cookie: 'a=1' });
    expect(limited.rewrite('http://dash.test:3000/d/1', {})).toEqual({});
  });

  it('refuses a key that is not an origin', () => {
    expect(() => credentialRules({ 'https://dash.test/path': { headers: {}, cookies: [] } })).toThrow(
      'screenshots.auth."https://dash.test/path" is not an origin',
    );
  });
});

describe('credentialUsersOf', () => {
  const users = { 'http://dash.test:3000': ['UALLOWED'], 'other.test': [] };
  it.each<[string, string, string[]]>([
    ['its exact origin', 'http://dash.test:3000/d/1?x=1', ['UALLOWED']],
    ['another port of the host', 'http://dash.test:3001/d/1', []],
    ['another scheme', 'https://dash.test:3000/d/1', []],
    ['an origin with credentials for everyone', 'https://other.test/d/1', []],
    ['a host without credentials', 'https://cdn.test/', []],
    ['not a URL', 'not a url', []],
  ])('%s → %j', (_what, url, expected) => {
    expect(credentialUsersOf(users, url)).toEqual(expected);
  });
});

describe('hostPatterns', () => {
  it('cover every scheme and port of the host, and no longer host name', () => {
    expect(hostPatterns('dash.test')).toEqual(['http://dash.test/*', 'http://dash.test:*', 'https://dash.test/*', 'https://dash.test:*']);
  });
});

describe('screenshots.auth in lookout.config.yml', () => {
  const load = (auth: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-auth-'));
    writeFileSync(join(dir, 'lookout.config.yml'), `screenshots:\n  allowedHosts: [grafana.internal]\n  auth:\n${auth}`);
    return () => loadConfig({}, dir);
  };

  it('takes allowedUsers per origin, none meaning everyone', () => {
    const config = load('    grafana.internal: { headers: { X-Token: t }, allowedUsers: [U0ALICE01] }\n    "http://wiki.internal": { headers: { X-Token: w } }\n')();
    expect(config.screenshots.auth['grafana.internal']!.allowedUsers).toEqual(['U0ALICE01']);
    expect(config.screenshots.auth['http://wiki.internal']!.allowedUsers).toEqual([]);
  });

  it('takes origins and bare hosts as they are written', () => {
    const config = load('    "http://grafana.internal:3000": { cookies: [{ name: grafana_session, value: s }] }\n    grafana.internal: { headers: { X-Token: t } }\n')();
    expect(Object.keys(config.screenshots.auth)).toEqual(['http://grafana.internal:3000', 'grafana.internal']);
  });

  it.each([
    ['a path', '    "https://grafana.internal/d/1": { headers: { X-Token: t } }\n', 'screenshots.auth.https://grafana.internal/d/1: is not an origin'],
    ['two keys for one origin', '    grafana.internal: {}\n    "https://grafana.internal": {}\n', 'means the same origin as "grafana.internal"'],
    ['a cookie value with ";"', '    grafana.internal: { cookies: [{ name: s, value: "a; b=c" }] }\n', 'must not hold ";" or a line break'],
  ])('stops start-up on %s with one line naming the key', (_what, auth, message) => {
    expect(load(auth)).toThrow(message);
    expect(load(auth)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('\n') }));
  });
});
