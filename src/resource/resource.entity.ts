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
import { User } from '../user/user.entity';

export enum ResourceKind {
  WORKSPACE = 'WORKSPACE',
  CLUSTER = 'CLUSTER',
  MODEL = 'MODEL',
}

registerEnumType(ResourceKind, { name: 'ResourceKind' });

/** A stand-in for the platform's workspaces, clusters and models that users get access to. */
@ObjectType()
@Entity({ tableName: 'resource' })
@Index({ name: 'resource_tenant_id_idx', properties: ['tenant', 'id'] })
export class Resource {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  @Field(() => ResourceKind)
  @Enum({ items: () => ResourceKind, nativeEnumName: 'resource_kind' })
  kind!: ResourceKind;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  name!: string;

  /** Cleared when the creator is deleted; `createdByEmail` keeps who it was. */
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  createdBy?: User | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 320, nullable: true })
  createdByEmail?: string | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
