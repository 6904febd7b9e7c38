import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ModelSnapshot } from './model-snapshot';
import type { RecommendationData, RecommendationModelOptions } from './types';

/*
 * A full build in a worker thread, so that it never holds up the event loop of the service: the
 * data goes in by structured clone, the model comes back as a snapshot whose typed arrays are
 * transferred, and the main thread restores it (RecommendationModel.restore, in slices).
 */

export interface WorkerBuildRequest {
  readonly data: RecommendationData;
  readonly options: RecommendationModelOptions;
}

/** What the worker measured: build and encode time, its heap (this isolate) and the process RSS. */
export interface WorkerBuildFigures {
  readonly buildMs: number;
  /**
   * CPU time of the process during the build: the worker's, as the main thread only waits (on a
   * shared machine it tells the build's cost better than the elapsed time).
   */
  readonly buildCpuMs: number;
  readonly encodeMs: number;
  /** V8 heap of the worker right after the build, with the model and its inputs alive (after a GC under --expose-gc). */
  readonly heapUsedBytes: number;
  /** Heap the worker's V8 had reserved by then: close to the peak of the build. */
  readonly heapTotalBytes: number;
  /** Resident set of the whole process (main thread included) at the same moment. */
  readonly rssBytes: number;
  readonly snapshotBytes: number;
}

export interface WorkerBuildResult {
  readonly snapshot: ModelSnapshot;
  readonly figures: WorkerBuildFigures;
}

export interface WorkerBuild {
  readonly result: Promise<WorkerBuildResult>;
  /** Stops the build (the result then rejects). */
  terminate(): Promise<void>;
}

export interface WorkerBuildLimits {
  /** Old-generation heap limit of the worker, in MiB; the build fails rather than exceed it. Default 1536. */
  readonly maxHeapMb?: number;
}

/**
 * The worker's entry, beside this file and compiled like it: `model-worker.js` in the build output,
 * `model-worker.ts` when this module runs from source (jest, swc-node scripts), where the worker
 * compiles it with @swc-node/register as the scripts do.
 */
function workerEntry(): { file: string; execArgv: string[] } {
  const extension = extname(__filename);
  const file = join(__dirname, `model-worker${extension}`);
  if (extension !== '.ts') return { file, execArgv: [] };
  return { file, execArgv: ['--require', require.resolve('@swc-node/register')] };
}

export function buildInWorker(
  data: RecommendationData,
  options: RecommendationModelOptions = {},
  limits: WorkerBuildLimits = {},
): WorkerBuild {
  const { file, execArgv } = workerEntry();
  const worker = new Worker(file, {
    execArgv,
    resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb ?? 1536 },
  });
  const result = new Promise<WorkerBuildResult>((resolve, reject) => {
    let settled = false;
    worker.once('message', (message: WorkerBuildResult) => {
      settled = true;
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', (error: unknown) => {
      settled = true;
      reject(error instanceof Error ? error : new Error(String(error)));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`recommendation model worker exited with code ${code} before a result`));
    });
  });
  const request: WorkerBuildRequest = { data, options };
  worker.postMessage(request);
  return {
    result,
    terminate: async () => {
      await worker.terminate();
    },
  };
}
