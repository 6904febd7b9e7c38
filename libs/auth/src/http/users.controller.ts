import { ApiErrors, Authenticated, NoContent } from '@coursehub/core';
import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountService } from '../domain/account.service';
import { UsersService } from '../domain/users.service';
import { ListUsersQueryDto, toUserDto, UpdateRolesDto, UserDto, UserPageDto } from './users.dto';

@ApiTags('users')
@Controller('users')
@Authenticated('admin')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly account: AccountService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List users (admin), newest first, filtered by role and e-mail; keyset pages.' })
  @ApiOkResponse({ type: UserPageDto })
  @ApiErrors({ 400: 'Invalid filter, limit or cursor.' })
  async list(@Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    const page = await this.users.list(query);
    return { items: page.items.map(toUserDto), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user (admin).' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors({ 400: true, 404: true })
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<UserDto> {
    return toUserDto(await this.users.get(id));
  }

  @Patch(':id/roles')
  @ApiOperation({ summary: "Replace a user's roles (admin)." })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors({ 400: true, 404: true, 409: 'The user is the last admin and would lose the role.' })
  async setRoles(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateRolesDto,
  ): Promise<UserDto> {
    return toUserDto(await this.users.setRoles(id, body.roles));
  }

  @Delete(':id')
  @NoContent()
  @ApiOperation({
    summary:
      'Delete a user and everything auth holds about them (admin); other services erase theirs on `user.deleted`.',
  })
  @ApiErrors({ 400: true, 404: true, 409: 'The user is the last admin.' })
  async delete(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.account.erase(id);
  }
}
