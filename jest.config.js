const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  testEnvironment: 'node',
};

// Where Docker answers and KAFKA_BROKERS / DATABASE_URL are not set, Testcontainers starts the missing engines
// (test/support/container-engines.ts). Jest 30 runs each distinct globalSetup/globalTeardown path once per run,
// over the projects that have tests in it: set on the two projects that use engines, it runs once when either
// or both run, and not at all for `--selectProjects unit`.
const engines = {
  globalSetup: '<rootDir>/test/support/container-engines.ts',
  globalTeardown: '<rootDir>/test/support/container-engines.ts',
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,examples}/**/*.spec.ts'] },
    { ...common, ...engines, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    { ...common, ...engines, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
