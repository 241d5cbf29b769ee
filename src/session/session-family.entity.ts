import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Tenant } from '../tenant/tenant.entity';
import { User } from '../user/user.entity';

/**
 * One sign-in and every refresh token rotated from it. Access tokens name it in their `sid`
 * claim, so revoking the family ends them at once, not when they expire.
 */
@Entity({ tableName: 'session_family' })
@Index({ name: 'session_family_user_idx', properties: ['tenant', 'user'] })
export class SessionFamily {
  [OptionalProps]?: 'createdAt';

  /** The `sid` claim of its access tokens. */
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  /** Refreshing never extends this: a session ends at most this long after its sign-in. */
  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date | null;

  /** Why it ended early: `reuse_detected`, `password_reset`, `user_deactivated`. */
  @Property({ type: 'string', length: 50, nullable: true })
  revokedReason?: string | null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
