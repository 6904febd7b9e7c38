import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsEmailAddress, NormaliseEmailAddress } from '@coursehub/core';
import { EmailChange } from '../domain/account.service';
import { PasswordChange, SessionsRevoked } from '../domain/credentials.service';
import { EMAIL_PROPERTY } from './auth.dto';

/** A one-time token as e-mail links carry it (`?token=`): 32 random bytes, base64url. */
const TOKEN_PROPERTY = {
  example: 'q8Wm3Yt0bA1nV7cXo2LrE5sJ9gHk4uPd6fZiTwQyRNe',
  minLength: 20,
  maxLength: 200,
  description: 'The `token` parameter of the link in the e-mail.',
} as const;

const NEW_PASSWORD_PROPERTY = {
  example: 'another long passphrase',
  minLength: 10,
  maxLength: 256,
} as const;

export class VerifyEmailDto {
  @ApiProperty(TOKEN_PROPERTY)
  @IsString()
  @Length(20, 200)
  token!: string;
}

export class PasswordResetRequestDto {
  @ApiProperty({ ...EMAIL_PROPERTY, description: 'Normalised as at registration.' })
  @NormaliseEmailAddress()
  @IsEmailAddress()
  email!: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty(TOKEN_PROPERTY)
  @IsString()
  @Length(20, 200)
  token!: string;

  @ApiProperty(NEW_PASSWORD_PROPERTY)
  @IsString()
  @Length(10, 256, { message: 'password must be between 10 and 256 characters' })
  password!: string;
}

export class ChangePasswordDto implements PasswordChange {
  @ApiProperty({ example: 'correct horse battery staple', minLength: 1, maxLength: 256 })
  @IsString()
  @Length(1, 256)
  currentPassword!: string;

  @ApiProperty(NEW_PASSWORD_PROPERTY)
  @IsString()
  @Length(10, 256, { message: 'newPassword must be between 10 and 256 characters' })
  newPassword!: string;

  @ApiPropertyOptional({
    example: 'Zx4pQ1vR8sT2uW6yA0bC3dE5fG7hJ9kL1mN3oP5qR7s',
    minLength: 20,
    maxLength: 200,
    description:
      'The refresh token of this session: its session goes on. Without it, every session of the ' +
      'account ends, this one included.',
  })
  @IsOptional()
  @IsString()
  @Length(20, 200)
  refreshToken?: string;
}

export class SessionsRevokedDto implements SessionsRevoked {
  @ApiProperty({ example: 2, description: 'Sessions (refresh-token families) that were ended.' })
  revokedSessions!: number;

  @ApiProperty({
    example: true,
    description: 'Whether the session of the refresh token sent with the request goes on.',
  })
  currentSessionKept!: boolean;
}

export class AcceptedDto {
  @ApiProperty({
    example: 'If an account has this address, a link to reset its password is on its way.',
  })
  message!: string;
}

export class LinkSentDto extends AcceptedDto {
  @ApiProperty({ example: '2026-11-30T10:00:00.000Z', description: 'When the link stops working.' })
  expiresAt!: Date;
}

export class UpdateProfileDto {
  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: 100 })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 100)
  displayName!: string;
}

export class ChangeEmailDto implements EmailChange {
  @ApiProperty({
    ...EMAIL_PROPERTY,
    example: 'ada.lovelace@example.org',
    description: 'The new address; it is used once the link e-mailed to it is opened.',
  })
  @NormaliseEmailAddress()
  @IsEmailAddress()
  newEmail!: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 1, maxLength: 256 })
  @IsString()
  @Length(1, 256)
  password!: string;
}

export class DeleteAccountDto {
  @ApiProperty({
    example: 'correct horse battery staple',
    minLength: 1,
    maxLength: 256,
    description: 'The current password, confirming the deletion.',
  })
  @IsString()
  @Length(1, 256)
  password!: string;
}
