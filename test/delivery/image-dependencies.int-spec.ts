/*
 * docker/app-dependencies.cjs, which narrows each image's dependencies to what its app loads, run
 * on a fresh swc build of the repository: services keep what their code requires (and the
 * dlq / kafka-topics commands), never PGlite, and only auth keeps argon2, only email MongoDB and SMTP.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageApps, repoRoot, run, serviceApps, type ImageApp } from './support';

const { appDependencies, requiredPackages } = require(join(repoRoot, 'docker', 'app-dependencies.cjs')) as {
  appDependencies: (
    app: string,
    dist: string,
    packageJson: object,
    nodeModules: string,
  ) => Record<string, string>;
  requiredPackages: (entries: string[]) => Set<string>;
};
const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<
    string,
    { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }
  >;
};

let dist: string;
const kept: Partial<Record<ImageApp, string[]>> = {};

beforeAll(() => {
  dist = mkdtempSync(join(tmpdir(), 'coursehub-dist-'));
  const built = run(join(repoRoot, 'node_modules', '.bin', 'swc'), [
    'apps',
    'libs',
    '-d',
    dist,
    '--config-file',
    '.swcrc',
    '--copy-files',
    '--quiet',
  ]);
  expect([built.status, built.stderr]).toEqual([0, '']);
  for (const app of imageApps) {
    kept[app] = Object.keys(appDependencies(app, dist, packageJson, join(repoRoot, 'node_modules'))).sort();
  }
}, 120_000);
afterAll(() => rmSync(dist, { recursive: true, force: true }));

/** What `npm prune` leaves for these direct dependencies: their closure in package-lock.json. */
function installedClosure(direct: string[]): Set<string> {
  const names = new Set<string>();
  const pending = [...direct];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (names.has(name)) continue;
    names.add(name);
    const entry = lock.packages[`node_modules/${name}`];
    pending.push(...Object.keys({ ...entry?.dependencies, ...entry?.optionalDependencies }));
  }
  return names;
}

describe('per-app image dependencies', () => {
  it.each(serviceApps)('%s keeps no embedded runtime, no build or test tooling', (app) => {
    const closure = installedClosure(kept[app]!);
    for (const name of [
      '@electric-sql/pglite',
      '@electric-sql/pglite-socket',
      'typescript',
      '@swc/core',
      'jest',
    ]) {
      expect([name, closure.has(name)]).toEqual([name, false]);
    }
    expect(kept[app]!.every((name) => name in packageJson.dependencies)).toBe(true);
    expect(kept[app]!.length).toBeLessThan(Object.keys(packageJson.dependencies).length);
  });

  it('keeps what only one app needs in that app: argon2 in auth, MongoDB and SMTP in email, PGlite in the platform', () => {
    const has = (app: ImageApp, name: string): boolean => kept[app]!.includes(name);
    expect(serviceApps.filter((app) => has(app, 'argon2'))).toEqual(['auth']);
    expect(serviceApps.filter((app) => has(app, 'mongoose'))).toEqual(['email']);
    expect(serviceApps.filter((app) => has(app, 'nodemailer'))).toEqual(['email']);
    expect(has('platform', '@electric-sql/pglite')).toBe(true);
    for (const app of imageApps) {
      for (const name of [
        'kafkajs',
        'pg',
        'typeorm',
        '@nestjs/core',
        'class-validator',
        'reflect-metadata',
      ]) {
        expect([app, name, has(app, name)]).toEqual([app, name, true]);
      }
    }
  });

  it.each(imageApps)('%s: every package its compiled code requires is installed after pruning', (app) => {
    const closure = installedClosure(kept[app]!);
    const entries = [
      join(dist, 'apps', app, 'src', 'main.js'),
      join(dist, 'libs', 'messaging', 'src', 'consumer', 'dlq-command.js'),
      join(dist, 'libs', 'messaging', 'src', 'topics', 'topics-command.js'),
    ];
    const required = [...requiredPackages(entries)];
    expect(required.length).toBeGreaterThan(10);
    expect(required.filter((name) => !closure.has(name))).toEqual([]);
  });
});
