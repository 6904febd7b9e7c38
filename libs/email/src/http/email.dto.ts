import { EMAIL_ADDRESS_MAX_LENGTH, EMAIL_ADDRESS_PATTERN } from '@coursehub/contracts';
import { IsEmailAddress, NormaliseEmailAddress, PageDto, PageQueryDto } from '@coursehub/core';
import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional } from 'class-validator';
import { EmailRecord } from '../data/email-record.schema';
import { EMAIL_STATUSES, EMAIL_TEMPLATES, EmailStatus, EmailTemplateName } from '../email.constants';

/** Filters shared by the admin list and the bulk retry (all optional, combined with AND). */
export class EmailFilterDto {
  @ApiPropertyOptional({ enum: EMAIL_TEMPLATES })
  @IsOptional()
  @IsIn(EMAIL_TEMPLATES)
  template?: EmailTemplateName;

  @ApiPropertyOptional({ description: 'Created at or after (ISO 8601).', example: '2025-01-01T00:00:00Z' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  createdFrom?: Date;

  @ApiPropertyOptional({ description: 'Created before (ISO 8601).', example: '2025-02-01T00:00:00Z' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  createdTo?: Date;
}

/** Which failed e-mails a bulk retry re-queues (no filter: every one). */
export class RetryFailedEmailsDto extends EmailFilterDto {}

export class RetryFailedEmailsResultDto {
  @ApiProperty({ description: 'Failed e-mails put back in the queue.', example: 12, minimum: 0 })
  requeued!: number;
}

/** The admin list's filters on top of the keyset page (`cursor`, `limit`) and the shared e-mail filters. */
export class ListEmailsQueryDto extends IntersectionType(PageQueryDto, EmailFilterDto) {
  @ApiPropertyOptional({ enum: EMAIL_STATUSES })
  @IsOptional()
  @IsIn(EMAIL_STATUSES)
  status?: EmailStatus;

  @ApiPropertyOptional({
    description: 'Exact recipient address (normalised as at registration: lower-case, domain in punycode).',
    example: 'ada@example.com',
    format: 'email',
    maxLength: EMAIL_ADDRESS_MAX_LENGTH,
    pattern: EMAIL_ADDRESS_PATTERN.source,
  })
  @IsOptional()
  @NormaliseEmailAddress()
  @IsEmailAddress()
  recipient?: string;
}

export class EmailSummaryDto {
  @ApiProperty({ example: '665f1c2e9b1e8a3f4c2d1a0b' })
  id!: string;

  @ApiProperty({ format: 'uuid', description: 'Id of the event that caused the e-mail.' })
  eventId!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Null while the user projection has not arrived.',
  })
  to!: string | null;

  @ApiProperty({ enum: EMAIL_TEMPLATES })
  template!: EmailTemplateName;

  @ApiProperty({ nullable: true, type: String })
  subject!: string | null;

  @ApiProperty({ enum: EMAIL_STATUSES })
  status!: EmailStatus;

  @ApiProperty({ description: 'SMTP delivery attempts so far.' })
  attempts!: number;

  @ApiProperty({ nullable: true, type: String, example: '451 Requested action aborted' })
  lastError!: string | null;

  @ApiProperty({ nullable: true, type: String })
  providerMessageId!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  nextAttemptAt!: Date | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  sentAt!: Date | null;

  static from(email: EmailRecord): EmailSummaryDto {
    return {
      id: String(email._id),
      eventId: email.eventId,
      userId: email.userId,
      to: email.to,
      template: email.template,
      subject: email.subject,
      status: email.status,
      attempts: email.attempts,
      lastError: email.lastError,
      providerMessageId: email.providerMessageId,
      nextAttemptAt: email.nextAttemptAt,
      createdAt: email.createdAt,
      sentAt: email.sentAt,
    };
  }
}

export class EmailDetailDto extends EmailSummaryDto {
  @ApiProperty({ nullable: true, type: String, description: 'Plain-text part.' })
  text!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'HTML part.' })
  html!: string | null;

  @ApiProperty({ type: Object, description: 'Template data taken from the event.' })
  data!: Record<string, unknown>;

  @ApiProperty({ nullable: true, type: String })
  correlationId!: string | null;

  static fromRecord(email: EmailRecord): EmailDetailDto {
    return {
      ...EmailSummaryDto.from(email),
      text: email.text,
      html: email.html,
      data: email.data,
      correlationId: email.correlationId,
    };
  }
}

/** A page of the admin list, newest first; `nextCursor` is null on the last page. */
export class EmailPageDto extends PageDto(EmailSummaryDto) {}
