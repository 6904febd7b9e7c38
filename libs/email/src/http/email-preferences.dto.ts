import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsString, Matches, MaxLength } from 'class-validator';
import { EMAIL_CATEGORIES, EmailCategory } from '../email.constants';

/** Which non-transactional e-mails the user wants; transactional ones are always sent. */
export class EmailPreferencesDto {
  @ApiProperty({
    description: 'E-mails about courses you are enrolled in (announcements, new lessons).',
    example: true,
  })
  @IsBoolean()
  courseUpdates!: boolean;

  @ApiProperty({
    description: 'Suggestions of courses to take next (includes the welcome e-mail).',
    example: false,
  })
  @IsBoolean()
  recommendations!: boolean;
}

export const UNSUBSCRIBE_TOKEN_MAX_LENGTH = 200;
const UNSUBSCRIBE_TOKEN_PATTERN = /^[A-Za-z0-9._-]+$/;

/** The query of the one-click unsubscribe link (List-Unsubscribe). */
export class UnsubscribeQueryDto {
  @ApiProperty({
    description: 'The signed token of the link: `<userId>.<category>.<signature>`.',
    example:
      '7f1c2a9e-3b1d-4c55-9f0e-2a6b8d4e1c30.recommendations.kq3JvVbC3Tg0Xg4x7m5rV7xOqv8Jp0F8b8Fq2Yt9c1w',
    maxLength: UNSUBSCRIBE_TOKEN_MAX_LENGTH,
    pattern: UNSUBSCRIBE_TOKEN_PATTERN.source,
  })
  @IsString()
  @MaxLength(UNSUBSCRIBE_TOKEN_MAX_LENGTH)
  @Matches(UNSUBSCRIBE_TOKEN_PATTERN, { message: 'token must be an unsubscribe token' })
  token!: string;
}

export class UnsubscribeResultDto {
  @ApiProperty({
    enum: EMAIL_CATEGORIES,
    description: 'The category now turned off.',
    example: 'recommendations',
  })
  category!: EmailCategory;

  @ApiProperty({ description: 'Always false: the category no longer reaches you.', example: false })
  subscribed!: false;
}

/** What an unsubscribe link would turn off (`GET /emails/unsubscribe` with Accept: application/json). */
export class UnsubscribeLinkDto {
  @ApiProperty({
    enum: EMAIL_CATEGORIES,
    description: 'The category the link turns off.',
    example: 'recommendations',
  })
  category!: EmailCategory;

  @ApiProperty({ description: 'Whether the category reaches the user now.', example: true })
  subscribed!: boolean;
}
