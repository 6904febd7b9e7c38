import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gauge } from './registry';

export interface BuildInfo {
  version: string;
  commit: string;
  node: string;
}

/** The nearest package.json named `coursehub` above this file (sources, dist/ and the image alike). */
function packageVersion(): string {
  for (let directory = __dirname; ; directory = dirname(directory)) {
    const candidate = join(directory, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'coursehub' && manifest.version) return manifest.version;
    }
    if (dirname(directory) === directory) return 'unknown';
  }
}

/**
 * What this process runs. Read from the process environment, not the validated app config: it
 * describes the image (`GIT_COMMIT` and `APP_VERSION` are set at build time), not a setting.
 */
export function buildInfo(env: NodeJS.ProcessEnv = process.env): BuildInfo {
  return {
    version: env.APP_VERSION || packageVersion(),
    commit: env.GIT_COMMIT || 'unknown',
    node: process.versions.node,
  };
}

/** `coursehub_build_info{version,commit,node} 1`: joins any series with the build it came from. */
export function recordBuildInfo(info: BuildInfo = buildInfo()): void {
  const metric = gauge({
    name: 'coursehub_build_info',
    help: 'Always 1; the labels say which version, commit and Node.js runtime this process runs.',
    labelNames: ['version', 'commit', 'node'],
  });
  metric.reset();
  metric.set({ version: info.version, commit: info.commit, node: info.node }, 1);
}
