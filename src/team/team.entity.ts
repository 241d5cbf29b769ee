import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
} from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../common/ids';
import { Tenant } from '../tenant/tenant.entity';

export enum TeamSource {
  MANUAL = 'MANUAL',
  SCIM = 'SCIM',
}

registerEnumType(TeamSource, { name: 'TeamSource' });

/** 1–36 characters of letters, digits, `_` and `-`. */
export const TEAM_NAME = /^[A-Za-z0-9_-]{1,36}$/;

@ObjectType()
@Entity({ tableName: 'team' })
@Index({ name: 'team_tenant_id_idx', properties: ['tenant', 'id'] })
// Names are unique per tenant regardless of case.
@Index({
  name: 'team_tenant_name_unique',
  expression:
    'create unique index "team_tenant_name_unique" on "team" ("tenant_id", lower("name"))',
})
export class Team {
  [OptionalProps]?: 'source' | 'createdAt' | 'updatedAt' | 'description' | 'version';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  @Field(() => String)
  @Property({ type: 'string', length: 36 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Field(() => TeamSource)
  @Enum({ items: () => TeamSource, nativeEnumName: 'team_source' })
  source: TeamSource = TeamSource.MANUAL;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 255, nullable: true })
  externalId?: string | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => Date)
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  /** Optimistic lock; also the SCIM ETag of the group. */
  @Property({ type: 'integer', version: true })
  version!: number;
}
