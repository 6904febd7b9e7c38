import { AuthenticatedUser, UnauthenticatedError } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { UserEntity } from '../data/user.entity';
import { UsersRepository } from '../data/users.repository';
import { AccessTokensService } from './access-tokens.service';
import { CredentialsThrottle } from './credentials-throttle.service';
import { PasswordHasher } from './password-hasher.service';
import { INVALID_REFRESH_TOKEN, RefreshTokensService } from './refresh-tokens.service';
import { normaliseEmail, UsersService } from './users.service';

/** What login and refresh hand out. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Access token lifetime in seconds. */
  expiresIn: number;
  tokenType: 'Bearer';
}

export interface Credentials {
  email: string;
  password: string;
}

export interface Registration extends Credentials {
  displayName?: string;
}

const INVALID_CREDENTIALS = 'Invalid e-mail or password';

/** Registration, login, refresh-token rotation and logout. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly usersRepository: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly accessTokens: AccessTokensService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly throttle: CredentialsThrottle,
  ) {}

  /** A student account; whoever grants more roles is an admin (UsersService.setRoles). */
  async register(input: Registration, client: string): Promise<UserEntity> {
    await this.throttle.recordRegistration(client);
    return this.users.create({
      email: input.email,
      password: input.password,
      displayName: input.displayName,
    });
  }

  /** `client` is who is asking (see clientKeyOf): failures count against it and against the account. */
  async login(input: Credentials, client: string): Promise<TokenPair> {
    const email = normaliseEmail(input.email);
    // Unknown e-mails are counted and delayed too: throttling must not tell which accounts exist.
    await this.throttle.waitForAccount(email);
    const user = await this.usersRepository.findByEmail(email);
    // Always verify (against a dummy hash for unknown users): both failures look and take the same.
    const check = await this.hasher.verify(user?.passwordHash, input.password);
    if (!user || !check.valid) {
      await this.throttle.recordLoginFailure(email, client);
      throw new UnauthenticatedError(INVALID_CREDENTIALS);
    }
    await this.throttle.recordLoginSuccess(email);
    // Hashes from older parameters are upgraded now, the one moment the password is known.
    if (check.needsRehash)
      await this.usersRepository.updatePasswordHash(user.id, await this.hasher.hash(input.password));
    return this.tokenPair(user, await this.refreshTokens.issue(user.id));
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const rotated = await this.refreshTokens.rotate(refreshToken);
    const user = await this.usersRepository.findById(rotated.userId);
    if (!user) throw new UnauthenticatedError(INVALID_REFRESH_TOKEN);
    return this.tokenPair(user, rotated.refreshToken);
  }

  logout(refreshToken: string): Promise<void> {
    return this.refreshTokens.revoke(refreshToken);
  }

  private async tokenPair(user: UserEntity, refreshToken: string): Promise<TokenPair> {
    const principal: AuthenticatedUser = {
      id: user.id,
      email: user.email,
      roles: user.roles,
      emailVerified: user.emailVerifiedAt !== null,
    };
    return {
      accessToken: await this.accessTokens.issue(principal),
      refreshToken,
      expiresIn: this.accessTokens.ttlSeconds,
      tokenType: 'Bearer',
    };
  }
}
