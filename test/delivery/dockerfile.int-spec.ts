/*
 * The Dockerfile and .dockerignore, checked without a Docker engine: the Dockerfile is valid
 * (dockerfile-utils, all its optional checks as errors) and builds what issue 8
 * asks for: multi-stage, one image per APP, production dependencies only, non-root, NODE_ENV,
 * a HEALTHCHECK on /health/live, tini as PID 1. The .dockerignore keeps junk and secrets out of
 * the build context and lets in everything the Dockerfile copies.
 */
import ignore from '@balena/dockerignore';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import type { Copy, Env, From, Instruction, Property } from 'dockerfile-ast';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { APP_RUNTIME } from '@coursehub/testing';
import { healthRoutes, imageApps, repoRoot, serviceApps } from './support';

// The parser dockerfile-utils itself validates with (its own pinned dependency).
const { DockerfileParser } = require(
  require.resolve('dockerfile-ast', { paths: [dirname(require.resolve('dockerfile-utils'))] }),
) as typeof import('dockerfile-ast');

const dockerfileText = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(dockerfileText);
const dockerignore = ignore({ ignorecase: false }).add(
  readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n'),
);

interface Stage {
  name: string;
  instructions: Instruction[];
}

/** The build stages in order, each with its instructions after its FROM. */
const stages: Stage[] = [];
for (const instruction of dockerfile.getInstructions()) {
  if (instruction.getKeyword() === 'FROM') {
    stages.push({ name: (instruction as From).getBuildStage() ?? '', instructions: [] });
  } else if (stages.length > 0) {
    stages[stages.length - 1].instructions.push(instruction);
  }
}
const runtime = stages[stages.length - 1];

const ofKind = (stage: Stage, keyword: string): Instruction[] =>
  stage.instructions.filter((instruction) => instruction.getKeyword() === keyword);
const argumentsOf = (instruction: Instruction): string => instruction.getArgumentsContent() ?? '';
const runs = (stage: Stage): string[] => ofKind(stage, 'RUN').map(argumentsOf);
/** An exec-form (JSON array) CMD or ENTRYPOINT; a shell form fails to parse. */
const jsonForm = (instruction: Instruction): string[] => JSON.parse(argumentsOf(instruction)) as string[];
const flag = (instruction: Instruction, name: string): string | undefined =>
  (instruction as Copy)
    .getFlags()
    .find((candidate) => candidate.getName() === name)
    ?.getValue() ?? undefined;
const stageEnv = (stage: Stage): Record<string, string> =>
  Object.fromEntries(
    ofKind(stage, 'ENV').flatMap((instruction) =>
      (instruction as Env)
        .getProperties()
        .map((property: Property) => [property.getName(), property.getValue() ?? '']),
    ),
  );

/** Every file under `dir` (relative to the repository), node_modules left out. */
function filesUnder(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(repoRoot.length + 1))
    .filter((path) => !path.split('/').includes('node_modules'));
}

/** Packages a source file loads at run time (type-only imports are erased by the compiler). */
function runtimeImports(path: string): string[] {
  const source = ts.createSourceFile(
    path,
    readFileSync(join(repoRoot, path), 'utf8'),
    ts.ScriptTarget.Latest,
  );
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
      specifiers.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) {
      specifiers.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments.length > 0 &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
    .filter((specifier) => !specifier.startsWith('@coursehub/'))
    .map((specifier) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/'),
    )
    .filter((name) => !builtinModules.includes(name));
}

describe('Dockerfile', () => {
  it('is valid, with every optional check of dockerfile-utils turned into an error', () => {
    const strict = {
      deprecatedMaintainer: ValidationSeverity.ERROR,
      directiveCasing: ValidationSeverity.ERROR,
      emptyContinuationLine: ValidationSeverity.ERROR,
      instructionCasing: ValidationSeverity.ERROR,
      instructionCmdMultiple: ValidationSeverity.ERROR,
      instructionEntrypointMultiple: ValidationSeverity.ERROR,
      instructionHealthcheckMultiple: ValidationSeverity.ERROR,
      instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
      instructionWorkdirRelative: ValidationSeverity.ERROR,
    };
    const problems = validate(dockerfileText, strict).map(
      (problem) =>
        `${problem.range.start.line + 1}: ${typeof problem.message === 'string' ? problem.message : problem.message.value}`,
    );
    expect(problems).toEqual([]);
    // The validator does catch a broken file.
    expect(validate('FROM node:24\nCOPY\nCMD ["node",\n', strict)).not.toEqual([]);
  });

  it('is multi-stage on one Node.js base image the engines field allows', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.every((stage) => /^[a-z][a-z0-9-]*$/.test(stage.name))).toBe(true);
    const base = dockerfile
      .getInitialARGs()
      .map((arg) => arg.getProperty())
      .find((property) => property?.getName() === 'NODE_IMAGE')
      ?.getValue();
    // Pinned to a release (major.minor.patch), not a moving major tag.
    expect(base).toMatch(/^node:\d+\.\d+\.\d+-/);
    const major = Number(/^node:(\d+)[.-]/.exec(base ?? '')?.[1]);
    const engines = (
      JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
        engines: { node: string };
      }
    ).engines.node;
    expect(major).toBeGreaterThanOrEqual(Number(/>=(\d+)/.exec(engines)?.[1]));
    expect(dockerfile.getFROMs().map((from) => from.getImage())).toEqual(stages.map(() => '${NODE_IMAGE}'));
  });

  it('installs with npm ci and compiles in the first stage, dependencies cached apart from the sources', () => {
    const build = stages[0];
    const commands = build.instructions.map(
      (instruction) => `${instruction.getKeyword()} ${argumentsOf(instruction)}`,
    );
    const npmCi = commands.findIndex((command) => /^RUN .*\bnpm ci\b/.test(command));
    const buildCommand = commands.findIndex((command) => /^RUN .*\bnpm run build\b/.test(command));
    const copySources = commands.findIndex((command) => /^COPY (apps|libs)\b/.test(command));
    expect(npmCi).toBeGreaterThanOrEqual(0);
    expect(runs(build).find((command) => /\bnpm ci\b/.test(command))).not.toMatch(/--omit=dev|--production/);
    expect(copySources).toBeGreaterThan(npmCi);
    expect(buildCommand).toBeGreaterThan(copySources);
  });

  it('ships production dependencies only in the last stage', () => {
    const copies = ofKind(runtime, 'COPY');
    const nodeModules = copies.filter((copy) => /node_modules/.test(argumentsOf(copy)));
    expect(nodeModules).toHaveLength(1);
    const source = stages.find((stage) => stage.name === flag(nodeModules[0], 'from'));
    expect(source).toBeDefined();
    const installs = runs(source!).filter((command) => /\bnpm (ci|install|i)\b/.test(command));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/\bnpm ci\b.*--omit=dev\b/);
    expect(runs(runtime).some((command) => /\bnpm (ci|install|i)\b/.test(command))).toBe(false);
    // ... narrowed to what APP loads, then pruned (docker/app-dependencies.cjs, checked in image-dependencies.int-spec.ts).
    expect(ofKind(source!, 'ARG').map(argumentsOf)).toContain('APP');
    const prune = runs(source!).find((command) => command.includes('app-dependencies.cjs'));
    expect(prune).toMatch(/^node app-dependencies\.cjs "\$\{APP\}" dist\b/);
    expect(prune).toMatch(/&& npm prune --omit=dev\b/);
    expect(prune).toMatch(/-name '\*\.d\.ts'.*-name '\*\.map'.*-delete/s);
    // From the build stage: only compiled output, and from the context only package.json.
    for (const copy of copies.filter((candidate) => flag(candidate, 'from') === stages[0].name)) {
      expect(argumentsOf(copy)).toMatch(/^\/src\/dist\//);
    }
    expect(copies.filter((copy) => !flag(copy, 'from')).map(argumentsOf)).toEqual(['package.json ./']);
  });

  it('leaves out nothing the compiled code loads: apps and libs import production dependencies only', () => {
    const { dependencies } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const compiled = ['apps', 'libs']
      .flatMap(filesUnder)
      .filter((path) => /^(apps|libs)\/[^/]+\/src\/.*\.ts$/.test(path) && !path.endsWith('.spec.ts'));
    expect(compiled.length).toBeGreaterThan(0);
    const missing = compiled.flatMap((path) =>
      runtimeImports(path)
        .filter((name) => !(name in dependencies))
        .map((name) => `${path}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('builds any app from one build argument APP, and starts that app', () => {
    expect(ofKind(runtime, 'ARG').map(argumentsOf)).toContain('APP');
    // The guard lists exactly the apps that have an image.
    const guard = runs(runtime).find((command) => command.includes('case "${APP}"'));
    expect(guard).toBeDefined();
    const accepted = /\n?\s*([a-z|]+)\)\s*;;/.exec(guard!)?.[1].split('|');
    expect(accepted?.sort()).toEqual([...imageApps].sort());
    expect(ofKind(runtime, 'COPY').map(argumentsOf)).toContain('/src/dist/apps/${APP} ./dist/apps/${APP}');
    const cmd = ofKind(runtime, 'CMD');
    expect(cmd).toHaveLength(1);
    // exec: node replaces the shell, so tini's signals reach it.
    expect(jsonForm(cmd[0])).toEqual(['sh', '-c', 'exec node dist/apps/${APP}/src/main.js']);
    for (const app of serviceApps) {
      expect([app, existsSync(join(repoRoot, 'apps', app, 'src', 'main.ts'))]).toEqual([app, true]);
    }
  });

  it('runs as the non-root user the Helm charts expect, with NODE_ENV=production', () => {
    const users = ofKind(runtime, 'USER').map(argumentsOf);
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1];
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    // Numeric, so runAsNonRoot can verify it: uid 1000 (the node image's `node` user), the charts' runAsUser.
    expect(user).toBe('1000:1000');
    const deployment = readFileSync(
      join(repoRoot, 'helm', 'coursehub-lib', 'templates', '_deployment.tpl'),
      'utf8',
    );
    expect(deployment).toMatch(/runAsUser: 1000\b/);
    expect(stageEnv(runtime).NODE_ENV).toBe('production');
  });

  it('runs every app with the memory settings of `npm start` and the test harness', () => {
    const env = stageEnv(runtime);
    expect(env.NODE_OPTIONS?.split(' ')).toEqual([...APP_RUNTIME.nodeFlags]);
    const { scripts } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const settings = Object.entries(APP_RUNTIME.env).map(([name, value]) => `${name}=${value}`);
    expect(scripts.start).toContain(
      `${settings.join(' ')} node ${APP_RUNTIME.nodeFlags.join(' ')} dist/apps/platform/src/main.js`,
    );
    for (const [name, value] of Object.entries(APP_RUNTIME.env))
      expect([name, env[name]]).toEqual([name, value]);
  });

  it('checks itself on /health/live and runs under tini', () => {
    const healthchecks = ofKind(runtime, 'HEALTHCHECK');
    expect(healthchecks).toHaveLength(1);
    expect(argumentsOf(healthchecks[0])).toMatch(/^(--\S+\s+)*CMD /);
    expect(argumentsOf(healthchecks[0])).toContain(`'${healthRoutes.live}'`);
    expect(argumentsOf(healthchecks[0])).toContain('process.env.PORT');

    const entrypoints = ofKind(runtime, 'ENTRYPOINT');
    expect(entrypoints).toHaveLength(1);
    const [init, separator] = jsonForm(entrypoints[0]);
    expect(init).toMatch(/\/tini$/);
    expect(separator).toBe('--');
    expect(runs(runtime).some((command) => /apt-get install .*\btini\b/.test(command))).toBe(true);
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output, VCS data, local state and secrets out of the context', () => {
    for (const path of [
      'node_modules/zod/package.json',
      'libs/core/node_modules/x/index.js',
      'dist/apps/auth/src/main.js',
      '.git/HEAD',
      'data/auth/pglite',
      'coverage/lcov.info',
      '.env',
      '.env.production',
      'helm/auth/jwt-private.pem',
    ]) {
      expect([path, dockerignore.ignores(path)]).toEqual([path, true]);
    }
  });

  it('lets in every file the Dockerfile copies from the context, and all the sources it compiles', () => {
    const sources = stages.flatMap((stage) =>
      ofKind(stage, 'COPY')
        .filter((copy) => !flag(copy, 'from'))
        .flatMap((copy) =>
          copy
            .getArguments()
            .slice(0, -1)
            .map((argument) => argument.getValue()),
        ),
    );
    expect(sources).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.json', '.swcrc']),
    );
    expect(sources).toEqual(expect.arrayContaining(['apps', 'libs']));
    for (const source of sources) {
      expect([source, existsSync(join(repoRoot, source)), dockerignore.ignores(source)]).toEqual([
        source,
        true,
        false,
      ]);
    }
    const compiled = ['apps', 'libs'].flatMap(filesUnder).filter((path) => /\.(ts|json)$/.test(path));
    expect(compiled.length).toBeGreaterThan(0);
    expect(compiled.filter((path) => dockerignore.ignores(path))).toEqual([]);
  });
});

describe('the Jenkins agent image (docker/jenkins-agent/Dockerfile)', () => {
  const agentText = readFileSync(join(repoRoot, 'docker', 'jenkins-agent', 'Dockerfile'), 'utf8');
  const agent = DockerfileParser.parse(agentText);
  const argDefault = (file: typeof agent, name: string): string | undefined =>
    file
      .getARGs()
      .map((arg) => arg.getProperty())
      .find((property) => property?.getName() === name)
      ?.getValue() ?? undefined;

  it('is valid and runs the same pinned Node.js release as the service images', () => {
    expect(validate(agentText, { instructionCasing: ValidationSeverity.ERROR })).toEqual([]);
    expect(argDefault(agent, 'NODE_IMAGE')).toBe(argDefault(dockerfile, 'NODE_IMAGE'));
  });

  it('pins every tool it downloads and checks each download against its published checksum', () => {
    for (const tool of ['DOCKER', 'BUILDX', 'HELM', 'KUBECTL', 'TRIVY']) {
      expect([tool, argDefault(agent, `${tool}_VERSION`)]).toEqual([
        tool,
        expect.stringMatching(/^\d+\.\d+\.\d+$/),
      ]);
    }
    expect(argDefault(agent, 'HELM_VERSION')).toMatch(/^4\./); // --rollback-on-failure is Helm 4's
    const downloads = agentText.match(/curl -fsSL[Oo]? [^\n]*/g) ?? [];
    expect(downloads.length).toBeGreaterThan(0);
    expect(agentText.match(/sha256sum -c/g)?.length).toBeGreaterThanOrEqual(4);
    expect(agentText).not.toMatch(/latest/);
  });

  it('carries every Debian package scripts/setup.sh checks for, a JRE for npm-groovy-lint and a PostgreSQL server', () => {
    const setup = readFileSync(join(repoRoot, 'scripts', 'setup.sh'), 'utf8');
    const listed = /debian_packages=\(([^)]*)\)/.exec(setup)?.[1].trim().split(/\s+/) ?? [];
    expect(listed.length).toBeGreaterThan(0);
    const install =
      agent
        .getInstructions()
        .filter((instruction) => instruction.getKeyword() === 'RUN')
        .map(argumentsOf)
        .find((command) => command.includes('apt-get install')) ?? '';
    for (const name of [...listed, 'openjdk-17-jre-headless', 'postgresql-15', 'git']) {
      expect([name, new RegExp(`\\s${name.replace(/[+.]/g, '\\$&')}(\\s|$)`).test(install)]).toEqual([
        name,
        true,
      ]);
    }
  });
});
