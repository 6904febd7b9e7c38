import { FeatureTransactions, InjectFeatureTransactions } from '@coursehub/core';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ADMIN_SEEDING_LOCK, AUTH_FEATURE } from '../auth.constants';
import { AuthEnv } from '../auth.env';
import { UsersRepository } from '../data/users.repository';
import { normaliseEmail, UsersService } from './users.service';

/** Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD when there is none yet. */
@Injectable()
export class AdminSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminSeeder.name);

  constructor(
    private readonly config: ConfigService<AuthEnv, true>,
    private readonly users: UsersService,
    private readonly usersRepository: UsersRepository,
    @InjectFeatureTransactions(AUTH_FEATURE) private readonly transactions: FeatureTransactions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const email = this.config.get('ADMIN_EMAIL', { infer: true });
    const password = this.config.get('ADMIN_PASSWORD', { infer: true });
    if (!email || !password) return;
    await this.transactions.withTransaction(async () => {
      // Replicas starting together: one of them seeds, the others wait and then see it done.
      await this.usersRepository.lockForTransaction(ADMIN_SEEDING_LOCK);
      if (await this.usersRepository.anyWithRole('admin')) return;
      const existing = await this.usersRepository.findByEmail(normaliseEmail(email));
      if (existing) {
        await this.usersRepository.updateRoles(existing.id, [
          ...new Set([...existing.roles, 'admin' as const]),
        ]);
      } else {
        await this.users.create({ email, password, displayName: 'Administrator', roles: ['admin'] });
      }
      this.logger.log(`Seeded the first admin: ${email}`);
    });
  }
}
