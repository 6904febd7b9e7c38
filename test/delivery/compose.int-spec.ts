/*
 * docker-compose.yml: valid Compose, and wired so that `docker compose up` starts a working stack —
 * checked without a Docker engine: every app gets what its own config schema demands, every
 * dependency has a healthcheck, and the PostgreSQL init script really creates the databases.
 */
import Ajv2019 from 'ajv/dist/2019';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import * as yaml from 'js-yaml';
import {
  deploymentEnvVars,
  envProblems,
  existingAppSchemas,
  healthRoutes,
  imageApps,
  jwksPath,
  onPath,
  repoRoot,
  requiredEnvVars,
  run,
  serviceApps,
} from './support';

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  ports?: Array<string | { target: number; published?: string | number }>;
  profiles?: string[];
  volumes?: Array<string | { source?: string; target: string }>;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const composePath = join(repoRoot, 'docker-compose.yml');
const composeText = readFileSync(composePath, 'utf8');
const dockerCompose = onPath('docker-compose');

/**
 * Compose variable interpolation (`${VAR:-default}`, `${VAR-default}`, `${VAR}`, `$$`), needed only
 * when Debian's docker-compose is not installed to resolve the file for us.
 */
function interpolate(value: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof value === 'string') {
    return value.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/g,
      (match, name, op, fallback) => {
        if (match === '$$') return '$';
        const current = env[name as string];
        if (op === ':-') return current ? current : (fallback as string);
        if (op === '-') return current ?? (fallback as string);
        return current ?? '';
      },
    );
  }
  if (Array.isArray(value)) return value.map((item) => interpolate(item, env));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolate(item, env)]));
  }
  return value;
}

/** The file as this repository reads it: YAML 1.1 (anchors, merge keys) plus interpolation. */
function loadComposeFallback(env: Record<string, string | undefined>): ComposeFile {
  return interpolate(yaml.load(composeText, { schema: yaml.YAML11_SCHEMA }), env) as ComposeFile;
}

/** Only the variables the file may read, all unset: the defaults a fresh clone runs with. */
const cleanEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

/** The resolved file: `docker-compose config` when installed (the reference), else our loader. */
function loadCompose(): ComposeFile {
  if (!dockerCompose) return loadComposeFallback({});
  const result = run('env', [
    '-i',
    ...Object.entries(cleanEnv).map(([k, v]) => `${k}=${v}`),
    dockerCompose,
    'config',
  ]);
  if (result.status !== 0) throw new Error(`docker-compose config failed:\n${result.stderr}`);
  return yaml.load(result.stdout, { schema: yaml.YAML11_SCHEMA }) as ComposeFile;
}

function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [
      key,
      value === null ? '' : String(value),
    ]),
  );
}

function dependencies(service: ComposeService): Record<string, { condition: string }> {
  const dependsOn = service.depends_on ?? {};
  return Array.isArray(dependsOn)
    ? Object.fromEntries(dependsOn.map((name) => [name, { condition: 'service_started' }]))
    : dependsOn;
}

function healthcheckCommand(service: ComposeService): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

function containerPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((port) =>
    typeof port === 'string'
      ? Number(
          port
            .replace(/\/(tcp|udp)$/, '')
            .split(':')
            .pop(),
        )
      : port.target,
  );
}

describe('docker-compose.yml', () => {
  const compose = loadCompose();
  const services = compose.services;

  it('validates against the Compose specification schema', () => {
    // The schema shipped by docker-compose 1.29 (Debian), vendored because CI has no internet. It
    // names draft 2019-09 by a URL ajv does not know, hence validateSchema: false.
    const schema = JSON.parse(readFileSync(join(__dirname, 'compose-spec.json'), 'utf8')) as object;
    const ajv = new Ajv2019({
      strict: false,
      allErrors: true,
      validateFormats: false,
      validateSchema: false,
    });
    // Its draft-04 style `id` annotations are not ids in draft 2019-09: keep them as plain annotations.
    ajv.removeKeyword('id').addKeyword({ keyword: 'id', schemaType: 'string' });
    const validate = ajv.compile(schema);
    const raw = yaml.load(composeText, { schema: yaml.YAML11_SCHEMA }) as ComposeFile;
    expect(validate(raw) ? 'valid' : ajv.errorsText(validate.errors)).toBe('valid');

    // The schema does catch mistakes: an unknown key, a wrong depends_on condition.
    const broken = structuredClone(raw) as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services.auth.helthcheck = {};
    broken.services.course.depends_on = { auth: { condition: 'service_ready' } };
    expect(validate(broken)).toBe(false);
    expect(ajv.errorsText(validate.errors)).toMatch(/helthcheck|additional/);
  });

  it('passes `docker-compose config -q` when docker-compose is installed', () => {
    if (!dockerCompose) {
      // Without Debian's docker-compose the schema test above is the validation; say so in the log.
      console.warn(
        'docker-compose is not on PATH (npm run setup installs it): validated with the schema only',
      );
      return;
    }
    const result = run(dockerCompose, ['config', '-q']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('resolves to the same services and environments with our fallback loader as with docker-compose', () => {
    // Keeps the no-docker-compose path honest where both are available.
    const fallback = loadComposeFallback({});
    expect(Object.keys(fallback.services).sort()).toEqual(Object.keys(services).sort());
    for (const [name, service] of Object.entries(services)) {
      expect([name, environmentOf(fallback.services[name])]).toEqual([name, environmentOf(service)]);
    }
  });

  it('runs Kafka (KRaft), PostgreSQL 16, MongoDB 7, Mailpit and the four services', () => {
    expect(services.kafka.image).toMatch(/^apache\/kafka:3\.9/);
    expect(environmentOf(services.kafka).KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(services.postgres.image).toMatch(/^postgres:16/);
    expect(services.mongo.image).toMatch(/^mongo:7/);
    expect(services.mailpit.image).toMatch(/^axllent\/mailpit/);
    for (const app of serviceApps) {
      expect(services[app].profiles ?? []).toEqual([]);
    }
    expect(services.platform.profiles).toEqual(['platform']);
  });

  it('gives every service a healthcheck and makes every dependency wait for a healthy one', () => {
    for (const [name, service] of Object.entries(services)) {
      expect([name, healthcheckCommand(service)]).toEqual([name, expect.stringMatching(/\S/)]);
      expect(service.healthcheck?.disable).not.toBe(true);
      for (const [target, { condition }] of Object.entries(dependencies(service))) {
        expect([name, target, target in services]).toEqual([name, target, true]);
        expect([name, target, condition]).toEqual([name, target, 'service_healthy']);
        expect(healthcheckCommand(services[target])).not.toBe('');
      }
    }
  });

  it('builds each app from the Dockerfile with its APP argument and checks it on /health/ready', () => {
    for (const app of imageApps) {
      const service = services[app];
      expect(service.build?.args?.APP).toBe(app);
      expect(service.build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      const env = environmentOf(service);
      expect(containerPorts(service)).toEqual([Number(env.PORT)]);
      expect(healthcheckCommand(service)).toContain(`http://127.0.0.1:${env.PORT}${healthRoutes.ready}`);
    }
  });

  it('keeps state in named volumes', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : (volume.source ?? '');
        // Bind mounts are only for checked-in configuration (the init scripts).
        if (source.startsWith('.') || source.startsWith('/')) {
          expect([name, source]).toEqual([name, join(repoRoot, 'docker', 'postgres')]);
        } else {
          expect([name, source, source in (compose.volumes ?? {})]).toEqual([name, source, true]);
        }
      }
    }
  });

  for (const [app, schema] of existingAppSchemas(serviceApps)) {
    describe(`the ${app} service`, () => {
      const service = services[app];
      const env = environmentOf(service);

      it('is given every variable its config requires, and its config parses', () => {
        const missing = deploymentEnvVars(app, schema).filter((key) => !env[key]);
        expect(missing).toEqual([]);
        expect(requiredEnvVars(schema).every((key) => key in env)).toBe(true);
        expect(envProblems(schema, env)).toEqual([]);
      });

      it('reaches its infrastructure by compose service name', () => {
        if (env.DATABASE_URL) {
          const url = new URL(env.DATABASE_URL);
          expect([url.hostname, url.port, url.pathname]).toEqual(['postgres', '5432', `/${app}`]);
          expect(environmentOf(services.postgres).COURSEHUB_DATABASES.split(' ')).toContain(app);
          expect(dependencies(service)).toHaveProperty('postgres');
        }
        if (env.KAFKA_BROKERS) {
          expect(env.KAFKA_BROKERS).toBe('kafka:9092');
          expect(environmentOf(services.kafka).KAFKA_ADVERTISED_LISTENERS).toContain('//kafka:9092');
          expect(dependencies(service)).toHaveProperty('kafka');
        }
        if (env.MONGO_URL) {
          expect(new URL(env.MONGO_URL).host).toBe('mongo:27017');
          expect(dependencies(service)).toHaveProperty('mongo');
        }
        if (env.SMTP_URL) {
          expect(new URL(env.SMTP_URL).host).toBe('mailpit:1025');
          expect(dependencies(service)).toHaveProperty('mailpit');
        }
      });

      it('gets its signing key (auth) or verifies tokens with the keys auth publishes', () => {
        if (app === 'auth') {
          // Not production: the service generates its key into the auth-data volume (docker/README.md).
          expect(env.NODE_ENV).toBe('development');
          expect(
            service.volumes?.map((volume) => (typeof volume === 'string' ? volume : volume.target)),
          ).toEqual(expect.arrayContaining([expect.stringContaining('/app/data')]));
        } else {
          expect(env.JWT_JWKS_URL).toBe(`http://auth:3000${jwksPath}`);
          expect(dependencies(service).auth?.condition).toBe('service_healthy');
          expect(env.NODE_ENV).toBe('production');
        }
        expect(env.JWT_ISSUER).toBe(environmentOf(services.auth).JWT_ISSUER);
        expect(env.JWT_AUDIENCE).toBe(environmentOf(services.auth).JWT_AUDIENCE);
      });
    });
  }

  for (const [, schema] of existingAppSchemas(['platform'] as const)) {
    it('the platform (profile platform) is given every variable its config requires, and its config parses', () => {
      const env = environmentOf(services.platform);
      expect(requiredEnvVars(schema).filter((key) => !env[key])).toEqual([]);
      expect(envProblems(schema, env)).toEqual([]);
    });
  }

  it('creates one isolated database per service with docker/postgres/init-databases.sh', async () => {
    // Runs the init script against the local PostgreSQL server the way the postgres image's
    // entrypoint does (psql as the superuser), with unique names; "-order" needs quoting like "order".
    const suffix = randomBytes(4).toString('hex');
    const names = [`dlv_${suffix}_auth`, `dlv-${suffix}-order`];
    const password = `pw-${suffix}`;
    const server = new URL(process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    const admin = new Client({ connectionString: server.toString() });
    await admin.connect();
    try {
      const result = run('bash', [join(repoRoot, 'docker', 'postgres', 'init-databases.sh')], {});
      expect(result.stderr).toContain('COURSEHUB_DATABASES'); // refuses to run without its settings
      expect(result.status).not.toBe(0);

      const init = run('env', [
        `PATH=${process.env.PATH ?? ''}`,
        `PGHOST=${server.hostname}`,
        `PGPORT=${server.port || '5432'}`,
        `POSTGRES_USER=${decodeURIComponent(server.username) || 'postgres'}`,
        `COURSEHUB_DATABASES=${names.join(' ')}`,
        `COURSEHUB_DB_PASSWORD=${password}`,
        'bash',
        join(repoRoot, 'docker', 'postgres', 'init-databases.sh'),
      ]);
      expect(init.stderr).toBe('');
      expect(init.status).toBe(0);

      // Each role owns its database and can create tables there ...
      for (const name of names) {
        const own = new Client({
          host: server.hostname,
          port: Number(server.port || 5432),
          user: name,
          password,
          database: name,
        });
        await own.connect();
        await own.query('CREATE TABLE probe (id int)');
        const { rows } = await own.query<{ user: string }>('SELECT current_user AS user');
        expect(rows[0].user).toBe(name);
        await own.end();
      }
      // ... and cannot connect to another service's database.
      const intruder = new Client({
        host: server.hostname,
        port: Number(server.port || 5432),
        user: names[0],
        password,
        database: names[1],
      });
      await expect(intruder.connect()).rejects.toThrow(/permission denied/);
    } finally {
      for (const name of names) {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.query(`DROP ROLE IF EXISTS "${name}"`);
      }
      await admin.end();
    }
  });
});
