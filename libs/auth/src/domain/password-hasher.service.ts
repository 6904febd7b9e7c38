import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import * as argon2 from 'argon2';
import { availableParallelism } from 'node:os';
import { AuthEnv } from '../auth.env';

export interface PasswordCheck {
  valid: boolean;
  /** The stored hash used other parameters than the configured ones: rehash it now that the password is known. */
  needsRehash: boolean;
}

/**
 * argon2id at OWASP's recommended configuration by default (m = 19 MiB, t = 2, p = 1),
 * configurable (AUTH_ARGON2_*). argon2 runs on libuv's threadpool, never on the event loop. At most
 * one hash per core runs at once (more would not be faster, only hold more memory), so the pool's
 * other threads stay free for fs, DNS and zlib: the apps size it to cores + 4
 * (sizeThreadpoolForHashing, unless UV_THREADPOOL_SIZE is set).
 */
@Injectable()
export class PasswordHasher {
  private readonly options: argon2.HashOptions & { type: typeof argon2.argon2id };
  // Verified against when the e-mail is unknown, so both failures cost the same time.
  private readonly dummyHash: Promise<string>;
  private readonly slots = new HashingSlots(availableParallelism());

  constructor(config: ConfigService<AuthEnv, true>) {
    this.options = {
      type: argon2.argon2id,
      memoryCost: config.get('AUTH_ARGON2_MEMORY_KIB', { infer: true }),
      timeCost: config.get('AUTH_ARGON2_TIME_COST', { infer: true }),
      parallelism: config.get('AUTH_ARGON2_PARALLELISM', { infer: true }),
    };
    this.dummyHash = argon2.hash('coursehub-timing-equaliser', this.options);
  }

  hash(password: string): Promise<string> {
    return this.slots.run(() => argon2.hash(password, this.options));
  }

  /** Whether `password` matches `hash`; without a hash (unknown user) false, after the same work. */
  async verify(hash: string | undefined, password: string): Promise<PasswordCheck> {
    try {
      const digest = hash ?? (await this.dummyHash);
      const valid = await this.slots.run(() => argon2.verify(digest, password));
      if (!valid || hash === undefined) return { valid: false, needsRehash: false };
      // needsRehash compares m, t, p and version; the variant is in the hash's prefix.
      return {
        valid: true,
        needsRehash: !hash.startsWith('$argon2id$') || argon2.needsRehash(hash, this.options),
      };
    } catch {
      return { valid: false, needsRehash: false };
    }
  }
}

/**
 * A counting semaphore: at most `size` tasks run, the others wait in order. Written here (a dozen
 * lines) because the well-known packages for it (p-limit) are ESM-only.
 */
class HashingSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
