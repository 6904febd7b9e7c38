import { Role } from '@coursehub/core';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AUTH_DATA_SOURCE } from '../auth.constants';
import { ListUsersQueryDto, UserDto, UserPageDto } from '../dto/auth.dto';
import { PasswordHasher } from './password-hasher';
import { UserEntity } from './user.entity';

const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION
  );
}

export function toUserDto(user: UserEntity): UserDto {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    roles: user.roles,
    createdAt: user.createdAt,
  };
}

export interface NewUser {
  email: string;
  password: string;
  displayName?: string;
  roles?: Role[];
}

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource(AUTH_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
  ) {}

  /** Creates the user inside the caller's transaction; a taken e-mail is a 409. */
  async create(manager: EntityManager, input: NewUser): Promise<UserEntity> {
    const email = input.email.trim().toLowerCase();
    const user = manager.create(UserEntity, {
      email,
      displayName: input.displayName ?? email.split('@')[0],
      passwordHash: await this.hasher.hash(input.password),
      roles: input.roles ?? ['student'],
    });
    try {
      return await manager.save(user);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictException('An account with this e-mail already exists');
      throw error;
    }
  }

  findByEmail(email: string, manager: EntityManager = this.dataSource.manager): Promise<UserEntity | null> {
    return manager.getRepository(UserEntity).findOneBy({ email: email.trim().toLowerCase() });
  }

  async get(id: string): Promise<UserEntity> {
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id });
    if (!user) throw new NotFoundException('User not found');
    return user;
  }

  async list(query: ListUsersQueryDto): Promise<UserPageDto> {
    const builder = this.dataSource.getRepository(UserEntity).createQueryBuilder('user');
    if (query.role) builder.andWhere(':role = ANY(user.roles)', { role: query.role });
    if (query.email) {
      const pattern = `%${query.email.toLowerCase().replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
      builder.andWhere('user.email LIKE :pattern', { pattern });
    }
    const [users, total] = await builder
      .orderBy('user.createdAt', 'DESC')
      .addOrderBy('user.id', 'ASC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return { items: users.map(toUserDto), total, page: query.page, pageSize: query.pageSize };
  }

  async setRoles(
    id: string,
    roles: Role[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<UserEntity> {
    const user = await manager.getRepository(UserEntity).findOneBy({ id });
    if (!user) throw new NotFoundException('User not found');
    user.roles = roles;
    return manager.getRepository(UserEntity).save(user);
  }

  async adminExists(manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const count = await manager
      .getRepository(UserEntity)
      .createQueryBuilder('user')
      .where(':role = ANY(user.roles)', { role: 'admin' })
      .getCount();
    return count > 0;
  }
}
