import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

describe('loadConfig', () => {
  it('defaults to the embedded store', () => {
    const config = loadConfig({}, '/tmp');
    expect(config.store).toEqual({ kind: 'pglite', dataDir: '/tmp/data' });
  });
  it('names a bad DATABASE_URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' }, '/tmp')).toThrow(ConfigError);
    try {
      loadConfig({ DATABASE_URL: 'mysql://x' }, '/tmp');
    } catch (err) {
      expect((err as ConfigError).setting).toBe('DATABASE_URL');
    }
  });
});
