import {
  ACCESS_TOKEN_ALGORITHM,
  AccessTokenKeyResolver,
  CoreEnv,
  JwtVerifierEnv,
  keyIdOf,
} from '@coursehub/core';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AuthEnv } from '../auth.env';

export interface PublicJwk {
  kty: 'RSA';
  n: string;
  e: string;
  kid: string;
  alg: typeof ACCESS_TOKEN_ALGORITHM;
  use: 'sig';
}

/** The key access tokens are signed with now, and the `kid` verifiers find its public half by. */
export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
}

type Env = AuthEnv & CoreEnv & JwtVerifierEnv;

/** Every PEM block in `text` (`\n` escapes allowed): public keys, or private keys whose public half is meant. */
export function publicKeysIn(text: string): KeyObject[] {
  const blocks = text.replace(/\\n/g, '\n').match(/-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g) ?? [];
  if (blocks.length === 0)
    throw new Error('Invalid configuration: JWT_PREVIOUS_PUBLIC_KEYS holds no PEM block');
  return blocks.map((block) => createPublicKey(block));
}

/**
 * The RS256 key that signs access tokens, and the public keys published beside it. Production
 * must configure it; elsewhere a pair is generated once and kept in DATA_DIR so tokens survive
 * restarts. JWT_PREVIOUS_PUBLIC_KEYS adds keys that are published and accepted but never signed
 * with: the previous key during a rotation, or the next one before it (see the README). In-process
 * verifiers resolve public keys here (LOCAL_ACCESS_TOKEN_KEYS), others through the published JWKS.
 */
@Injectable()
export class SigningKeysService implements AccessTokenKeyResolver {
  private readonly logger = new Logger(SigningKeysService.name);
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;
  /** Every key that verifies, current first, by kid. */
  private readonly publicKeys = new Map<string, KeyObject>();

  constructor(config: ConfigService<Env, true>) {
    this.privateKey = this.loadPrivateKey(config);
    this.publicKey = createPublicKey(this.privateKey);
    this.keyId = keyIdOf(this.publicKey);
    this.publicKeys.set(this.keyId, this.publicKey);
    for (const key of this.loadPreviousKeys(config)) {
      const kid = keyIdOf(key);
      if (!this.publicKeys.has(kid)) this.publicKeys.set(kid, key);
    }
  }

  /** The key to sign with. */
  get current(): SigningKey {
    return { keyId: this.keyId, privateKey: this.privateKey };
  }

  publicKeyFor(kid: string): Promise<KeyObject | undefined> {
    return Promise.resolve(this.publicKeys.get(kid));
  }

  jwks(): { keys: PublicJwk[] } {
    return {
      keys: [...this.publicKeys].map(([kid, key]) => {
        const { n, e } = key.export({ format: 'jwk' });
        return { kty: 'RSA', n: n!, e: e!, kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' } as const;
      }),
    };
  }

  private loadPreviousKeys(config: ConfigService<Env, true>): KeyObject[] {
    const pem = config.get('JWT_PREVIOUS_PUBLIC_KEYS', { infer: true });
    const file = config.get('JWT_PREVIOUS_PUBLIC_KEYS_FILE', { infer: true });
    return [...(pem ? publicKeysIn(pem) : []), ...(file ? publicKeysIn(readFileSync(file, 'utf8')) : [])];
  }
  private loadPrivateKey(config: ConfigService<Env, true>): KeyObject {
    const pem = config.get('JWT_PRIVATE_KEY', { infer: true });
    if (pem) return createPrivateKey(pem.replace(/\\n/g, '\n'));
    const file = config.get('JWT_PRIVATE_KEY_FILE', { infer: true });
    if (file) return createPrivateKey(readFileSync(file, 'utf8'));
    if (config.get('NODE_ENV', { infer: true }) === 'production') {
      throw new Error(
        'Invalid configuration: JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE is required when NODE_ENV=production',
      );
    }
    const generatedFile = join(config.get('DATA_DIR', { infer: true }), 'auth', 'jwt-private.pem');
    if (existsSync(generatedFile)) return createPrivateKey(readFileSync(generatedFile, 'utf8'));
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    mkdirSync(dirname(generatedFile), { recursive: true });
    writeFileSync(generatedFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    this.logger.warn(`No JWT_PRIVATE_KEY configured: generated a development key pair in ${generatedFile}`);
    return privateKey;
  }
}
