import {
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { newId } from '../common/ids';
import { Tenant } from '../tenant/tenant.entity';

/** A bearer token an identity provider uses on the SCIM API. Only its hash is stored. */
@ObjectType('ScimTokenInfo')
@Entity({ tableName: 'scim_token' })
@Unique({ name: 'scim_token_hash_unique', properties: ['tenant', 'tokenHash'] })
@Index({ name: 'scim_token_tenant_idx', properties: ['tenant', 'id'] })
export class ScimToken {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  @Property({ type: 'string', length: 64 })
  tokenHash!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 32 })
  prefix!: string;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true, description: 'Set while a rotation grace period runs.' })
  @Property({ type: 'datetime', nullable: true })
  expiresAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastUsedAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date | null;

  isValid(now = new Date()): boolean {
    return !this.revokedAt && (!this.expiresAt || this.expiresAt > now);
  }
}
