import { Authenticated, ErrorResponseDto } from '@coursehub/core';
import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { EmailsService } from '../emails.service';
import { EmailDetailDto, EmailPageDto, EmailSummaryDto, ListEmailsQueryDto } from './email.dto';

@ApiTags('emails')
@Controller('emails')
@Authenticated('admin')
export class EmailsController {
  constructor(private readonly emails: EmailsService) {}

  @Get()
  @ApiOperation({ summary: 'E-mails sent or to be sent, newest first (admin).' })
  @ApiOkResponse({ type: EmailPageDto })
  async list(@Query() query: ListEmailsQueryDto): Promise<EmailPageDto> {
    const page = await this.emails.list(query);
    return { ...page, items: page.items.map((email) => EmailSummaryDto.from(email)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One e-mail with its rendered parts (admin).' })
  @ApiOkResponse({ type: EmailDetailDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@Param('id') id: string): Promise<EmailDetailDto> {
    return EmailDetailDto.fromRecord(await this.emails.get(id));
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
