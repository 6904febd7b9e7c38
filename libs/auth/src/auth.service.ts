import { AuthenticatedUser } from '@coursehub/core';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUTH_DATA_SOURCE } from './auth.constants';
import { LoginDto, RegisterDto, TokenPairDto } from './dto/auth.dto';
import { AccessTokenService } from './tokens/access-token.service';
import { RefreshTokenService } from './tokens/refresh-token.service';
import { PasswordHasher } from './users/password-hasher';
import { UserEntity } from './users/user.entity';
import { UsersService } from './users/users.service';
import { UserRegistrationHook } from './users/user-registration.hook';

const INVALID_CREDENTIALS = 'Invalid e-mail or password';

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource(AUTH_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly accessTokens: AccessTokenService,
    private readonly refreshTokens: RefreshTokenService,
    private readonly registrationHook: UserRegistrationHook,
  ) {}

  /** The user and, in the same transaction, whatever must follow a registration (the event). */
  register(input: RegisterDto): Promise<UserEntity> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.users.create(manager, input);
      await this.registrationHook.afterCreate(manager, user);
      return user;
    });
  }

  async login(input: LoginDto): Promise<TokenPairDto> {
    const user = await this.users.findByEmail(input.email);
    // Always verify (against a dummy hash for unknown users): both failures look and take the same.
    const valid = await this.hasher.verify(user?.passwordHash, input.password);
    if (!user || !valid) throw new UnauthorizedException(INVALID_CREDENTIALS);
    return this.tokenPair(user, await this.refreshTokens.issue(user.id));
  }

  async refresh(refreshToken: string): Promise<TokenPairDto> {
    const rotated = await this.refreshTokens.rotate(refreshToken);
    const user = await this.users.get(rotated.userId).catch(() => {
      throw new UnauthorizedException('Invalid refresh token');
    });
    return this.tokenPair(user, rotated.refreshToken);
  }

  logout(refreshToken: string): Promise<void> {
    return this.refreshTokens.revoke(refreshToken);
  }

  private async tokenPair(user: UserEntity, refreshToken: string): Promise<TokenPairDto> {
    const principal: AuthenticatedUser = { id: user.id, email: user.email, roles: user.roles };
    return {
      accessToken: await this.accessTokens.issue(principal),
      refreshToken,
      expiresIn: this.accessTokens.ttlSeconds,
      tokenType: 'Bearer',
    };
  }
}
