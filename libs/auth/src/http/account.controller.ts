import {
  Answers,
  ApiErrors,
  Authenticated,
  AuthenticatedUser,
  CurrentUser,
  NoContent,
} from '@coursehub/core';
import { applyDecorators, Body, Controller, Delete, Get, HttpStatus, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountService } from '../domain/account.service';
import { CredentialsService, WRONG_PASSWORD } from '../domain/credentials.service';
import {
  AcceptedDto,
  ChangeEmailDto,
  ChangePasswordDto,
  DeleteAccountDto,
  LinkSentDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  SessionsRevokedDto,
  UpdateProfileDto,
  VerifyEmailDto,
} from './account.dto';
import { ClientKey, ThrottledAs } from './credentials-throttler.guard';
import { toUserDto, UserDto } from './users.dto';

/** The one answer to a password reset request, whether the address has an account or not. */
export const PASSWORD_RESET_ACCEPTED =
  'If an account has this address, a link to reset its password is on its way.';

/**
 * A change the signed-in owner confirms with the current password: 400 for an invalid body, 403 for
 * a wrong password (the failure counts against the client, hence `@ClientKey()`), and `errors`.
 */
const PasswordConfirmed = (summary: string, errors: Parameters<typeof ApiErrors>[0] = {}) =>
  applyDecorators(
    Authenticated(),
    ApiOperation({ summary }),
    ApiErrors({ 400: true, 403: WRONG_PASSWORD, ...errors }),
  );

/** What an account's owner does with it: verify the address, passwords, sessions, profile, deletion. */
@ApiTags('auth')
@Controller('auth')
export class AccountController {
  constructor(
    private readonly account: AccountService,
    private readonly credentials: CredentialsService,
  ) {}

  @Post('verify-email')
  @Answers(HttpStatus.OK, UserDto)
  @ApiOperation({
    summary:
      'Open the link of a verification e-mail: the address is verified (or, for an address change, becomes the account’s).',
  })
  @ApiErrors({
    400: 'Unknown, used or expired token.',
    409: 'The new address belongs to another account now.',
  })
  async verifyEmail(@Body() body: VerifyEmailDto): Promise<UserDto> {
    return toUserDto(await this.account.verifyEmail(body.token));
  }

  @Post('verify-email/resend')
  @Answers(HttpStatus.ACCEPTED, LinkSentDto)
  @ThrottledAs('verify-resend')
  @Authenticated()
  @ApiOperation({ summary: 'Send the verification e-mail again (throttled per user).' })
  @ApiErrors({ 409: 'The address is verified already.' })
  async resendVerification(@CurrentUser() caller: AuthenticatedUser): Promise<LinkSentDto> {
    const expiresAt = await this.account.resendVerification(caller.id);
    return { message: 'A new verification link is on its way.', expiresAt };
  }

  @Post('password-reset')
  @Answers(HttpStatus.ACCEPTED, AcceptedDto)
  @ThrottledAs('reset')
  @ApiOperation({
    summary: 'E-mail a password reset link. Answers the same, in about the same time, for unknown addresses.',
  })
  @ApiErrors({ 400: true })
  async requestPasswordReset(
    @Body() body: PasswordResetRequestDto,
    @ClientKey() client: string,
  ): Promise<AcceptedDto> {
    await this.credentials.requestReset(body.email, client);
    return { message: PASSWORD_RESET_ACCEPTED };
  }

  @Post('password-reset/confirm')
  @Answers(HttpStatus.OK, SessionsRevokedDto)
  @ApiOperation({ summary: 'Set a new password with the link’s token; every session of the account ends.' })
  @ApiErrors({ 400: 'Unknown, used or expired token; invalid password.' })
  confirmPasswordReset(@Body() body: PasswordResetConfirmDto): Promise<SessionsRevokedDto> {
    return this.credentials.confirmReset(body.token, body.password);
  }

  @Post('password')
  @Answers(HttpStatus.OK, SessionsRevokedDto)
  @PasswordConfirmed(
    'Change the password; the other sessions end (all of them unless `refreshToken` names this one). ' +
      'Access tokens already issued stay valid until they expire.',
  )
  changePassword(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: ChangePasswordDto,
    @ClientKey() client: string,
  ): Promise<SessionsRevokedDto> {
    return this.credentials.change(caller.id, body, client);
  }

  @Post('logout-all')
  @NoContent()
  @Authenticated()
  @ApiOperation({ summary: 'End every session (refresh token) of the caller.' })
  async logoutAll(@CurrentUser() caller: AuthenticatedUser): Promise<void> {
    await this.credentials.logoutAll(caller.id);
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'The calling user.' })
  @ApiOkResponse({ type: UserDto })
  async me(@CurrentUser() caller: AuthenticatedUser): Promise<UserDto> {
    return toUserDto(await this.account.get(caller.id));
  }

  @Patch('me')
  @Authenticated()
  @ApiOperation({ summary: 'Change the display name.' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors({ 400: true })
  async updateProfile(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: UpdateProfileDto,
  ): Promise<UserDto> {
    return toUserDto(await this.account.updateDisplayName(caller.id, body.displayName));
  }

  @Post('me/email')
  @Answers(HttpStatus.ACCEPTED, LinkSentDto)
  @PasswordConfirmed(
    'Change the e-mail address: a verification link goes to the new one, which is used once it is opened.',
    { 409: 'Another account has the address.' },
  )
  async changeEmail(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: ChangeEmailDto,
    @ClientKey() client: string,
  ): Promise<LinkSentDto> {
    const expiresAt = await this.account.requestEmailChange(caller.id, body, client);
    return { message: 'A verification link is on its way to the new address.', expiresAt };
  }

  @Delete('me')
  @NoContent()
  @PasswordConfirmed(
    'Delete the account and everything auth holds about it; the other services erase theirs on `user.deleted`.',
    { 409: 'The account is the last admin.' },
  )
  async deleteAccount(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: DeleteAccountDto,
    @ClientKey() client: string,
  ): Promise<void> {
    await this.account.deleteOwn(caller.id, body.password, client);
  }
}
