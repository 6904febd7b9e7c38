// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/*
 * Architecture boundaries (ARCHITECTURE.md): features talk only through contracts over the
 * transport, libraries never reach into apps/, code enters a library only through its barrel (or
 * a public entry declared in tsconfig.json paths), and product code never ships test tooling.
 */
const FEATURES = ['auth', 'course', 'order', 'email'];
const LIBRARIES = [...FEATURES, 'core', 'contracts', 'messaging', 'embedded', 'testing'];

const barrelsOnly = [
  {
    group: [
      '@coursehub/*/**',
      '!@coursehub/course/recommendations',
      '!@coursehub/core/start-tracing',
      '!@coursehub/core/preflight',
      '!@coursehub/core/tracing-sdk',
    ],
    message: "Import a library through its barrel ('@coursehub/<lib>'), not its internals.",
  },
  {
    regex: `^(\\.\\./)+(libs/)?(${LIBRARIES.join('|')})/src`,
    message: "Import another library through its barrel ('@coursehub/<lib>'), never by a relative path.",
  },
];
const noApps = {
  regex: '^(\\.\\./)+apps/',
  message: 'Libraries never import apps/: compose features with createRootModule instead.',
};
const noFeatures = (own) => ({
  group: FEATURES.filter((feature) => feature !== own).map((feature) => `@coursehub/${feature}`),
  message: 'A feature never imports another feature: talk through @coursehub/contracts over the transport.',
});
const noTesting = {
  group: ['@coursehub/testing'],
  message: 'Product code never imports the testing library.',
};
const noEmbedded = {
  group: ['@coursehub/embedded'],
  message: 'Only apps/platform runs the embedded infrastructure.',
};
const restrict = (...patterns) => ['error', { patterns }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'tools/**/*.js', '*.js', '*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-restricted-imports': restrict(...barrelsOnly),
    },
  },
  { files: ['libs/**/*.ts'], rules: { 'no-restricted-imports': restrict(...barrelsOnly, noApps) } },
  {
    files: ['libs/{core,contracts,messaging}/src/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(...barrelsOnly, noApps, noFeatures(), noTesting, noEmbedded) },
  },
  ...FEATURES.flatMap((feature) => [
    {
      files: [`libs/${feature}/src/**/*.ts`],
      rules: {
        'no-restricted-imports': restrict(...barrelsOnly, noApps, noFeatures(feature), noTesting, noEmbedded),
      },
    },
    {
      files: [`libs/${feature}/test/**/*.ts`, `libs/${feature}/src/**/*.spec.ts`],
      rules: { 'no-restricted-imports': restrict(...barrelsOnly, noApps, noFeatures(feature)) },
    },
  ]),
  {
    files: ['apps/{auth,course,order,email}/src/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(...barrelsOnly, noTesting, noEmbedded) },
  },
  {
    files: ['apps/platform/src/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(...barrelsOnly, noTesting) },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
