/*
 * The Jenkinsfile, checked without a Jenkins: CodeNarc (through npm-groovy-lint, on the installed
 * Java) finds no errors or warnings; the declarative pipeline has the stages, guards and commands
 * issue 8 asks for; and its affected-apps function, run on the Groovy that npm-groovy-lint ships,
 * maps changed paths to the apps that are rebuilt and redeployed.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { healthRoutes, onPath, repoRoot, serviceApps } from './support';

const jenkinsfilePath = join(repoRoot, 'Jenkinsfile');
const jenkinsfile = readFileSync(jenkinsfilePath, 'utf8');
const groovyLint = join(repoRoot, 'node_modules', '.bin', 'npm-groovy-lint');
const groovyJars = join(repoRoot, 'node_modules', 'npm-groovy-lint', 'lib', 'java', 'groovy', 'lib');
const execFileAsync = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// Reading Groovy text: enough to cut the Jenkinsfile into blocks, not a Groovy parser.
// ---------------------------------------------------------------------------------------------

/** Index just past the string literal or comment starting at `i`, or `i` when there is none. */
function skipLiteral(text: string, i: number): number {
  if (text.startsWith('//', i)) {
    const end = text.indexOf('\n', i);
    return end === -1 ? text.length : end;
  }
  if (text.startsWith('/*', i)) return text.indexOf('*/', i + 2) + 2;
  for (const quote of ["'''", '"""', "'", '"']) {
    if (!text.startsWith(quote, i)) continue;
    let j = i + quote.length;
    while (j < text.length && !text.startsWith(quote, j)) j += text[j] === '\\' ? 2 : 1;
    return j + quote.length;
  }
  return i;
}

/** The text inside the braces that open at or after `from` (strings and comments skipped). */
function blockAfter(text: string, from: number): string {
  let i = from;
  while (text[i] !== '{') {
    const next = skipLiteral(text, i);
    i = next === i ? i + 1 : next;
    if (i >= text.length) throw new Error(`no block after offset ${from}`);
  }
  const start = i + 1;
  let depth = 1;
  i = start;
  while (depth > 0) {
    const next = skipLiteral(text, i);
    if (next !== i) {
      i = next;
      continue;
    }
    if (text[i] === '{') depth++;
    if (text[i] === '}') depth--;
    i++;
    if (i > text.length) throw new Error(`unbalanced block after offset ${from}`);
  }
  return text.slice(start, i - 1);
}

/** Brace depth at `index` of `text`, strings and comments skipped. */
function depthAt(text: string, index: number): number {
  let depth = 0;
  let i = 0;
  while (i < index) {
    const next = skipLiteral(text, i);
    if (next !== i) {
      i = next;
      continue;
    }
    if (text[i] === '{') depth++;
    if (text[i] === '}') depth--;
    i++;
  }
  return depth;
}

/**
 * The block of `header` (e.g. `stage('Deploy')`, `post`) directly inside `text`, not nested deeper
 * (the pipeline's `post`, not a stage's); exactly one must exist.
 */
function section(text: string, header: string): string {
  const escaped = header.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = [...text.matchAll(new RegExp(`(^|[^\\w.])${escaped}\\s*\\{`, 'gm'))].filter(
    (match) => depthAt(text, match.index) === 0,
  );
  expect([header, found.length]).toEqual([header, 1]);
  return blockAfter(text, found[0].index + found[0][0].length - 1);
}

/** Top-level Groovy methods (everything before `pipeline {`): name → body. */
function methods(): Map<string, string> {
  const result = new Map<string, string>();
  for (const match of jenkinsfile.matchAll(/^(?:@NonCPS\n)?[A-Za-z][\w<>, ]*? (\w+)\([^)]*\) \{$/gm)) {
    result.set(match[1], blockAfter(jenkinsfile, match.index + match[0].length - 1));
  }
  return result;
}
const methodBodies = methods();

/** A block plus the bodies of the Jenkinsfile methods it calls, transitively: what a stage runs. */
function reachable(block: string): string {
  const seen = new Set<string>();
  const pending = [block];
  const parts: string[] = [];
  while (pending.length > 0) {
    const code = pending.pop()!;
    parts.push(code);
    for (const [name, body] of methodBodies) {
      if (!seen.has(name) && new RegExp(`\\b${name}\\s*[({]`).test(code)) {
        seen.add(name);
        pending.push(body);
      }
    }
  }
  return parts.join('\n');
}

const pipeline = section(jenkinsfile, 'pipeline');
const stages = section(pipeline, 'stages');
const stageNames = [...stages.matchAll(/^\s*stage\('([^']+)'\)/gm)].map((match) => match[1]);
const stage = (name: string): string => section(stages, `stage('${name}')`);
const runs = (name: string): string => reachable(stage(name));
/** Shell lines joined across `\` continuations, so a command and its flags read as one line. */
const commands = (code: string): string[] => code.replace(/\\\n\s*/g, ' ').split('\n');
const commandLine = (code: string, command: string): string => {
  const found = commands(code).filter((line) => line.includes(command));
  expect([command, found.length > 0]).toEqual([command, true]);
  return found.join('\n');
};

// ---------------------------------------------------------------------------------------------
// External tools: npm-groovy-lint (CodeNarc) and Groovy itself, both on the installed Java.
// ---------------------------------------------------------------------------------------------

interface GroovyLintReport {
  summary: {
    totalFilesLinted: number;
    totalFoundErrorNumber: number;
    totalFoundWarningNumber: number;
  };
  files: Record<
    string,
    { errors: Array<{ line: number | string; rule: string; severity: string; msg: string }> }
  >;
}

/**
 * Loads the Jenkinsfile's methods with plain Groovy (the `pipeline` block is only compiled, not
 * run) and calls the affected-apps function on each list of changed files.
 */
const harness = `
import groovy.json.JsonOutput
import groovy.json.JsonSlurper

// Jenkins imports @NonCPS for every Jenkinsfile; here it only has to compile.
@interface NonCPS { }

Script jenkinsfile = new GroovyShell(this.class.classLoader).parse(new File(args[0]))
List cases = new JsonSlurper().parse(new File(args[1]))
println JsonOutput.toJson([
    serviceApps: jenkinsfile.invokeMethod('serviceApps', [] as Object[]),
    affected: cases.collect { List files -> jenkinsfile.invokeMethod('appsAffectedBy', [files] as Object[]) },
])
`;

const all = [...serviceApps];
const affectedCases: Array<{ name: string; files: string[]; apps: string[] }> = [
  ...serviceApps.flatMap((app) => [
    { name: `apps/${app}`, files: [`apps/${app}/src/main.ts`], apps: [app] },
    { name: `libs/${app}`, files: [`libs/${app}/src/${app}.module.ts`], apps: [app] },
    { name: `helm/${app}`, files: [`helm/${app}/values.yaml`], apps: [app] },
  ]),
  ...[
    'libs/core/src/index.ts',
    'libs/messaging/src/outbox/outbox-relay.ts',
    'libs/contracts/src/events.ts',
    'package.json',
    'package-lock.json',
    'Dockerfile',
    'helm/coursehub-lib/templates/_deployment.tpl',
  ].map((file) => ({ name: file, files: [file], apps: all })),
  {
    name: 'two apps, in deploy order',
    files: ['libs/email/src/x.ts', 'apps/order/src/main.ts'],
    apps: ['order', 'email'],
  },
  { name: 'one shared file among others', files: ['apps/auth/src/main.ts', 'libs/core/src/x.ts'], apps: all },
  { name: 'tests-only code', files: ['libs/testing/src/index.ts', 'test/delivery/support.ts'], apps: [] },
  { name: 'the embedded runtime', files: ['libs/embedded/src/index.ts'], apps: [] },
  { name: 'the monolith', files: ['apps/platform/src/platform.module.ts'], apps: [] },
  {
    name: 'documentation',
    files: ['README.md', 'helm/README.md', 'libs/course/src/recommendations/README.md'],
    apps: [],
  },
  { name: 'a library that only starts like an app', files: ['libs/course-search/src/index.ts'], apps: [] },
  { name: 'no changes', files: [], apps: [] },
];

let lint: GroovyLintReport;
let groovy: { serviceApps: string[]; affected: string[][] };
const scratch = mkdtempSync(join(tmpdir(), 'coursehub-jenkinsfile-'));

beforeAll(async () => {
  const java = onPath('java');
  expect(java).toBeDefined();
  expect(existsSync(groovyJars)).toBe(true);
  writeFileSync(join(scratch, 'harness.groovy'), harness);
  writeFileSync(join(scratch, 'cases.json'), JSON.stringify(affectedCases.map((c) => c.files)));
  const options = { cwd: repoRoot, encoding: 'utf8' as const, maxBuffer: 16 * 1024 * 1024 };
  // --noserver: no CodeNarc server left running after the test. --failon none: the report decides.
  const [lintRun, groovyRun] = await Promise.all([
    execFileAsync(
      groovyLint,
      ['--noserver', '--output', 'json', '--failon', 'none', '--loglevel', 'info', 'Jenkinsfile'],
      options,
    ),
    execFileAsync(
      java!,
      [
        '-cp',
        join(groovyJars, '*'),
        'groovy.ui.GroovyMain',
        join(scratch, 'harness.groovy'),
        jenkinsfilePath,
        join(scratch, 'cases.json'),
      ],
      options,
    ),
  ]);
  const json = (output: string): string => output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1);
  lint = JSON.parse(json(lintRun.stdout)) as GroovyLintReport;
  groovy = JSON.parse(json(groovyRun.stdout)) as typeof groovy;
}, 180_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('Jenkinsfile', () => {
  it('passes npm-groovy-lint (CodeNarc) with no errors and no warnings', () => {
    expect(lint.summary.totalFilesLinted).toBe(1);
    const problems = Object.values(lint.files)
      .flatMap((file) => file.errors)
      .filter((problem) => problem.severity === 'error' || problem.severity === 'warning')
      .map((problem) => `${problem.line}: ${problem.rule} ${problem.msg}`);
    expect(problems).toEqual([]);
    expect(lint.summary.totalFoundErrorNumber).toBe(0);
    expect(lint.summary.totalFoundWarningNumber).toBe(0);
  });

  it('has the delivery stages in order', () => {
    const expected = [
      'Checkout',
      'Install',
      'Lint',
      'Unit tests',
      'Integration tests',
      'Build',
      'Images',
      'Chart lint',
      'Deploy',
      'Smoke test',
    ];
    expect(stageNames.filter((name) => expected.includes(name))).toEqual(expected);
  });

  it('bounds, rotates and serialises builds, with timestamps', () => {
    const options = section(pipeline, 'options');
    expect(options).toMatch(/\btimeout\(time: \d+, unit: '(MINUTES|HOURS)'\)/);
    expect(options).toMatch(/\bbuildDiscarder\(logRotator\(/);
    expect(options).toMatch(/\bdisableConcurrentBuilds\(/);
    expect(options).toMatch(/\btimestamps\(\)/);
  });

  it('checks out, installs as the README does, lints, and builds', () => {
    expect(runs('Checkout')).toMatch(/\bcheckout\(scm\)/);
    expect(runs('Install')).toMatch(/sh 'npm ci\b/);
    expect(runs('Install')).toContain("sh 'npm run setup'");
    expect(runs('Lint')).toContain("sh 'npm run lint'");
    expect(runs('Lint')).toContain("sh 'npm run typecheck'");
    expect(runs('Build')).toContain("sh 'npm run build'");
  });

  it('runs unit and integration tests with JUnit reports and coverage, published after every build', () => {
    const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(packageJson.devDependencies).toHaveProperty('jest-junit');
    const junitDir = /JEST_JUNIT_OUTPUT_DIR = '([^']+)'/.exec(section(pipeline, 'environment'))?.[1];
    expect(junitDir).toBeDefined();
    for (const [name, project] of [
      ['Unit tests', 'unit'],
      ['Integration tests', 'integration'],
    ]) {
      expect(packageJson.scripts[`test:${project}`]).toBe(`jest --selectProjects ${project}`);
      const line = commandLine(runs(name), `npm run test:${project} --`);
      expect(line).toContain('--reporters=default --reporters=jest-junit');
      expect(line).toMatch(/--coverage\b/);
      expect(line).toContain(`--coverageDirectory=reports/coverage/${project}`);
      expect(line).toContain('--coverageReporters=cobertura');
      expect(section(stage(name), 'environment')).toContain(`JEST_JUNIT_OUTPUT_NAME = '${project}.xml'`);
    }
    // The integration tests need PostgreSQL on 127.0.0.1:5432, as on the README's machine.
    expect(runs('Integration tests')).toContain('127.0.0.1:5432');

    const always = section(section(pipeline, 'post'), 'always');
    expect(always).toContain(`junit(testResults: '${junitDir}/*.xml'`);
    expect(always).toMatch(/archiveArtifacts\(artifacts: 'reports\/\*\*'/);
    // The coverage plugin is optional: a missing step is caught, not fatal.
    const coverage = reachable(always);
    expect(coverage).toMatch(/recordCoverage\(/);
    expect(coverage).toMatch(/catch \(NoSuchMethodError \w+\)/);
    expect(coverage).toContain("pattern: 'reports/coverage/*/cobertura-coverage.xml'");
  });

  it('builds an image per affected app in parallel, tagged with the commit, pushed with registry credentials', () => {
    const images = runs('Images');
    expect(section(stage('Images'), 'when')).toMatch(/deliveredApps\(\)/);
    expect(images).toMatch(/\bparallel builds\b/);
    expect(images).toMatch(/for \(String app in apps\)/);
    expect(images).toMatch(
      /withCredentials\(\[usernamePassword\(credentialsId: params\.REGISTRY_CREDENTIALS_ID/,
    );
    expect(images).toMatch(/docker login .*--password-stdin/);
    expect(commandLine(images, 'docker build')).toMatch(
      /--build-arg APP="\$APP".*--tag "\$REGISTRY\/\$APP:\$IMAGE_TAG" \./,
    );
    expect(images).toContain('docker push "$REGISTRY/$APP:$IMAGE_TAG"');
    expect(runs('Checkout')).toMatch(/env\.IMAGE_TAG = sh\(script: 'git rev-parse --short=\d+ HEAD'/);
    // Never a password in a Groovy-interpolated string: the shell reads it from the environment.
    expect(jenkinsfile).not.toMatch(/\$\{(env\.)?REGISTRY_PASSWORD/);
  });

  it('lints every chart after building its library chart dependency', () => {
    const charts = runs('Chart lint');
    expect(stage('Chart lint')).toMatch(/lintCharts\(serviceApps\(\)\)/);
    expect(charts).toContain('helm dependency build "helm/$APP"');
    expect(charts).toContain('helm lint --strict "helm/$APP"');
    expect(charts).toContain('helm lint --strict "helm/$APP" --values "$HELM_VALUES"');
    for (const app of serviceApps) {
      expect(readFileSync(join(repoRoot, 'helm', app, 'Chart.yaml'), 'utf8')).toContain(
        'repository: file://../coursehub-lib',
      );
    }
  });

  it('deploys with an atomic, waiting rolling update on the main branch only, then smoke-tests /health/ready', () => {
    for (const name of ['Deploy', 'Smoke test']) {
      const when = section(stage(name), 'when');
      expect(when).toMatch(/^\s*branch 'main'$/m);
      expect(when).not.toMatch(/\b(anyOf|not)\b/);
    }
    const deploy = runs('Deploy');
    const upgrade = commandLine(deploy, 'helm upgrade --install');
    expect(upgrade).toMatch(/helm upgrade --install "\$APP" "helm\/\$APP"/);
    expect(upgrade).toMatch(/--atomic --wait\b/);
    expect(upgrade).toContain('--set image.tag="$IMAGE_TAG"');
    expect(upgrade).toContain('--set image.repository="$REGISTRY/$APP"');
    expect(deploy).toContain('helm dependency build "helm/$APP"');
    expect(deploy).toMatch(
      /file\(credentialsId: params\.KUBECONFIG_CREDENTIALS_ID, variable: 'KUBECONFIG'\)/,
    );
    // Nothing else deploys.
    for (const name of stageNames.filter((other) => other !== 'Deploy')) {
      expect([name, runs(name).includes('helm upgrade')]).toEqual([name, false]);
    }

    const smoke = runs('Smoke test');
    expect(smoke).toContain('rollout status "deployment/$APP"');
    expect(commandLine(smoke, 'kubectl --namespace "$NAMESPACE" run')).toContain(
      `curl --fail --silent --show-error`,
    );
    expect(smoke).toContain(`"http://$APP.$NAMESPACE.svc:$port${healthRoutes.ready}"`);
    // The pod must pass the charts' NetworkPolicy, which admits app.kubernetes.io/part-of=coursehub.
    expect(smoke).toContain('--labels=app.kubernetes.io/part-of=coursehub');
    expect(
      readFileSync(join(repoRoot, 'helm', 'coursehub-lib', 'templates', '_network.tpl'), 'utf8'),
    ).toMatch(/app\.kubernetes\.io\/part-of: coursehub/);
  });

  it('cleans up after every build', () => {
    const cleanup = section(section(pipeline, 'post'), 'cleanup');
    expect(cleanup).toContain('docker image prune --force');
    expect(cleanup).toMatch(/\bdeleteDir\(\)/);
    const integration = section(section(stage('Integration tests'), 'post'), 'always');
    expect(integration).toContain('docker rm --force "$POSTGRES_CONTAINER"');
  });

  it('delivers only affected apps from the diff against the last successful commit, unless FORCE_ALL', () => {
    expect(section(pipeline, 'parameters')).toMatch(/booleanParam\(name: 'FORCE_ALL', defaultValue: false/);
    const checkout = runs('Checkout');
    expect(checkout).toMatch(/env\.GIT_PREVIOUS_SUCCESSFUL_COMMIT = scmVars\.GIT_PREVIOUS_SUCCESSFUL_COMMIT/);
    expect(checkout).toMatch(/appsToDeliver\(env\.GIT_PREVIOUS_SUCCESSFUL_COMMIT\)/);
    const toDeliver = methodBodies.get('appsToDeliver') ?? '';
    expect(toDeliver).toMatch(/if \(params\.FORCE_ALL\) \{\s*echo [^\n]+\s*return serviceApps\(\)/);
    expect(toDeliver).toContain(`git diff --name-only '\${previousCommit}' HEAD`);
    expect(toDeliver).toMatch(/return appsAffectedBy\(/);
    // Images, Deploy and Smoke test all work on that list.
    for (const name of ['Images', 'Deploy', 'Smoke test'])
      expect(stage(name)).toMatch(/\(deliveredApps\(\)\)/);
  });

  it('knows the four apps, in deploy order (auth first: the others fetch its keys)', () => {
    expect(groovy.serviceApps).toEqual([...serviceApps]);
  });

  it.each(affectedCases.map((testCase, index) => ({ ...testCase, index })))(
    'maps changed files to apps: $name',
    ({ index, apps }) => {
      expect(groovy.affected[index]).toEqual(apps);
    },
  );
});
