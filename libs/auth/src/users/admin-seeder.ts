import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUTH_DATA_SOURCE } from '../auth.constants';
import { AuthEnv } from '../auth.env';
import { UserRegistrationHook } from './user-registration.hook';
import { UsersService } from './users.service';

/** Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD when there is none yet. */
@Injectable()
export class AdminSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminSeeder.name);

  constructor(
    private readonly config: ConfigService<AuthEnv, true>,
    private readonly users: UsersService,
    private readonly registrationHook: UserRegistrationHook,
    @InjectDataSource(AUTH_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const email = this.config.get('ADMIN_EMAIL', { infer: true });
    const password = this.config.get('ADMIN_PASSWORD', { infer: true });
    if (!email || !password) return;
    // Replicas starting together: the advisory lock lets one of them seed, the others see it done.
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['coursehub:auth:seed-admin']);
      if (await this.users.adminExists(manager)) return;
      const existing = await this.users.findByEmail(email, manager);
      if (existing) {
        await this.users.setRoles(existing.id, [...new Set([...existing.roles, 'admin' as const])], manager);
      } else {
        const admin = await this.users.create(manager, {
          email,
          password,
          displayName: 'Administrator',
          roles: ['admin'],
        });
        await this.registrationHook.afterCreate(manager, admin);
      }
      this.logger.log(`Seeded the first admin: ${email}`);
    });
  }
}
