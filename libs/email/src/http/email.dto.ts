import { EMAIL_ADDRESS_MAX_LENGTH, EMAIL_ADDRESS_PATTERN } from '@coursehub/contracts';
import { IsEmailAddress, NormaliseEmailAddress, Page, PageDto, PageQueryDto } from '@coursehub/core';
import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional } from 'class-validator';
import { EmailRecord } from '../data/email-record.schema';
import { EMAIL_STATUSES, EMAIL_TEMPLATES, EmailStatus, EmailTemplateName } from '../email.constants';

/** Filters shared by the admin list and the bulk retry (all optional, combined with AND). */
export class EmailFilterDto {
  @ApiPropertyOptional({ enum: EMAIL_TEMPLATES, example: 'order-confirmed' })
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
  @ApiPropertyOptional({ enum: EMAIL_STATUSES, example: 'failed' })
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

  @ApiProperty({
    format: 'uuid',
    description: 'Id of the event that caused the e-mail.',
    example: '0b6e2f4a-8c1d-4e3f-9a7b-5c6d7e8f9a0b',
  })
  eventId!: string;

  @ApiProperty({ format: 'uuid', example: '7f1c2a9e-3b1d-4c55-9f0e-2a6b8d4e1c30' })
  userId!: string;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Null while the user projection has not arrived.',
    example: 'ada@example.com',
  })
  to!: string | null;

  @ApiProperty({ enum: EMAIL_TEMPLATES, example: 'order-confirmed' })
  template!: EmailTemplateName;

  @ApiProperty({ nullable: true, type: String, example: 'You are enrolled: Event-Driven Architecture' })
  subject!: string | null;

  @ApiProperty({
    enum: EMAIL_STATUSES,
    example: 'sent',
    description: '`suppressed`: not sent because the recipient turned its category off.',
  })
  status!: EmailStatus;

  @ApiProperty({ description: 'SMTP delivery attempts so far.', example: 1 })
  attempts!: number;

  @ApiProperty({ nullable: true, type: String, example: '451 Requested action aborted' })
  lastError!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '<0b6e2f4a-8c1d-4e3f-9a7b-5c6d7e8f9a0b.order-confirmed@coursehub>',
  })
  providerMessageId!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: null })
  nextAttemptAt!: Date | null;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-29T10:00:00.000Z' })
  createdAt!: Date;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: '2026-11-29T10:00:01.250Z' })
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
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Plain-text part.',
    example: 'Hello Ada,\n\nyour enrolment in "Event-Driven Architecture" is confirmed.',
  })
  text!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'HTML part.',
    example:
      '<!doctype html><html><head><meta charset="utf-8"><title>You are enrolled</title></head><body><p>Hello Ada,</p></body></html>',
  })
  html!: string | null;

  @ApiProperty({
    type: Object,
    description: 'Template data taken from the event.',
    example: {
      orderId: '3f2b8c1e-5d4a-4b6f-9e7d-1a2b3c4d5e6f',
      courseTitle: 'Event-Driven Architecture',
      price: 12900,
      currency: 'USD',
    },
  })
  data!: Record<string, unknown>;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The one-click unsubscribe link sent as List-Unsubscribe (null: transactional e-mail).',
    example: null,
  })
  unsubscribeUrl!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'req-7f1c2a9e3b1d' })
  correlationId!: string | null;

  static fromRecord(email: EmailRecord): EmailDetailDto {
    return {
      ...EmailSummaryDto.from(email),
      text: email.text,
      html: email.html,
      data: email.data,
      unsubscribeUrl: email.unsubscribeUrl ?? null,
      correlationId: email.correlationId,
    };
  }
}

/** A page of the admin list, newest first; `nextCursor` is null on the last page. */
export class EmailPageDto extends PageDto(EmailSummaryDto) {
  static from(page: Page<EmailRecord>): EmailPageDto {
    return { items: page.items.map((email) => EmailSummaryDto.from(email)), nextCursor: page.nextCursor };
  }
}

/** A template rendered with sample data (admin preview). */
export class EmailTemplatePreviewDto {
  @ApiProperty({ enum: EMAIL_TEMPLATES, example: 'course-completed' })
  template!: EmailTemplateName;

  @ApiProperty({ example: 'Course completed: Event-Driven Architecture' })
  subject!: string;

  @ApiProperty({
    description: 'Plain-text part.',
    example:
      'Hello Ada Lovelace,\n\ncongratulations: you completed "Event-Driven Architecture" on 29 Nov 2026, 10:00 UTC.\n\n' +
      'Your certificate: http://localhost:3000/certificates/c0ffee00-1234-4abc-8def-0123456789ab',
  })
  text!: string;

  @ApiProperty({
    description: 'HTML part (every value escaped).',
    example:
      '<!doctype html><html><head><meta charset="utf-8"><title>Course completed: Event-Driven Architecture</title></head>' +
      '<body><p>Hello Ada Lovelace,</p></body></html>',
  })
  html!: string;
}
