import { availableParallelism } from 'node:os';

/** Threads of libuv's pool kept for file, DNS and zlib work beside password hashing. */
export const THREADPOOL_SPARE_THREADS = 4;

/**
 * Sizes libuv's threadpool (which runs argon2, fs, dns.lookup, zlib) for an app that hashes
 * passwords: one thread per core for hashing plus THREADPOOL_SPARE_THREADS, unless
 * UV_THREADPOOL_SIZE is already set. libuv reads the variable once, when the pool starts (the
 * first fs/dns/crypto task), so an app's entry calls this before doing anything else.
 */
export function sizeThreadpoolForHashing(env: NodeJS.ProcessEnv = process.env): number {
  env.UV_THREADPOOL_SIZE ??= String(availableParallelism() + THREADPOOL_SPARE_THREADS);
  return Number(env.UV_THREADPOOL_SIZE);
}
