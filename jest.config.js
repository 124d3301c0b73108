/**
 * Three projects so each kind of test pays only for what it needs: unit and infra tests run
 * without any engine; integration and e2e tests share one DynamoDB Local started for the run.
 * ts-jest only transpiles (isolatedModules): `npm test` type-checks with tsc first.
 */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  roots: [`<rootDir>/test/${name}`],
  testMatch: ['**/*.test.ts'],
  transform,
  ...extra,
});

/** @type {import('jest').Config} */
module.exports = {
  // A global option: jest ignores it inside projects.
  testTimeout: 60_000,
  projects: [
    project('unit'),
    project('infra'),
    project('integration', {
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    }),
    project('e2e', {
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    }),
  ],
};
