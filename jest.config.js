// @ts-check
/*
 * Two projects: `unit` (specs beside the code, no infrastructure) and `integration`
 * (`libs/<lib>/test`, `test/`, talking to real PostgreSQL, Kafka protocol, SMTP, Mongo wire).
 *
 * NestJS 12 and a few of its neighbours ship as pure ESM. Node >= 20.19 loads them from our
 * CommonJS build through require(esm), but jest's own module loader cannot, so those packages
 * are transformed to CommonJS by @swc/jest (see transformIgnorePatterns).
 */
const { pathsToModuleNameMapper } = require('./tools/jest/paths');

const esmPackages = [
  '@nestjs',
  'nestjs-pino',
  'jose',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
  '@borewit',
  'cookie',
  'content-disposition',
  'set-cookie-parser',
  'toad-cache',
  'deepmerge-ts',
  '@standard-schema',
  'libphonenumber-js',
];

const swcTransform = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true, dynamicImport: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

/** @type {import('jest').Config} */
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj|cj)s$': swcTransform },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper: pathsToModuleNameMapper(),
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

/** @type {import('jest').Config} */
module.exports = {
  // A global option: per-project values are ignored. Unit tests are fast either way.
  testTimeout: 60_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/src/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/libs/*/test/**/*.int-spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
      setupFiles: ['<rootDir>/tools/jest/integration-env.js'],
    },
  ],
};
