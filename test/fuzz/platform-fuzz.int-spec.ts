import fc from 'fast-check';
import { Agent } from 'node:http';
import { FuzzPlatform, startFuzzPlatform } from './support/fuzz-platform';
import { buildFuzzWorld } from './support/fuzz-world';
import { OpenApiDocument, Operation, operationsOf } from './support/openapi-operations';
import { describe as describeRequest, problemWith, send } from './support/raw-http';
import { FuzzRequest, FuzzWorld, requestsFor, undocumentedRequest } from './support/request-arbitraries';

/**
 * Property-based fuzzing of the whole platform (four features, one process) from its own OpenAPI
 * document. FUZZ_SEED reproduces a run; FUZZ_RUNS is the number of requests (default 10,000).
 */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const REQUESTS = Number(process.env.FUZZ_RUNS ?? 10_000);
if (!Number.isInteger(SEED) || !Number.isInteger(REQUESTS) || REQUESTS < 1) {
  throw new Error('FUZZ_SEED and FUZZ_RUNS must be integers (FUZZ_RUNS at least 1)');
}
/** Requests sent at once: each property run is one batch. */
const BATCH = 25;

/** Operations that hash a password (argon2) when their body is valid: tried less often, they are slow. */
const EXPENSIVE = new Set(['POST /auth/register', 'POST /auth/login']);

function operationWeight(operation: Operation): number {
  if (EXPENSIVE.has(`${operation.method} ${operation.path}`)) return 2;
  if (operation.path.startsWith('/health') || operation.path.includes('jwks')) return 1;
  return 6;
}

function identityWeight(name: string): number {
  return ['admin', 'instructor', 'student', 'anonymous'].includes(name) ? 4 : 1;
}

function requestArbitrary(operations: Operation[], world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const identity = fc.oneof(
    ...Object.keys(world.identities).map((name) => ({
      weight: identityWeight(name),
      arbitrary: fc.constant(name),
    })),
  );
  const withoutIdentity = fc.oneof(
    ...operations.map((operation) => ({
      weight: operationWeight(operation),
      arbitrary: requestsFor(operation, world),
    })),
    { weight: 4, arbitrary: undocumentedRequest },
  );
  return fc.tuple(withoutIdentity, identity).map(([request, name]) => {
    const authorization = world.identities[name];
    return {
      ...request,
      identity: name,
      headers: authorization ? { ...request.headers, authorization } : request.headers,
    };
  });
}

describe('the platform under fuzzing (requests generated from /docs-json)', () => {
  let platform: FuzzPlatform;
  let operations: Operation[];
  let world: FuzzWorld;
  const agent = new Agent({ keepAlive: true, maxSockets: BATCH });

  beforeAll(async () => {
    platform = await startFuzzPlatform('fuzz');
    const document = (await (await fetch(`${platform.url}/docs-json`)).json()) as OpenApiDocument;
    operations = operationsOf(document);
    world = await buildFuzzWorld(platform);
  }, 120_000);

  afterAll(async () => {
    agent.destroy();
    await platform?.stop();
  });

  it('answers every request with 2xx, 3xx or 4xx, every 4xx in the one error shape', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(25);
    const statuses = new Map<number, number>();
    let sent = 0;
    const started = Date.now();
    process.stdout.write(`fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${REQUESTS} (${operations.length} operations)\n`);

    // The first batch with a wrong answer: its problems are the report (fast-check's own shows every request).
    let problems: string[] = [];
    const property = fc.asyncProperty(
      fc.array(requestArbitrary(operations, world), { minLength: BATCH, maxLength: BATCH }),
      async (batch) => {
        const answers = await Promise.all(
          batch.map(async (request) => {
            try {
              return { request, response: await send(platform.url, agent, request) };
            } catch (error) {
              return { request, failure: `no answer: ${(error as Error).message}` };
            }
          }),
        );
        const found: string[] = [];
        for (const { request, response, failure } of answers) {
          sent++;
          if (response) statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const problem = failure ?? problemWith(request, response);
          if (problem)
            found.push(
              `${problem}: ${describeRequest(request)}\n    -> ${response?.text.slice(0, 400) ?? ''}`,
            );
        }
        problems = found;
        return found.length === 0;
      },
    );

    const result = await fc.check(property, {
      seed: SEED,
      numRuns: Math.ceil(REQUESTS / BATCH),
      endOnFailure: true,
    });
    const seconds = (Date.now() - started) / 1000;
    const byStatus = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}: ${count}`);
    process.stdout.write(
      `fuzz: ${sent} requests in ${seconds.toFixed(1)} s (${Math.round(sent / seconds)}/s), seed ${SEED}; ${byStatus.join(', ')}\n`,
    );
    if (result.failed) {
      const why = problems.length > 0 ? problems.join('\n') : String(result.errorInstance);
      throw new Error(`Fuzzing failed; reproduce with FUZZ_SEED=${SEED} FUZZ_RUNS=${REQUESTS}\n${why}`);
    }
    expect(sent).toBeGreaterThanOrEqual(REQUESTS);
    // Not everything was refused: the generator reaches the handlers.
    expect(
      [...statuses.entries()].filter(([status]) => status < 300).reduce((sum, [, count]) => sum + count, 0),
    ).toBeGreaterThan(REQUESTS / 50);
  }, 600_000);

  it('is ready afterwards', async () => {
    const response = await fetch(`${platform.url}/health/ready`);
    expect(response.status).toBe(200);
  });
});
