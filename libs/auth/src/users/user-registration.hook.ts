import { userRegistered } from '@coursehub/contracts';
import { Outbox } from '@coursehub/messaging';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UserEntity } from './user.entity';

/**
 * Runs inside the transaction that creates a user (registration and the seeded admin):
 * `user.registered` goes through the outbox, so the event exists exactly when the user does.
 */
@Injectable()
export class UserRegistrationHook {
  constructor(private readonly outbox: Outbox) {}

  async afterCreate(manager: EntityManager, user: UserEntity): Promise<void> {
    await this.outbox.add(
      manager,
      userRegistered,
      { userId: user.id, email: user.email, displayName: user.displayName },
      { key: user.id },
    );
  }
}
