import { Authenticated, ErrorResponseDto } from '@coursehub/core';
import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { UsersService } from '../domain/users.service';
import { ListUsersQueryDto, toUserDto, UpdateRolesDto, UserDto, UserPageDto } from './users.dto';

@ApiTags('users')
@Controller('users')
@Authenticated('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'List users (admin), newest first, filtered by role and e-mail; keyset pages.' })
  @ApiOkResponse({ type: UserPageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid filter, limit or cursor.' })
  async list(@Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    const page = await this.users.list(query);
    return { items: page.items.map(toUserDto), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user (admin).' })
  @ApiOkResponse({ type: UserDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<UserDto> {
    return toUserDto(await this.users.get(id));
  }

  @Patch(':id/roles')
  @ApiOperation({ summary: "Replace a user's roles (admin)." })
  @ApiOkResponse({ type: UserDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'The user is the last admin and would lose the role.',
  })
  async setRoles(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateRolesDto,
  ): Promise<UserDto> {
    return toUserDto(await this.users.setRoles(id, body.roles));
  }
}
