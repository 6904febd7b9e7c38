import { AuthenticatedUser, UnauthenticatedError } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { UserEntity } from '../data/user.entity';
import { UsersRepository } from '../data/users.repository';
import { AccessTokensService } from './access-tokens.service';
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
  ) {}

  /** A student account; whoever grants more roles is an admin (UsersService.setRoles). */
  register(input: Registration): Promise<UserEntity> {
    return this.users.create({
      email: input.email,
      password: input.password,
      displayName: input.displayName,
    });
  }

  async login(input: Credentials): Promise<TokenPair> {
    const user = await this.usersRepository.findByEmail(normaliseEmail(input.email));
    // Always verify (against a dummy hash for unknown users): both failures look and take the same.
    const valid = await this.hasher.verify(user?.passwordHash, input.password);
    if (!user || !valid) throw new UnauthenticatedError(INVALID_CREDENTIALS);
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
    const principal: AuthenticatedUser = { id: user.id, email: user.email, roles: user.roles };
    return {
      accessToken: await this.accessTokens.issue(principal),
      refreshToken,
      expiresIn: this.accessTokens.ttlSeconds,
      tokenType: 'Bearer',
    };
  }
}
