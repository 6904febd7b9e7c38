import {
  CreatedAtColumn,
  type Role,
  TextColumn,
  TimestampColumn,
  UpdatedAtColumn,
  UuidPrimaryKey,
} from '@coursehub/core';
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

  /** When the owner proved the address theirs (the link of a verification e-mail); null until then. */
  @TimestampColumn('email_verified_at', { nullable: true })
  emailVerifiedAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}
