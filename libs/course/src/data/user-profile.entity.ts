import { TextColumn, TimestampColumn } from '@coursehub/core';
import { Entity, PrimaryColumn } from 'typeorm';

/**
 * The course service's projection of a user: the display name certificates and reviews show,
 * learnt from `user.registered` and `user.updated` and erased on `user.deleted`. `updatedAt` is
 * the `occurredAt` of the event it was written from (an older event never overwrites it).
 */
@Entity({ name: 'course_user_profiles' })
export class UserProfileEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @TextColumn({ name: 'display_name' })
  displayName!: string;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}
