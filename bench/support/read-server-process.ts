/*
 * One server of the read benchmark in a process of its own (forked by read-path.bench.ts), so the
 * baseline, the course service and the load generator never share an event loop:
 *
 *   read-server-process.ts baseline|coursehub|coursehub-uncached|coursehub-logged <database url> <pool size>
 *
 * `coursehub-uncached` runs with COURSE_PAGE_CACHE_MS=0: every search goes to PostgreSQL.
 * `coursehub-logged` runs at LOG_LEVEL=info, the default: one access line per request (the
 * benchmark's other apps log at warn).
 *
 * Sends `{ url }` to the parent once listening and closes on the parent's `close` message.
 */
import { CourseModule } from '@coursehub/course';
import { startLocalApp, TestTokenIssuer } from '@coursehub/testing';
import { startBaselineServer } from '../baseline-server';

export interface ReadServerReady {
  url: string;
  /** An instructor's token the course service accepts (coursehub only): for seeding through the API. */
  token?: string;
}

async function startCourseService(
  databaseUrl: string,
  poolSize: number,
  options: { pageCache: boolean; accessLog: boolean },
) {
  const issuer = new TestTokenIssuer();
  // The course service as deployed alone (split mode), on the in-process transport: no Kafka.
  const { app, url } = await startLocalApp({
    title: 'CourseHub course service (bench)',
    service: 'course',
    features: [CourseModule.register()],
    env: {
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(poolSize),
      JWT_PUBLIC_KEY: issuer.publicKeyPem,
      // One client address sends every request here: the per-caller search budget would answer 429.
      SEARCH_RATE_LIMIT: '1000000000',
      ...(options.pageCache ? {} : { COURSE_PAGE_CACHE_MS: '0' }),
      ...(options.accessLog ? { LOG_LEVEL: 'info' } : {}),
    },
  });
  const token = await issuer.sign({ id: '00000000-0000-4000-8000-00000000b0b0', roles: ['instructor'] });
  return { url, token, close: () => app.close() };
}

async function main(): Promise<void> {
  const [kind, databaseUrl, poolSize] = process.argv.slice(2);
  const server =
    kind === 'baseline'
      ? await startBaselineServer(databaseUrl, Number(poolSize))
      : await startCourseService(databaseUrl, Number(poolSize), {
          pageCache: kind !== 'coursehub-uncached',
          accessLog: kind === 'coursehub-logged',
        });
  process.on('message', (message) => {
    if (message !== 'close') return;
    void server.close().then(() => process.disconnect());
  });
  const ready: ReadServerReady = {
    url: server.url,
    token: 'token' in server ? String(server.token) : undefined,
  };
  process.send!(ready);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
