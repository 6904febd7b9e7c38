/*
 * Entry of the worker thread that builds a model (see build-in-worker.ts): builds, encodes the
 * snapshot and hands it back; the snapshot's typed arrays are transferred, not copied.
 */
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import type { WorkerBuildRequest, WorkerBuildResult } from './build-in-worker';
import { RecommendationModel } from './recommendation-model';

parentPort!.once('message', (request: WorkerBuildRequest) => {
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const model = RecommendationModel.build(request.data, request.options);
  const built = performance.now();
  const cpu = process.cpuUsage(cpuAtStart);
  // Measured here, with the model and its inputs alive: the most this worker holds. Where the
  // process runs with --expose-gc (the benchmark), garbage is collected first.
  (globalThis as { gc?: () => void }).gc?.();
  const heap = getHeapStatistics();
  const snapshot = model.toSnapshot();
  const result: WorkerBuildResult = {
    snapshot,
    figures: {
      buildMs: built - started,
      buildCpuMs: (cpu.user + cpu.system) / 1000,
      encodeMs: performance.now() - built,
      heapUsedBytes: heap.used_heap_size,
      heapTotalBytes: heap.total_heap_size,
      rssBytes: process.memoryUsage.rss(),
      snapshotBytes: snapshot.text.length * 2 + snapshot.integers.byteLength + snapshot.floats.byteLength,
    },
  };
  parentPort!.postMessage(result, [snapshot.integers.buffer, snapshot.floats.buffer]);
});
