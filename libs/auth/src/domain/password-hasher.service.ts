import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/** argon2id with the library's defaults (64 MiB, t=3, p=4: OWASP-recommended territory). */
@Injectable()
export class PasswordHasher {
  // Verified against when the e-mail is unknown, so both failures cost the same time.
  private readonly dummyHash = argon2.hash('coursehub-timing-equaliser', { type: argon2.argon2id });

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  /** Whether `password` matches `hash`; without a hash (unknown user) false, after the same work. */
  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash ?? (await this.dummyHash), password);
    } catch {
      return false;
    }
  }
}
