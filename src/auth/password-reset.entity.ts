import {
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Tenant } from '../tenant/tenant.entity';
import { User } from '../user/user.entity';

/** A single-use password-reset token; only its hash is stored. */
@Entity({ tableName: 'password_reset' })
@Unique({ name: 'password_reset_token_unique', properties: ['tenant', 'tokenHash'] })
@Index({ name: 'password_reset_user_idx', properties: ['tenant', 'user'] })
export class PasswordReset {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'string', length: 64 })
  tokenHash!: string;

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  usedAt?: Date | null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
