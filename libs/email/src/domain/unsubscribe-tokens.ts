import { type CoreEnv, publicUrlOf, TypedConfigService } from '@coursehub/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EMAIL_CATEGORIES, EmailCategory } from '../email.constants';
import type { EmailEnv } from '../email.env';

/** What an unsubscribe token stands for: turn `category` off for `userId`. */
export interface UnsubscribeRequest {
  userId: string;
  category: EmailCategory;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads the generated development secret, or creates it (exclusively: two processes agree on one). */
function generatedSecret(file: string, logger: Logger): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
    logger.warn(`No EMAIL_UNSUBSCRIBE_SECRET configured: generated a development secret in ${file}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * Signs and checks the tokens of one-click unsubscribe links: `<userId>.<category>.<HMAC-SHA256>`
 * under EMAIL_UNSUBSCRIBE_SECRET. A token names no address and never expires (the link in an old
 * e-mail keeps working); it can only ever turn one category of one user off. Production must
 * configure the secret; elsewhere one is generated once and kept in DATA_DIR (like auth's dev keys).
 */
@Injectable()
export class UnsubscribeTokens {
  private readonly logger = new Logger(UnsubscribeTokens.name);
  private readonly secret: Buffer;
  private readonly publicUrl: string;

  constructor(@Inject(ConfigService) env: TypedConfigService<EmailEnv & CoreEnv>) {
    this.publicUrl = publicUrlOf({
      PUBLIC_URL: env.get('PUBLIC_URL', { infer: true }),
      PORT: env.get('PORT', { infer: true }),
    });
    const configured = env.get('EMAIL_UNSUBSCRIBE_SECRET', { infer: true });
    if (configured) {
      this.secret = Buffer.from(configured, 'utf8');
    } else if (env.get('NODE_ENV', { infer: true }) === 'production') {
      throw new Error('Invalid configuration: EMAIL_UNSUBSCRIBE_SECRET is required when NODE_ENV=production');
    } else {
      const file = join(env.get('DATA_DIR', { infer: true }), 'email', 'unsubscribe-secret');
      this.secret = Buffer.from(generatedSecret(file, this.logger), 'utf8');
    }
  }

  sign(request: UnsubscribeRequest): string {
    return `${request.userId}.${request.category}.${this.signatureOf(request)}`;
  }

  /** The one-click link of `POST /emails/unsubscribe` (also the List-Unsubscribe header's URL). */
  urlFor(request: UnsubscribeRequest): string {
    return `${this.publicUrl}/emails/unsubscribe?token=${encodeURIComponent(this.sign(request))}`;
  }

  /** What a token stands for; null when it is malformed or its signature is not ours. */
  verify(token: string): UnsubscribeRequest | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [userId, category, signature] = parts;
    if (!UUID.test(userId) || !(EMAIL_CATEGORIES as readonly string[]).includes(category)) return null;
    const request = { userId, category: category as EmailCategory };
    const expected = Buffer.from(this.signatureOf(request), 'utf8');
    const given = Buffer.from(signature, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected) ? request : null;
  }

  private signatureOf(request: UnsubscribeRequest): string {
    return createHmac('sha256', this.secret)
      .update(`coursehub-unsubscribe:${request.userId}:${request.category}`)
      .digest('base64url');
  }
}
