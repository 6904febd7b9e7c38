import { LOCAL_ACCESS_TOKEN_KEYS } from '@coursehub/core';
import { defineFeature, FeatureModule } from '@coursehub/messaging';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { AUTH_FEATURE } from './auth.constants';
import { authEnvSchema } from './auth.env';
import { CreateAuthTables1763800000000 } from './data/migrations/1763800000000-create-auth-tables';
import { CreateCredentialAttempts1764800000000 } from './data/migrations/1764800000000-create-credential-attempts';
import { CreateAccountTokens1766000000000 } from './data/migrations/1766000000000-create-account-tokens';
import { AccountTokenEntity } from './data/account-token.entity';
import { AccountTokensRepository } from './data/account-tokens.repository';
import { AuthOutboxRepository } from './data/auth-outbox.repository';
import { CredentialAttemptsRepository } from './data/credential-attempts.repository';
import { RefreshTokenEntity } from './data/refresh-token.entity';
import { RefreshTokensRepository } from './data/refresh-tokens.repository';
import { UserEntity } from './data/user.entity';
import { UsersRepository } from './data/users.repository';
import { accessTokenJwtOptions, AccessTokensService } from './domain/access-tokens.service';
import { AccountService } from './domain/account.service';
import { AccountTokensService } from './domain/account-tokens.service';
import { AdminSeeder } from './domain/admin-seeder.service';
import { AuthService } from './domain/auth.service';
import { CredentialsService } from './domain/credentials.service';
import { CredentialsThrottle } from './domain/credentials-throttle.service';
import { PasswordHasher } from './domain/password-hasher.service';
import { RefreshTokensService } from './domain/refresh-tokens.service';
import { SigningKeysService } from './domain/signing-keys.service';
import { UsersService } from './domain/users.service';
import { AccountController } from './http/account.controller';
import { AccountPagesController } from './http/account-pages.controller';
import { AuthController } from './http/auth.controller';
import { CredentialsThrottlerGuard } from './http/credentials-throttler.guard';
import { UsersController } from './http/users.controller';

/**
 * Accounts, credentials and tokens: the only issuer of access tokens on the platform. Publishes
 * the account events (`user.registered`, `user.updated`, `user.deleted`) and the requests of
 * account e-mails (verification, password reset, security notices) through its outbox, and the
 * auth section of `GET /me/export`. Exports LOCAL_ACCESS_TOKEN_KEYS so that a root running
 * auth in-process verifies tokens with its keys, without fetching its own JWKS.
 */
@Module({})
export class AuthModule {
  static register(): FeatureModule {
    return defineFeature(AuthModule, {
      name: AUTH_FEATURE,
      envSchema: authEnvSchema,
      database: {
        entities: [UserEntity, RefreshTokenEntity, AccountTokenEntity],
        migrations: [
          CreateAuthTables1763800000000,
          CreateCredentialAttempts1764800000000,
          CreateAccountTokens1766000000000,
        ],
      },
      consumesMessages: false,
      imports: [JwtModule.registerAsync({ inject: [ConfigService], useFactory: accessTokenJwtOptions })],
      controllers: [AuthController, AccountController, AccountPagesController, UsersController],
      providers: [
        UsersRepository,
        RefreshTokensRepository,
        CredentialAttemptsRepository,
        AccountTokensRepository,
        AuthOutboxRepository,
        CredentialsThrottle,
        AccountTokensService,
        CredentialsService,
        AccountService,
        AuthService,
        UsersService,
        PasswordHasher,
        SigningKeysService,
        AccessTokensService,
        RefreshTokensService,
        AdminSeeder,
        CredentialsThrottlerGuard,
        { provide: LOCAL_ACCESS_TOKEN_KEYS, useExisting: SigningKeysService },
      ],
      exports: [LOCAL_ACCESS_TOKEN_KEYS],
    });
  }
}
