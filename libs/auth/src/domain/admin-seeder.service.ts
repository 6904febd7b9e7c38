import { FeatureTransactions, InjectFeatureTransactions } from '@coursehub/core';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ADMIN_SEEDING_LOCK, AUTH_FEATURE } from '../auth.constants';
import { AuthEnv } from '../auth.env';
import { UsersRepository } from '../data/users.repository';
import { normaliseEmail, UsersService } from './users.service';

/**
 * Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD when no account has that address. It
 * never promotes an existing account: registration is open, so whoever registered the address
 * first would become admin. A non-admin account holding it stops the start-up instead.
 */
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
    const configured = this.config.get('ADMIN_EMAIL', { infer: true });
    const password = this.config.get('ADMIN_PASSWORD', { infer: true });
    if (!configured) return;
    const email = normaliseEmail(configured);
    await this.transactions.withTransaction(async () => {
      // Replicas starting together: one of them seeds, the others wait and then see it done.
      await this.usersRepository.lockForTransaction(ADMIN_SEEDING_LOCK);
      const existing = await this.usersRepository.findByEmail(email);
      if (existing?.roles.includes('admin')) return;
      if (existing) {
        throw new Error(
          `Invalid configuration: ADMIN_EMAIL ${email} belongs to an existing account that is not an admin, ` +
            'and it is never promoted (anyone may have registered it). Set ADMIN_EMAIL to an address no ' +
            'account uses, or have an admin grant that account the admin role (PATCH /users/:id/roles) ' +
            'once you know it is yours, or remove ADMIN_EMAIL.',
        );
      }
      if (await this.usersRepository.anyWithRole('admin')) return;
      if (!password) {
        this.logger.warn('ADMIN_EMAIL is set without ADMIN_PASSWORD: no admin was created');
        return;
      }
      // The operator chose the address: it is taken as verified (no verification e-mail).
      await this.users.create({
        email,
        password,
        displayName: 'Administrator',
        roles: ['admin'],
        emailVerified: true,
      });
      this.logger.log(`Seeded the first admin: ${email}`);
    });
  }
}
