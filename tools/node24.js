#!/usr/bin/env node
// @ts-check
/*
 * Node 24 LTS is the runtime CourseHub supports and tests on (22.12+ keeps working).
 *
 *   node tools/node24.js install     fetch Node 24 into .tools/node24 when this node is older than 24
 *   node tools/node24.js <bin> [...]  run a package binary (jest) on Node 24: this node when it is
 *                                    24+, else the project's .tools/node24, else this node if 22.12+
 *   node tools/node24.js node [...]   run node itself (the same choice) with these arguments
 *
 * The binaries come from the npm registry (node-<os>-<arch>, the packages the `node` package
 * installs), so a machine that reaches only the npm registry can still test on Node 24. Plain
 * CommonJS without dependencies: it must run on whatever older node the machine has.
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** The Node 24 release the tests run on: the same as the images' (Dockerfile, docker/jenkins-agent). */
const NODE24_VERSION = '24.21.0';
const MINIMUM = [22, 12];

const root = path.resolve(__dirname, '..');
const localDir = path.join(root, '.tools', 'node24');
const localNode = path.join(localDir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');

function versionOf(nodePath) {
  try {
    return execFileSync(nodePath, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
  } catch {
    return undefined;
  }
}

function atLeast(version, [major, minor]) {
  const [actualMajor, actualMinor] = version.split('.').map(Number);
  return actualMajor > major || (actualMajor === major && actualMinor >= minor);
}

function registryPackage() {
  const platforms = { linux: 'linux', darwin: 'darwin' };
  const arches = { x64: 'x64', arm64: 'arm64' };
  const platform = platforms[process.platform];
  const arch = arches[process.arch];
  if (!platform || !arch) throw new Error(`no Node 24 package for ${process.platform}-${process.arch}`);
  return `node-${platform}-${arch}@${NODE24_VERSION}`;
}

function install() {
  const current = process.versions.node;
  if (atLeast(current, [24, 0])) {
    console.log(`setup: Node ${current} is the supported runtime; nothing to fetch`);
    return;
  }
  if (versionOf(localNode) === NODE24_VERSION) {
    console.log(`setup: Node ${NODE24_VERSION} already in .tools/node24 (this machine has ${current})`);
    return;
  }
  const spec = registryPackage();
  console.log(`setup: Node ${current} is older than 24: fetching ${spec} from the npm registry into .tools/node24`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'coursehub-node24-'));
  try {
    const tarball = execFileSync('npm', ['pack', '--silent', spec], { cwd: work, encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop();
    fs.rmSync(localDir, { recursive: true, force: true });
    fs.mkdirSync(localDir, { recursive: true });
    // Only the binary and its licence: the headers are for compiling addons, which npm ci does with
    // the machine's own node.
    execFileSync('tar', [
      '-xzf',
      path.join(work, String(tarball)),
      '-C',
      localDir,
      '--strip-components=1',
      'package/bin/node',
      'package/LICENSE',
    ]);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const installed = versionOf(localNode);
  if (installed !== NODE24_VERSION) throw new Error(`.tools/node24/bin/node does not run (got ${installed})`);
  console.log(`setup: Node ${installed} ready in .tools/node24; npm test runs on it`);
}

/** The node the tests run on, by preference: this one if 24+, the project's Node 24, this one if 22.12+. */
function chooseNode() {
  const current = process.versions.node;
  if (atLeast(current, [24, 0])) return process.execPath;
  if (fs.existsSync(localNode)) return localNode;
  if (atLeast(current, MINIMUM)) return process.execPath;
  console.error(
    `Node ${current} is older than the supported ${MINIMUM.join('.')}: run \`npm run setup\` ` +
      '(it fetches Node 24 into .tools/node24) or install Node 24 (see .nvmrc).',
  );
  process.exit(1);
}

function scriptOf(binName) {
  const packageJson = require.resolve(`${binName}/package.json`, { paths: [root] });
  const { bin } = require(packageJson);
  return path.resolve(path.dirname(packageJson), typeof bin === 'string' ? bin : bin[binName]);
}

function run(binName, args) {
  const node = chooseNode();
  const nodeArgs = binName === 'node' ? args : [scriptOf(binName), ...args];
  // Child processes the tests start by name (`node ...`) get the same runtime.
  const env = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}` };
  const child = spawn(node, nodeArgs, { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    // A child killed by a signal fails the run (128 + the signal's number, as a shell reports it);
    // re-raising the signal here would only reach the forwarding handlers above.
    if (signal) process.exit(128 + (require('node:os').constants.signals[signal] ?? 0));
    else process.exit(code ?? 1);
  });
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'install') {
  try {
    install();
  } catch (error) {
    console.error(`setup: could not fetch Node 24: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
} else if (command) {
  run(command, rest);
} else {
  console.error('usage: node tools/node24.js install | <package bin> [args...]');
  process.exit(2);
}
