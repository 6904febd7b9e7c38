import { Answers, ApiErrors, NoContent } from '@coursehub/core';
import { Body, Controller, Get, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthService } from '../domain/auth.service';
import { SigningKeysService } from '../domain/signing-keys.service';
import { JwksDto, LoginDto, RefreshTokenDto, RegisterDto, TokenPairDto } from './auth.dto';
import { ClientKey, ThrottledAs } from './credentials-throttler.guard';
import { toUserDto, UserDto } from './users.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly keys: SigningKeysService,
  ) {}

  @Post('register')
  @Answers(HttpStatus.CREATED, UserDto)
  @ThrottledAs('register')
  @ApiOperation({ summary: 'Create an account (role student).' })
  @ApiErrors({ 400: true, 409: 'The e-mail is taken.' })
  async register(@Body() body: RegisterDto, @ClientKey() client: string): Promise<UserDto> {
    return toUserDto(await this.auth.register(body, client));
  }

  @Post('login')
  @Answers(HttpStatus.OK, TokenPairDto)
  @ThrottledAs('login')
  @ApiOperation({ summary: 'Exchange e-mail and password for an access and a refresh token.' })
  @ApiErrors({ 400: true, 401: 'Unknown e-mail or wrong password.' })
  login(@Body() body: LoginDto, @ClientKey() client: string): Promise<TokenPairDto> {
    return this.auth.login(body, client);
  }

  @Post('refresh')
  @Answers(HttpStatus.OK, TokenPairDto)
  @ApiOperation({ summary: 'Rotate a refresh token; replaying a spent one revokes its whole family.' })
  @ApiErrors({ 400: true, 401: true })
  refresh(@Body() body: RefreshTokenDto): Promise<TokenPairDto> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @NoContent()
  @ApiOperation({ summary: 'Revoke the session (the refresh token family).' })
  @ApiErrors({ 400: true, 401: true })
  async logout(@Body() body: RefreshTokenDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Get('.well-known/jwks.json')
  @ApiOperation({ summary: 'Public keys that verify access tokens (JWKS).' })
  @ApiOkResponse({ type: JwksDto })
  jwks(): JwksDto {
    return this.keys.jwks();
  }
}
