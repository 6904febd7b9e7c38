import { TimestampColumn } from '@coursehub/core';
import { Entity, PrimaryColumn } from 'typeorm';

/**
 * A user whose account auth deleted (`user.deleted`). Only the id, which no CourseHub store maps
 * to a person any more: it is what lets the order feature refuse the deleted account's still-valid
 * access tokens instead of storing new data about it.
 */
@Entity({ name: 'erased_users' })
export class ErasedUserEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @TimestampColumn('erased_at')
  erasedAt!: Date;
}
