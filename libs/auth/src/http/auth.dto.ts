import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { Credentials, Registration, TokenPair } from '../domain/auth.service';
import { PublicJwk } from '../domain/signing-keys.service';

/** E-mails are compared case-insensitively; validating the normalised form avoids surprises. */
export const normaliseEmailInput = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class RegisterDto implements Registration {
  @ApiProperty({
    example: 'ada@example.com',
    maxLength: 254,
    format: 'email',
    description: 'Unique, case-insensitively; stored lower-case.',
  })
  @Transform(normaliseEmailInput)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 10, maxLength: 256 })
  @IsString()
  @Length(10, 256, { message: 'password must be between 10 and 256 characters' })
  password!: string;

  @ApiPropertyOptional({
    example: 'Ada Lovelace',
    minLength: 1,
    maxLength: 100,
    description: 'Defaults to the part of the e-mail before the @.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 100)
  displayName?: string;
}

export class LoginDto implements Credentials {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254, format: 'email' })
  @Transform(normaliseEmailInput)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 1, maxLength: 256 })
  @IsString()
  @Length(1, 256)
  password!: string;
}

export class RefreshTokenDto {
  @ApiProperty({
    description: 'The refresh token from login or the previous refresh.',
    minLength: 20,
    maxLength: 200,
  })
  @IsString()
  @Length(20, 200)
  refreshToken!: string;
}

export class TokenPairDto implements TokenPair {
  @ApiProperty({ description: 'RS256 JWT for `Authorization: Bearer`.' })
  accessToken!: string;

  @ApiProperty({ description: 'Opaque; single use, rotated by POST /auth/refresh.' })
  refreshToken!: string;

  @ApiProperty({ example: 900, description: 'Access token lifetime in seconds.' })
  expiresIn!: number;

  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';
}

export class JwkDto implements PublicJwk {
  @ApiProperty({ example: 'RSA' })
  kty!: 'RSA';

  @ApiProperty({ description: 'RSA modulus (base64url).' })
  n!: string;

  @ApiProperty({ example: 'AQAB', description: 'RSA exponent (base64url).' })
  e!: string;

  @ApiProperty({ description: 'Key id: the RFC 7638 thumbprint, the `kid` of the tokens it verifies.' })
  kid!: string;

  @ApiProperty({ example: 'RS256' })
  alg!: 'RS256';

  @ApiProperty({ example: 'sig' })
  use!: 'sig';
}

export class JwksDto {
  @ApiProperty({ type: [JwkDto] })
  keys!: JwkDto[];
}
