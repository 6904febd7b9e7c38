import { Authenticated, AuthenticatedUser, CurrentUser, ErrorResponseDto } from '@coursehub/core';
import { Body, Controller, Get, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuthService } from '../domain/auth.service';
import { SigningKeysService } from '../domain/signing-keys.service';
import { UsersService } from '../domain/users.service';
import { JwksDto, LoginDto, RefreshTokenDto, RegisterDto, TokenPairDto } from './auth.dto';
import { ClientKey, CredentialsThrottlerGuard } from './credentials-throttler.guard';
import { toUserDto, UserDto } from './users.dto';

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
};

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly keys: SigningKeysService,
  ) {}

  @Post('register')
  @UseGuards(CredentialsThrottlerGuard)
  @ApiOperation({ summary: 'Create an account (role student).' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The e-mail is taken.' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, headers: RETRY_AFTER })
  async register(@Body() body: RegisterDto, @ClientKey() client: string): Promise<UserDto> {
    return toUserDto(await this.auth.register(body, client));
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @UseGuards(CredentialsThrottlerGuard)
  @ApiOperation({ summary: 'Exchange e-mail and password for an access and a refresh token.' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Unknown e-mail or wrong password.' })
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description: 'This client failed too often: retry after `Retry-After` seconds (doubling delays).',
    headers: RETRY_AFTER,
  })
  login(@Body() body: LoginDto, @ClientKey() client: string): Promise<TokenPairDto> {
    return this.auth.login(body, client);
  }

  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Rotate a refresh token; replaying a spent one revokes its whole family.' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  refresh(@Body() body: RefreshTokenDto): Promise<TokenPairDto> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke the session (the refresh token family).' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  async logout(@Body() body: RefreshTokenDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'The calling user.' })
  @ApiOkResponse({ type: UserDto })
  async me(@CurrentUser() caller: AuthenticatedUser): Promise<UserDto> {
    return toUserDto(await this.users.get(caller.id));
  }

  @Get('.well-known/jwks.json')
  @ApiOperation({ summary: 'Public keys that verify access tokens (JWKS).' })
  @ApiOkResponse({ type: JwksDto })
  jwks(): JwksDto {
    return this.keys.jwks();
  }
}
