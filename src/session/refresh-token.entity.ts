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
import { SessionFamily } from './session-family.entity';

/**
 * One refresh token of a session family; only its hash is stored. A used token is kept, so that
 * presenting it again is recognised as theft and ends the family.
 */
@Entity({ tableName: 'refresh_token' })
@Unique({ name: 'refresh_token_hash_unique', properties: ['tenant', 'tokenHash'] })
@Index({ name: 'refresh_token_session_idx', properties: ['tenant', 'session'] })
export class RefreshToken {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  @ManyToOne(() => SessionFamily, { deleteRule: 'cascade' })
  session!: SessionFamily;

  @Property({ type: 'string', length: 64 })
  tokenHash!: string;

  /** When it was exchanged for the next one; set once, never cleared. */
  @Property({ type: 'datetime', nullable: true })
  usedAt?: Date | null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
