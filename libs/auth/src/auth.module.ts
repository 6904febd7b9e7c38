import { FeatureDatabaseModule, LOCAL_ACCESS_TOKEN_KEYS } from '@coursehub/core';
import { messagingEntities, messagingMigrations, OutboxRelayModule } from '@coursehub/messaging';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { AUTH_DATA_SOURCE } from './auth.constants';
import { AuthController } from './auth.controller';
import { AuthEnv } from './auth.env';
import { AuthService } from './auth.service';
import { SigningKeysService } from './keys/signing-keys.service';
import { CreateAuthTables1763800000000 } from './migrations/1763800000000-create-auth-tables';
import { credentialsThrottlers, CredentialsThrottlerGuard } from './throttling/credentials-throttler';
import { AccessTokenService } from './tokens/access-token.service';
import { RefreshTokenEntity } from './tokens/refresh-token.entity';
import { RefreshTokenService } from './tokens/refresh-token.service';
import { AdminSeeder } from './users/admin-seeder';
import { PasswordHasher } from './users/password-hasher';
import { UserEntity } from './users/user.entity';
import { UserRegistrationHook } from './users/user-registration.hook';
import { UsersService } from './users/users.service';
import { UsersController } from './users.controller';

/**
 * Accounts, credentials and tokens: the only issuer of access tokens on the platform. Publishes
 * `user.registered` through its outbox; the root must import `MessagingModule.forRoot(...)`.
 */
@Module({
  imports: [
    FeatureDatabaseModule.register({
      name: AUTH_DATA_SOURCE,
      entities: [UserEntity, RefreshTokenEntity, ...messagingEntities],
      migrations: [...messagingMigrations, CreateAuthTables1763800000000],
    }),
    OutboxRelayModule.forDataSource(AUTH_DATA_SOURCE),
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AuthEnv, true>) =>
        credentialsThrottlers(
          config.get('AUTH_THROTTLE_LIMIT', { infer: true }),
          config.get('AUTH_THROTTLE_WINDOW_MS', { infer: true }),
        ),
    }),
  ],
  controllers: [AuthController, UsersController],
  providers: [
    AuthService,
    UsersService,
    PasswordHasher,
    SigningKeysService,
    AccessTokenService,
    RefreshTokenService,
    AdminSeeder,
    UserRegistrationHook,
    CredentialsThrottlerGuard,
    { provide: LOCAL_ACCESS_TOKEN_KEYS, useExisting: SigningKeysService },
  ],
  exports: [LOCAL_ACCESS_TOKEN_KEYS],
})
export class AuthModule {}
