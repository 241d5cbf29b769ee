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

/**
 * An issuer whose JWTs the API accepts as bearer tokens for this tenant, separately from the
 * SSO connection that signs people in to the UI.
 */
@ObjectType()
@Entity({ tableName: 'identity_provider' })
@Unique({ name: 'identity_provider_tenant_issuer_unique', properties: ['tenant', 'issuer'] })
@Index({ name: 'identity_provider_issuer_idx', properties: ['issuer'] })
export class IdentityProvider {
  [OptionalProps]?: 'createdAt' | 'emailClaim' | 'uniqueIdClaim';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  name!: string;

  @Field(() => String, { description: 'Must equal the `iss` claim of its tokens exactly.' })
  @Property({ type: 'text' })
  issuer!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  jwksUri!: string;

  @Field(() => [String], { description: 'A token must name one of these in `aud`.' })
  @Property({ type: 'jsonb' })
  audiences!: string[];

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  emailClaim = 'email';

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  uniqueIdClaim = 'sub';

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
