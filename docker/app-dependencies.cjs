#!/usr/bin/env node
/*
 * Narrows package.json's dependencies to what one app's compiled code loads, so `npm prune` can
 * drop the rest from its image (PGlite, the Mongo driver for apps without MongoDB, argon2 outside
 * auth, ...). Run in the Dockerfile's prod-deps stage:
 *   node app-dependencies.cjs <app> <dist dir>   (rewrites ./package.json, prints what it kept)
 *
 * What is loaded: every bare `require` reachable from the app's entry points (dist/apps/<app>/src/*.js)
 * and the operator commands every image carries (dlq, kafka topics), following relative requires
 * through dist/libs; plus the peer dependencies of kept packages that package.json declares
 * (Nest loads class-validator, kafkajs, @fastify/static, pg ... lazily through its peers).
 * Plain Node and a regex over swc's CommonJS output: no parser is installed at this stage.
 */
'use strict';
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { builtinModules } = require('node:module');
const { dirname, join, resolve } = require('node:path');

const OPERATOR_COMMANDS = [
  'libs/messaging/src/consumer/dlq-command.js',
  'libs/messaging/src/topics/topics-command.js',
];

/**
 * Packages whose optional peers are loaded only when the app uses the matching feature, which the
 * app then imports itself (terminus: one health indicator per database driver).
 */
const OPTIONAL_PEERS_ON_USE_ONLY = new Set(['@nestjs/terminus']);

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function resolveRelative(from, specifier) {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.js`, join(base, 'index.js')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Bare package names required from the entry files, following relative requires. */
function requiredPackages(entries) {
  const seen = new Set();
  const packages = new Set();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
      const specifier = match[1];
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier);
        if (target) pending.push(target);
      } else if (!specifier.startsWith('node:') && !builtinModules.includes(packageName(specifier))) {
        packages.add(packageName(specifier));
      }
    }
  }
  return packages;
}

function appDependencies(app, distDir, packageJson, nodeModules) {
  const appDir = join(distDir, 'apps', app, 'src');
  if (!existsSync(appDir)) throw new Error(`no compiled app at ${appDir}`);
  const entries = [
    ...readdirSync(appDir)
      .filter((file) => file.endsWith('.js'))
      .map((file) => join(appDir, file)),
    ...OPERATOR_COMMANDS.map((file) => join(distDir, file)).filter((file) => existsSync(file)),
  ];
  const declared = packageJson.dependencies ?? {};
  const kept = new Set([...requiredPackages(entries)].filter((name) => name in declared));
  // Peers of kept packages, to a fixed point.
  for (let grew = true; grew;) {
    grew = false;
    for (const name of [...kept]) {
      const manifest = join(nodeModules, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const { peerDependencies = {}, peerDependenciesMeta = {} } = JSON.parse(readFileSync(manifest, 'utf8'));
      const peers = Object.keys(peerDependencies).filter(
        (peer) => !(OPTIONAL_PEERS_ON_USE_ONLY.has(name) && peerDependenciesMeta[peer]?.optional),
      );
      for (const peer of peers) {
        if (peer in declared && !kept.has(peer)) {
          kept.add(peer);
          grew = true;
        }
      }
    }
  }
  return Object.fromEntries(Object.entries(declared).filter(([name]) => kept.has(name)));
}

if (require.main === module) {
  const [app, distDir = 'dist'] = process.argv.slice(2);
  if (!app) {
    process.stderr.write('usage: node app-dependencies.cjs <app> [dist dir]\n');
    process.exit(2);
  }
  const packageJson = JSON.parse(readFileSync('package.json', 'utf8'));
  const dependencies = appDependencies(app, resolve(distDir), packageJson, resolve('node_modules'));
  const dropped = Object.keys(packageJson.dependencies ?? {}).filter((name) => !(name in dependencies));
  writeFileSync(
    'package.json',
    `${JSON.stringify({ ...packageJson, dependencies, devDependencies: {} }, null, 2)}\n`,
  );
  process.stdout.write(
    `${app}: keeps ${Object.keys(dependencies).length} dependencies, drops ${dropped.join(', ') || 'none'}\n`,
  );
}

module.exports = { appDependencies, requiredPackages };
