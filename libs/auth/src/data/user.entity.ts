import { CreatedAtColumn, type Role, TextColumn, UpdatedAtColumn, UuidPrimaryKey } from '@coursehub/core';
import { Column, Entity } from 'typeorm';

@Entity({ name: 'users' })
export class UserEntity {
  @UuidPrimaryKey()
  id!: string;

  /** Stored normalised (trimmed, lower-case); a unique index makes e-mails case-insensitively unique. */
  @TextColumn()
  email!: string;

  @TextColumn({ name: 'display_name' })
  displayName!: string;

  @TextColumn({ name: 'password_hash' })
  passwordHash!: string;

  @Column({ type: 'text', array: true, default: () => "'{student}'" })
  roles!: Role[];

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}
