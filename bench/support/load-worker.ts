/*
 * The HTTP load generator's thread (see load.ts): a closed loop of `concurrency` keep-alive
 * connections, each sending the next request as soon as its previous response has been read.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadJob, LoadResult } from './load';

function send(agent: Agent, job: LoadJob, index: number): Promise<{ status: number; body: string }> {
  const spec = job.requests[index];
  const url = new URL(spec.path, job.origin);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        agent,
        method: spec.method,
        headers: {
          ...spec.headers,
          ...(spec.body !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(spec.body) }
            : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(spec.body);
  });
}

async function run(job: LoadJob): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const latenciesMs = new Float64Array(job.requests.length);
  const statuses: Record<string, number> = {};
  const unexpected: string[] = [];
  let next = 0;
  const connection = async () => {
    while (next < job.requests.length) {
      const index = next++;
      const started = performance.now();
      let status: number;
      let body: string;
      try {
        ({ status, body } = await send(agent, job, index));
      } catch (error) {
        status = 0;
        body = (error as Error).message;
      }
      latenciesMs[index] = performance.now() - started;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== job.expectStatus && unexpected.length < 3) {
        unexpected.push(
          `${job.requests[index].method} ${job.requests[index].path} → ${status} ${body.slice(0, 300)}`,
        );
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(job.concurrency, job.requests.length) }, connection));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return { latenciesMs, elapsedMs, statuses, unexpected };
}

void run(workerData as LoadJob).then((result) => parentPort!.postMessage(result));
