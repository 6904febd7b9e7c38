import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Figure, latencyFigures } from './figures';

/*
 * A small closed-loop HTTP load generator for a fixed list of requests (the read-path benchmark uses
 * autocannon for timed runs from another process; see read-servers.ts). It runs in a worker
 * thread so that the app under test has the main event loop to itself; on a 2-core machine the
 * two still share the CPUs, so requests/s is what one client box and one server process give
 * together, not the server's ceiling.
 */

export interface HttpRequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** JSON text. */
  body?: string;
}

export interface LoadJob {
  origin: string;
  /** Sent once each, in order, over `concurrency` connections. */
  requests: HttpRequestSpec[];
  concurrency: number;
  expectStatus: number;
}

export interface LoadResult {
  latenciesMs: Float64Array;
  elapsedMs: number;
  statuses: Record<string, number>;
  /** A few requests answered with another status than expected, with the start of the body. */
  unexpected: string[];
}

export function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'load-worker.ts'), { workerData: job });
    worker.once('message', (result: LoadResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/** Runs the load and turns it into p50/p95/p99 and requests/s; any unexpected status fails the benchmark. */
export async function measureRoute(name: string, job: LoadJob, notes: string): Promise<Figure[]> {
  const result = await runLoad(job);
  const wrong = job.requests.length - (result.statuses[job.expectStatus] ?? 0);
  if (wrong > 0) {
    throw new Error(
      `${name}: ${wrong} of ${job.requests.length} responses were not ${job.expectStatus} ` +
        `(${JSON.stringify(result.statuses)}), e.g.\n  ${result.unexpected.join('\n  ')}`,
    );
  }
  return [
    {
      name: `${name} throughput`,
      value: job.requests.length / (result.elapsedMs / 1000),
      unit: 'req/s',
      notes: `${job.requests.length} requests, ${job.concurrency} connections; ${notes}`,
    },
    ...latencyFigures(name, result.latenciesMs),
  ];
}
