/*
 * Shared by the delivery checks (docker-compose, Helm, Dockerfile): where the repository is, which
 * apps exist, what each app's config schema demands, and how to run the external tools.
 */
import { parseEnv } from '@coursehub/core';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { z } from 'zod';

export const repoRoot = resolve(__dirname, '..', '..');

/** The four microservices, each with its own image, compose service and Helm chart. */
export const serviceApps = ['auth', 'course', 'order', 'email'] as const;
export type ServiceApp = (typeof serviceApps)[number];
export const imageApps = [...serviceApps, 'platform'] as const;
export type ImageApp = (typeof imageApps)[number];

/** The routes of libs/core/src/health/health.controller.ts. */
export const healthRoutes = { live: '/health/live', ready: '/health/ready' } as const;
/** Where the auth service publishes its public keys (libs/auth). */
export const jwksPath = '/auth/.well-known/jwks.json';

type EnvSchema = z.ZodType<Record<string, unknown>>;

/**
 * The app's env schema, or undefined while that app is not written yet (apps are built in
 * parallel with the delivery files; the wiring tests cover every app that exists). By convention
 * the app's root module (`apps/<app>/src/*.module.ts`) exports it as `<app>ServiceEnvSchema`;
 * any exported `...EnvSchema` there is accepted so a rename does not hide the app from the checks.
 */
export function loadAppEnvSchema(app: ImageApp): EnvSchema | undefined {
  const sourceDir = join(repoRoot, 'apps', app, 'src');
  if (!existsSync(sourceDir)) return undefined;
  const moduleFiles = readdirSync(sourceDir).filter((file) => file.endsWith('.module.ts'));
  const candidates: Array<[string, EnvSchema]> = [];
  for (const file of moduleFiles) {
    const loaded = require(join(sourceDir, file)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(loaded)) {
      if (name.endsWith('EnvSchema') && value instanceof z.ZodType)
        candidates.push([name, value as EnvSchema]);
    }
  }
  const preferred = candidates.find(([name]) => name === `${app}ServiceEnvSchema`) ?? candidates[0];
  return preferred?.[1];
}

export function existingAppSchemas<App extends ImageApp>(apps: readonly App[]): Array<[App, EnvSchema]> {
  return apps.flatMap((app) => {
    const schema = loadAppEnvSchema(app);
    return schema ? [[app, schema] as [App, EnvSchema]] : [];
  });
}

/**
 * Variables the schema cannot do without: zod reports an issue for every key that has neither a
 * default nor `.optional()` when it parses an empty environment. (zod has no public "is required"
 * introspection across wrappers like pipe/transform/default, so we ask the schema itself.)
 */
export function requiredEnvVars(schema: EnvSchema): string[] {
  const result = schema.safeParse({});
  if (result.success) return [];
  return [...new Set(result.error.issues.map((issue) => String(issue.path[0])).filter(Boolean))].sort();
}

/** Keys of an env schema (z.object, possibly extended). */
export function envKeys(schema: EnvSchema): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  if (!shape) throw new Error('expected a z.object env schema');
  return Object.keys(shape);
}

/**
 * Variables whose defaults point at 127.0.0.1 (fine for `npm start`, wrong in a container): a
 * deployment of a service must set every one its schema reads.
 */
const infrastructureVars = ['DATABASE_URL', 'KAFKA_BROKERS', 'MONGO_URL', 'SMTP_URL'];

/** What a deployed microservice must be given: required variables plus its infrastructure endpoints. */
export function deploymentEnvVars(app: ServiceApp, schema: EnvSchema): string[] {
  const keys = envKeys(schema);
  const needed = new Set([
    ...requiredEnvVars(schema),
    ...infrastructureVars.filter((key) => keys.includes(key)),
  ]);
  // Every service except auth verifies tokens with the keys auth publishes.
  if (app !== 'auth' && keys.includes('JWT_JWKS_URL')) needed.add('JWT_JWKS_URL');
  if (keys.includes('KAFKA_GROUP_ID')) needed.add('KAFKA_GROUP_ID');
  return [...needed].sort();
}

/** Parses an env the way the app does at start; returns the problems (empty = it would start). */
export function envProblems(schema: EnvSchema, env: Record<string, string>): string[] {
  try {
    parseEnv(schema, env);
    return [];
  } catch (error) {
    return (error as { problems?: string[] }).problems ?? [String(error)];
  }
}

export function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  options: { cwd?: string; input?: string } = {},
): CommandResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? repoRoot,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: process.env,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function runOrThrow(command: string, args: string[], cwd = repoRoot): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}
