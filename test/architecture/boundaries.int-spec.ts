import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/*
 * The boundaries of ARCHITECTURE.md are lint rules; this proves the rules bite: each import below
 * is linted as if it stood in the named file, with the repository's own eslint.config.mjs.
 */

const repoRoot = join(__dirname, '..', '..');

/*
 * ESLint loads eslint.config.mjs with a dynamic import, which jest's module sandbox cannot do: the
 * linting runs in a plain Node child process.
 */
const LINT_SCRIPT = `
const { ESLint } = require('eslint');
const eslint = new ESLint({
  // Only the boundary rule: the type-aware rules need the file on disk in a TS project.
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});
const cases = JSON.parse(process.argv[1]);
Promise.all(cases.map(([filePath, code]) => eslint.lintText(code, { filePath }))).then((results) => {
  const messages = results.map(([result]) => result.messages.map((message) => message.message));
  process.stdout.write(JSON.stringify(messages));
});
`;

/** The boundary rule's messages for each [file, code], in one ESLint run. */
function restrictedImportMessages(cases: [string, string][]): string[][] {
  const absolute = cases.map(([filePath, code]) => [join(repoRoot, filePath), code]);
  const output = execFileSync(process.execPath, ['-e', LINT_SCRIPT, JSON.stringify(absolute)], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return JSON.parse(output) as string[][];
}

const refused: [string, string, string][] = [
  [
    'a feature importing another feature',
    'libs/order/src/domain/x.ts',
    "import { CourseModule } from '@coursehub/course';",
  ],
  [
    'a feature test importing another feature',
    'libs/order/test/x.ts',
    "import { CourseModule } from '@coursehub/course';",
  ],
  [
    'a library importing apps/',
    'libs/course/test/x.ts',
    "import { x } from '../../../apps/course/src/main';",
  ],
  [
    'an import past a barrel',
    'apps/platform/src/x.ts',
    "import { x } from '@coursehub/core/database/migrations';",
  ],
  [
    'a relative import into another library',
    'libs/order/src/x.ts',
    "import { x } from '../../course/src/domain/courses.service';",
  ],
  [
    'product code importing the testing library',
    'libs/email/src/x.ts',
    "import { eventually } from '@coursehub/testing';",
  ],
  [
    'a service importing the embedded runtime',
    'apps/order/src/main.ts',
    "import { SmtpSink } from '@coursehub/embedded';",
  ],
  ['core importing a feature', 'libs/core/src/x.ts', "import { AuthModule } from '@coursehub/auth';"],
];

const allowed: [string, string, string][] = [
  [
    'a feature importing the shared libraries',
    'libs/order/src/x.ts',
    "import { Outbox } from '@coursehub/messaging';\nimport { courseGet } from '@coursehub/contracts';\nimport { NotFoundError } from '@coursehub/core';",
  ],
  [
    'a feature test importing its own source',
    'libs/order/test/x.ts',
    "import { OrderModule } from '../src';\nimport { x } from '../src/domain/orders.service';",
  ],
  [
    'the platform composing the features',
    'apps/platform/src/x.ts',
    "import { AuthModule } from '@coursehub/auth';\nimport { SmtpSink } from '@coursehub/embedded';",
  ],
  ['a declared public entry', 'bench/x.ts', "import { x } from '@coursehub/course/recommendations';"],
  [
    'a root-level test composing features',
    'test/e2e/x.ts',
    "import { OrderModule } from '@coursehub/order';\nimport { CourseModule } from '@coursehub/course';",
  ],
];

describe('architecture boundaries (npm run lint)', () => {
  let messages: string[][];

  beforeAll(() => {
    messages = restrictedImportMessages(
      [...refused, ...allowed].map(([, filePath, code]) => [filePath, code]),
    );
  });

  it.each(refused.map((entry, index) => [entry[0], index] as const))('refuses %s', (_name, index) => {
    expect(messages[index]).toHaveLength(1);
  });

  it.each(allowed.map((entry, index) => [entry[0], refused.length + index] as const))(
    'allows %s',
    (_name, index) => {
      expect(messages[index]).toEqual([]);
    },
  );
});
