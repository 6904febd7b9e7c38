import { Inject, Injectable, OnModuleInit, Optional, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ModuleRef } from '@nestjs/core';
import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { JwtVerifierEnv } from '../config';
import { ReadinessRegistry } from '../health/readiness-registry';
import { AccessTokenKeyResolver, LOCAL_ACCESS_TOKEN_KEYS } from './access-token-keys';
import { AccessTokenClaims, AuthenticatedUser, ROLES } from './authenticated-user';
import { JwksKeyResolver, PemKeyResolver } from './key-resolvers';

export const ACCESS_TOKEN_ALGORITHM = 'RS256';

let strategyInstances = 0;

function decodeHeader(rawJwt: string): { alg?: unknown; kid?: unknown } {
  try {
    return JSON.parse(Buffer.from(rawJwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
      alg?: unknown;
      kid?: unknown;
    };
  } catch {
    return {};
  }
}

/**
 * Verifies RS256 access tokens with public keys only. `algorithms` pins RS256, which rejects
 * `alg: none` and HS* tokens (including HS256 "signed" with the public key); a `kid` we do
 * not know has no key and is rejected.
 */
@Injectable()
export class JwtAccessStrategy extends PassportStrategy(Strategy, 'jwt-access') implements OnModuleInit {
  private resolver?: AccessTokenKeyResolver;
  /** This instance's own name in passport's process-wide registry (see JwtAccessGuard). */
  readonly strategyName = `jwt-access#${++strategyInstances}`;

  constructor(
    config: ConfigService<JwtVerifierEnv, true>,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Optional() readiness?: ReadinessRegistry,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: config.get('JWT_ISSUER', { infer: true }),
      audience: config.get('JWT_AUDIENCE', { infer: true }),
      ignoreExpiration: false,
      secretOrKeyProvider: (
        _request: unknown,
        rawJwt: string,
        done: (error: unknown, key?: string) => void,
      ) => {
        const header = decodeHeader(rawJwt);
        if (header.alg !== ACCESS_TOKEN_ALGORITHM || typeof header.kid !== 'string') {
          done(new UnauthorizedException('Invalid access token'));
          return;
        }
        this.keyResolver()
          .publicKeyFor(header.kid)
          .then((key) =>
            key
              ? done(null, key.export({ type: 'spki', format: 'pem' }).toString())
              : done(new UnauthorizedException('Invalid access token')),
          )
          .catch(done);
      },
    });
    passport.use(this.strategyName, this);
    const pem = config.get('JWT_PUBLIC_KEY', { infer: true });
    const jwksUrl = config.get('JWT_JWKS_URL', { infer: true });
    if (pem) this.resolver = new PemKeyResolver(pem);
    else if (jwksUrl) {
      const jwks = new JwksKeyResolver({
        jwksUri: jwksUrl,
        cooldownMs: config.get('JWT_JWKS_COOLDOWN_MS', { infer: true }),
        maxAgeMs: config.get('JWT_JWKS_MAX_AGE_MS', { infer: true }),
      });
      this.resolver = jwks;
      // Verification goes on with cached keys while the endpoint is down: a dependency, not readiness.
      readiness?.registerDependency('jwks', () => jwks.probe());
    }
  }

  onModuleInit(): void {
    // Keys of an issuer living in this process (the auth service, the platform) win over none.
    if (this.resolver) return;
    try {
      this.resolver = this.moduleRef.get<AccessTokenKeyResolver>(LOCAL_ACCESS_TOKEN_KEYS, { strict: false });
    } catch {
      throw new Error(
        'Invalid configuration: set JWT_JWKS_URL or JWT_PUBLIC_KEY so access tokens can be verified',
      );
    }
  }

  private keyResolver(): AccessTokenKeyResolver {
    if (!this.resolver) throw new Error('Access token keys are not resolved yet');
    return this.resolver;
  }

  validate(claims: AccessTokenClaims): AuthenticatedUser {
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((role) => ROLES.includes(role)) : [];
    if (typeof claims.sub !== 'string' || typeof claims.email !== 'string') {
      throw new UnauthorizedException('Invalid access token');
    }
    const user: AuthenticatedUser = { id: claims.sub, email: claims.email, roles };
    if (typeof claims.emailVerified === 'boolean') user.emailVerified = claims.emailVerified;
    return user;
  }
}
