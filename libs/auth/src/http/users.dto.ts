import { PageDto, PageQueryDto, ROLES, Role } from '@coursehub/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { UserEntity } from '../data/user.entity';

export class UserDto {
  @ApiProperty({ format: 'uuid', example: '6f9c1a57-7c6e-4d0b-a1c5-2f4b9b8f8a10' })
  id!: string;

  @ApiProperty({ example: 'ada@example.com' })
  email!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  displayName!: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['student'] })
  roles!: Role[];

  @ApiProperty({
    example: true,
    description: 'Whether the owner opened the link of a verification e-mail sent to this address.',
  })
  emailVerified!: boolean;

  @ApiProperty({ example: '2026-11-29T10:00:00.000Z' })
  createdAt!: Date;
}

/** Never the password hash: only these fields leave the service. */
export function toUserDto(user: UserEntity): UserDto {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    roles: user.roles,
    emailVerified: user.emailVerifiedAt !== null,
    createdAt: user.createdAt,
  };
}

export class UserPageDto extends PageDto(UserDto) {}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ROLES, example: 'instructor' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({
    description: 'Case-insensitive substring of the e-mail.',
    example: 'example.com',
    minLength: 1,
    maxLength: 254,
  })
  @IsOptional()
  @IsString()
  @Length(1, 254)
  email?: string;
}

export class UpdateRolesDto {
  @ApiProperty({
    enum: ROLES,
    isArray: true,
    minItems: 1,
    uniqueItems: true,
    example: ['student', 'instructor'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles!: Role[];
}
