import { Answers, ApiErrors, Authenticated } from '@coursehub/core';
import { Body, Controller, Get, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { EMAIL_TEMPLATES } from '../email.constants';
import { EmailLogService } from '../domain/email-log.service';
import { EmailsService } from '../domain/emails.service';
import {
  EmailDetailDto,
  EmailPageDto,
  EmailSummaryDto,
  EmailTemplatePreviewDto,
  ListEmailsQueryDto,
  RetryFailedEmailsDto,
  RetryFailedEmailsResultDto,
} from './email.dto';

@ApiTags('emails')
@Controller('emails')
@Authenticated('admin')
export class EmailsController {
  constructor(
    private readonly emails: EmailLogService,
    private readonly templates: EmailsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'E-mails sent or to be sent, newest first (admin).' })
  @ApiOkResponse({ type: EmailPageDto })
  @ApiErrors({ 400: 'Invalid filter or altered cursor.' })
  async list(@Query() query: ListEmailsQueryDto): Promise<EmailPageDto> {
    return EmailPageDto.from(await this.emails.list(query));
  }

  @Get('templates/:name/preview')
  @ApiOperation({
    summary: 'Render one template with sample data (admin).',
    description: 'The subject, plain-text and HTML parts exactly as an e-mail of that template is sent.',
  })
  @ApiParam({ name: 'name', enum: EMAIL_TEMPLATES })
  @ApiOkResponse({ type: EmailTemplatePreviewDto })
  @ApiErrors({ 404: 'No template of that name.' })
  preview(@Param('name') name: string): EmailTemplatePreviewDto {
    return this.templates.preview(name);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One e-mail with its rendered parts (admin).' })
  @ApiOkResponse({ type: EmailDetailDto })
  @ApiErrors({ 404: true })
  async get(@Param('id') id: string): Promise<EmailDetailDto> {
    return EmailDetailDto.fromRecord(await this.emails.get(id));
  }

  @Post('retry-failed')
  @Answers(HttpStatus.OK, RetryFailedEmailsResultDto)
  @ApiOperation({
    summary: 'Re-queue every failed e-mail (optionally of one template or creation window) (admin).',
    description:
      'Each e-mail gets a fresh attempt budget and keeps its Message-ID, so none is sent as a second, different message.',
  })
  @ApiErrors({ 400: 'Invalid filter.' })
  async retryFailed(@Body() filter: RetryFailedEmailsDto): Promise<RetryFailedEmailsResultDto> {
    return { requeued: await this.emails.retryAllFailed(filter) };
  }

  @Post(':id/retry')
  @Answers(HttpStatus.OK, EmailSummaryDto)
  @ApiOperation({ summary: 'Re-queue a failed e-mail with a fresh attempt budget (admin).' })
  @ApiErrors({ 404: true, 409: 'The e-mail is not failed.' })
  async retry(@Param('id') id: string): Promise<EmailSummaryDto> {
    return EmailSummaryDto.from(await this.emails.retry(id));
  }
}
