// Jest runs in ESM mode because agenda 6 and its backends are ESM only (DESIGN.md).
/** @type {import('jest').Config} */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true }],
  },
  testTimeout: 30000,
  // Integration suites share real database servers: each uses a database of its own or tables
  // with names of its own (suffixed), and directories from mkdtemp. Three workers
  // on two cores: many suites spend most of their time waiting (for a minute boundary, a
  // working timeout, a child process), and a third worker fills that time (600 → 421 s, the
  // same suites, this machine).
  maxWorkers: 3,
};
