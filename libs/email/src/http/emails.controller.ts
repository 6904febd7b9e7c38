import { Authenticated, ErrorResponseDto } from '@coursehub/core';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { EmailsService } from '../domain/emails.service';
import {
  EmailDetailDto,
  EmailPageDto,
  EmailSummaryDto,
  ListEmailsQueryDto,
  RetryFailedEmailsDto,
  RetryFailedEmailsResultDto,
} from './email.dto';

@ApiTags('emails')
@Controller('emails')
@Authenticated('admin')
export class EmailsController {
  constructor(private readonly emails: EmailsService) {}

  @Get()
  @ApiOperation({ summary: 'E-mails sent or to be sent, newest first (admin).' })
  @ApiOkResponse({ type: EmailPageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid filter or altered cursor.' })
  async list(@Query() query: ListEmailsQueryDto): Promise<EmailPageDto> {
    const page = await this.emails.list(query);
    return { items: page.items.map((email) => EmailSummaryDto.from(email)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One e-mail with its rendered parts (admin).' })
  @ApiOkResponse({ type: EmailDetailDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@Param('id') id: string): Promise<EmailDetailDto> {
    return EmailDetailDto.fromRecord(await this.emails.get(id));
  }

  @Post('retry-failed')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Re-queue every failed e-mail (optionally of one template or creation window) (admin).',
    description:
      'Each e-mail gets a fresh attempt budget and keeps its Message-ID, so none is sent as a second, different message.',
  })
  @ApiOkResponse({ type: RetryFailedEmailsResultDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid filter.' })
  async retryFailed(@Body() filter: RetryFailedEmailsDto): Promise<RetryFailedEmailsResultDto> {
    return { requeued: await this.emails.retryAllFailed(filter) };
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-queue a failed e-mail with a fresh attempt budget (admin).' })
  @ApiOkResponse({ type: EmailSummaryDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The e-mail is not failed.' })
  async retry(@Param('id') id: string): Promise<EmailSummaryDto> {
    return EmailSummaryDto.from(await this.emails.retry(id));
  }
}
