import { EMAIL_ADDRESS_MAX_LENGTH, EMAIL_ADDRESS_PATTERN } from '@coursehub/contracts';
import { IsEmailAddress, NormaliseEmailAddress } from '@coursehub/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length } from 'class-validator';
import { Credentials, Registration, TokenPair } from '../domain/auth.service';
import { PublicJwk } from '../domain/signing-keys.service';

/** The OpenAPI form of the one e-mail rule (@coursehub/contracts), checked on the normalised address. */
export const EMAIL_PROPERTY = {
  example: 'ada@example.com',
  maxLength: EMAIL_ADDRESS_MAX_LENGTH,
  format: 'email',
  pattern: EMAIL_ADDRESS_PATTERN.source,
} as const;

export class RegisterDto implements Registration {
  @ApiProperty({
    ...EMAIL_PROPERTY,
    description:
      'Unique, case-insensitively. Stored normalised: trimmed, lower-case, an internationalised domain in ' +
      'punycode (user@bücher.de becomes user@xn--bcher-kva.de); the part before the @ must be ASCII.',
  })
  @NormaliseEmailAddress()
  @IsEmailAddress()
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
  @ApiProperty({ ...EMAIL_PROPERTY, description: 'Normalised as at registration.' })
  @NormaliseEmailAddress()
  @IsEmailAddress()
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 1, maxLength: 256 })
  @IsString()
  @Length(1, 256)
  password!: string;
}

export class RefreshTokenDto {
  @ApiProperty({
    example: 'Zx4pQ1vR8sT2uW6yA0bC3dE5fG7hJ9kL1mN3oP5qR7s',
    description: 'The refresh token from login or the previous refresh.',
    minLength: 20,
    maxLength: 200,
  })
  @IsString()
  @Length(20, 200)
  refreshToken!: string;
}

export class TokenPairDto implements TokenPair {
  @ApiProperty({
    example:
      'eyJhbGciOiJSUzI1NiIsImtpZCI6Ik5yS2Q0In0.eyJlbWFpbCI6ImFkYUBleGFtcGxlLmNvbSIsInN1YiI6IjZmOWMxYTU3In0.c2lnbmF0dXJl',
    description: 'RS256 JWT for `Authorization: Bearer`.',
  })
  accessToken!: string;

  @ApiProperty({
    example: 'Zx4pQ1vR8sT2uW6yA0bC3dE5fG7hJ9kL1mN3oP5qR7s',
    description: 'Opaque; single use, rotated by POST /auth/refresh.',
  })
  refreshToken!: string;

  @ApiProperty({ example: 900, description: 'Access token lifetime in seconds.' })
  expiresIn!: number;

  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';
}

export class JwkDto implements PublicJwk {
  @ApiProperty({ example: 'RSA' })
  kty!: 'RSA';

  @ApiProperty({
    example: 'u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0',
    description: 'RSA modulus (base64url).',
  })
  n!: string;

  @ApiProperty({ example: 'AQAB', description: 'RSA exponent (base64url).' })
  e!: string;

  @ApiProperty({
    example: 'NrKd4jQ0XcVb8sLm2pYt6wZa1eRf3gHu5iJo7kMn9qS',
    description: 'Key id: the RFC 7638 thumbprint, the `kid` of the tokens it verifies.',
  })
  kid!: string;

  @ApiProperty({ example: 'RS256' })
  alg!: 'RS256';

  @ApiProperty({ example: 'sig' })
  use!: 'sig';
}

export class JwksDto {
  @ApiProperty({
    type: [JwkDto],
    example: [
      {
        kty: 'RSA',
        n: 'u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0',
        e: 'AQAB',
        kid: 'NrKd4jQ0XcVb8sLm2pYt6wZa1eRf3gHu5iJo7kMn9qS',
        alg: 'RS256',
        use: 'sig',
      },
    ],
  })
  keys!: JwkDto[];
}
