import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Tenant } from '../tenant/tenant.entity';
import { User } from '../user/user.entity';

/**
 * A user's local password, as an Argon2id hash. Kept apart from the user row so that the hash is
 * never loaded with the directory, and a user without a password simply has no row.
 */
@Entity({ tableName: 'password_credential' })
@Unique({ name: 'password_credential_user_unique', properties: ['tenant', 'user'] })
export class PasswordCredential {
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  /** The PHC string: algorithm, parameters, salt and hash. */
  @Property({ type: 'text' })
  hash!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
