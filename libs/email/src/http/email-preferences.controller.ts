import { ApiErrors, Authenticated, type AuthenticatedUser, CurrentUser } from '@coursehub/core';
import { Body, Controller, Get, Header, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EmailPreferencesService } from '../domain/email-preferences.service';
import { EmailPreferencesDto } from './email-preferences.dto';

/**
 * The signed-in recipient's e-mail preferences; the one-click unsubscribe without sign-in is
 * UnsubscribeController's.
 */
@ApiTags('emails')
@Controller('emails')
@Authenticated()
export class EmailPreferencesController {
  constructor(private readonly preferences: EmailPreferencesService) {}

  @Get('preferences')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Your e-mail preferences',
    description:
      'Which non-transactional e-mails you receive; every category is on until you turn it off. ' +
      'Transactional e-mails (verification, password reset, security notices, receipts, ' +
      'certificates, the account deletion notice) are always sent.',
  })
  @ApiOkResponse({ type: EmailPreferencesDto })
  async get(@CurrentUser() user: AuthenticatedUser): Promise<EmailPreferencesDto> {
    return this.preferences.get(user.id);
  }

  @Put('preferences')
  @ApiOperation({ summary: 'Change your e-mail preferences (both switches)' })
  @ApiOkResponse({ type: EmailPreferencesDto })
  @ApiErrors({ 400: 'A switch is missing or not a boolean.' })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: EmailPreferencesDto,
  ): Promise<EmailPreferencesDto> {
    return this.preferences.update(user.id, {
      courseUpdates: body.courseUpdates,
      recommendations: body.recommendations,
    });
  }
}
