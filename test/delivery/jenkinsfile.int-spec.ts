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
import { onPath, repoRoot, serviceApps } from './support';

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
  const end = walkBraces(text, start, 1, (at, depth) => depth === 0 || at > text.length);
  if (end > text.length) throw new Error(`unbalanced block after offset ${from}`);
  return text.slice(start, end - 1);
}

/**
 * Walks `text` from `start` with the brace depth `depth`, strings and comments skipped, until
 * `done(index, depth)` holds; returns the index it stopped at.
 */
function walkBraces(
  text: string,
  start: number,
  depth: number,
  done: (at: number, depth: number) => boolean,
) {
  let i = start;
  while (!done(i, depth)) {
    const next = skipLiteral(text, i);
    if (next !== i) {
      i = next;
      continue;
    }
    if (text[i] === '{') depth++;
    if (text[i] === '}') depth--;
    i++;
  }
  return i;
}

/** Brace depth at `index` of `text`, strings and comments skipped. */
function depthAt(text: string, index: number): number {
  let depthThere = 0;
  walkBraces(text, 0, 0, (at, depth) => {
    depthThere = depth;
    return at >= index;
  });
  return depthThere;
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
    'docker/app-dependencies.cjs',
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
      'Push',
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
      // jest itself or through tools/node24.js (Node 24 on an older machine).
      expect(packageJson.scripts[`test:${project}`]).toMatch(
        new RegExp(`(^|\\s)jest --selectProjects ${project}$`),
      );
      const line = commandLine(runs(name), `npm run test:${project} --`);
      expect(line).toContain('--reporters=default --reporters=jest-junit');
      expect(line).toMatch(/--coverage\b/);
      expect(line).toContain(`--coverageDirectory=reports/coverage/${project}`);
      expect(line).toContain('--coverageReporters=cobertura');
      expect(section(stage(name), 'environment')).toContain(`JEST_JUNIT_OUTPUT_NAME = '${project}.xml'`);
    }
    // The integration tests get a PostgreSQL server of their own on a free port (TEST_POSTGRES_URL),
    // so concurrent builds on one host never collide on 5432.
    const integration = runs('Integration tests');
    expect(integration).toMatch(/withTestPostgres \{/);
    expect(integration).toContain('initdb --auth=trust --username=postgres');
    expect(integration).toMatch(/createServer\(\);\s+server\.listen\(0, '127\.0\.0\.1'/);
    expect(integration).toMatch(/-p \$PGPORT\b/);
    expect(integration).toContain('"TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:${port}/postgres"');
    expect(integration).toMatch(/finally \{\s+sh 'pg_ctl --mode=immediate stop/);
    expect(jenkinsfile).not.toContain('5432');

    const always = section(section(pipeline, 'post'), 'always');
    expect(always).toContain(`junit(testResults: '${junitDir}/*.xml'`);
    expect(always).toMatch(/archiveArtifacts\(artifacts: 'reports\/\*\*'/);
    // The coverage plugin is optional: a missing step is caught, not fatal.
    const coverage = reachable(always);
    expect(coverage).toMatch(/recordCoverage\(/);
    expect(coverage).toMatch(/catch \(NoSuchMethodError \w+\)/);
    expect(coverage).toContain("pattern: 'reports/coverage/*/cobertura-coverage.xml'");
  });

  it('builds, SBOMs and scans an image per affected app in parallel on every branch, pushing nothing', () => {
    const images = runs('Images');
    expect(section(stage('Images'), 'when')).toMatch(/deliveredApps\(\)/);
    expect(section(stage('Images'), 'when')).not.toMatch(/branch/);
    expect(images).toMatch(/\bparallel builds\b/);
    expect(images).toMatch(/for \(String app in apps\)/);
    expect(commandLine(images, 'docker build')).toMatch(
      /--build-arg APP="\$APP".*--tag "\$REGISTRY\/\$APP:\$IMAGE_TAG" \./,
    );
    expect(runs('Checkout')).toMatch(/env\.IMAGE_TAG = sh\(script: 'git rev-parse --short=\d+ HEAD'/);
    // A CycloneDX SBOM per image, archived with the reports.
    expect(commandLine(images, '--format cyclonedx')).toContain('--output "reports/sbom/$APP.cdx.json"');
    // The gate: HIGH/CRITICAL vulnerabilities that have a fix fail the build.
    const scan = commandLine(images, '--severity HIGH,CRITICAL');
    expect(scan).toMatch(/trivy image .*--ignore-unfixed .*--exit-code 1\b/);
    expect(images).not.toMatch(/docker (push|login)\b/);
  });

  it('pushes from main only, after the chart lint, with registry credentials outside the build context, recording digests', () => {
    expect(stageNames.indexOf('Push')).toBeGreaterThan(stageNames.indexOf('Chart lint'));
    const when = section(stage('Push'), 'when');
    expect(when).toMatch(/^\s*branch 'main'$/m);
    expect(when).toMatch(/deliveredApps\(\)/);
    const push = runs('Push');
    expect(push).toMatch(
      /withCredentials\(\[usernamePassword\(credentialsId: params\.REGISTRY_CREDENTIALS_ID/,
    );
    expect(push).toMatch(/docker login .*--password-stdin/);
    expect(push).toContain('docker push "$REGISTRY/$APP:$IMAGE_TAG"');
    expect(push).toContain('> "reports/digests/$APP"');
    expect(push).toMatch(/grep -Eq '\^sha256:\[a-f0-9\]\{64\}\$' "reports\/digests\/\$APP"/);
    expect(push).toMatch(/finally \{\s+sh 'docker logout/);
    // Nothing else pushes.
    for (const name of stageNames.filter((other) => other !== 'Push')) {
      expect([name, /docker push\b/.test(runs(name))]).toEqual([name, false]);
    }
    // The Docker login lives under WORKSPACE_TMP (workspace@tmp), never inside the workspace that is the build context.
    const environment = section(pipeline, 'environment');
    expect(environment).toContain('DOCKER_CONFIG = "${env.WORKSPACE_TMP}/docker-config"');
    expect(environment).not.toMatch(/DOCKER_CONFIG = "\$\{env\.WORKSPACE\}/);
    // Never a password in a Groovy-interpolated string: the shell reads it from the environment.
    expect(jenkinsfile).not.toMatch(/\$\{(env\.)?REGISTRY_PASSWORD/);
  });

  it('runs on the pinned agent image, which carries every tool, so the pipeline installs nothing', () => {
    const agent = section(pipeline, 'agent');
    expect(section(agent, 'dockerfile')).toContain("filename 'docker/jenkins-agent/Dockerfile'");
    expect(jenkinsfile).not.toMatch(/\bapt(-get)? (install|update)\b/);
    expect(existsSync(join(repoRoot, 'docker', 'jenkins-agent', 'Dockerfile'))).toBe(true);
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

  it('deploys the pushed digest with a waiting rolling update that rolls back on failure, on main only, then runs helm test', () => {
    for (const name of ['Deploy', 'Smoke test']) {
      const when = section(stage(name), 'when');
      expect(when).toMatch(/^\s*branch 'main'$/m);
      expect(when).not.toMatch(/\b(anyOf|not)\b/);
    }
    const deploy = runs('Deploy');
    const upgrade = commandLine(deploy, 'helm upgrade --install');
    expect(upgrade).toMatch(/helm upgrade --install "\$APP" "helm\/\$APP"/);
    // Helm 4: --rollback-on-failure replaces the deprecated --atomic.
    expect(upgrade).toMatch(/--rollback-on-failure --wait\b/);
    expect(upgrade).not.toContain('--atomic');
    expect(upgrade).toContain('--set image.repository="$REGISTRY/$APP"');
    expect(upgrade).toContain('--set image.digest="$IMAGE_DIGEST"');
    expect(deploy).toContain('String digest = readFile("reports/digests/${app}").trim()');
    expect(deploy).toContain('helm dependency build "helm/$APP"');
    expect(deploy).toMatch(
      /file\(credentialsId: params\.KUBECONFIG_CREDENTIALS_ID, variable: 'KUBECONFIG'\)/,
    );
    // Nothing else deploys.
    for (const name of stageNames.filter((other) => other !== 'Deploy')) {
      expect([name, runs(name).includes('helm upgrade')]).toEqual([name, false]);
    }

    // The charts' `helm test` hook pod (helm-operations.int-spec.ts) replaces a hand-made kubectl run.
    const smoke = runs('Smoke test');
    expect(smoke).toContain('rollout status "deployment/$APP"');
    expect(smoke).toContain('helm test "$APP" --namespace "$NAMESPACE" --logs');
    expect(jenkinsfile).not.toMatch(/kubectl [^\n]*\brun\b/);
    for (const app of serviceApps) {
      expect(
        readFileSync(join(repoRoot, 'helm', app, 'templates', 'tests', 'test-ready.yaml'), 'utf8'),
      ).toContain('coursehub.testReady');
    }
    expect(
      readFileSync(join(repoRoot, 'helm', 'coursehub-lib', 'templates', '_network.tpl'), 'utf8'),
    ).toMatch(/app\.kubernetes\.io\/part-of: coursehub/);
  });

  it('cleans up after every build', () => {
    const cleanup = section(section(pipeline, 'post'), 'cleanup');
    expect(cleanup).toContain('docker image prune --force');
    expect(cleanup).toMatch(/\bdeleteDir\(\)/);
    expect(cleanup).toContain('rm -rf "$WORKSPACE_TMP"');
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
