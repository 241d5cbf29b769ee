import { Entity, Enum, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../common/ids';

export enum ProvisioningMode {
  SCIM = 'SCIM',
  JIT = 'JIT',
  INVITE_ONLY = 'INVITE_ONLY',
}

registerEnumType(ProvisioningMode, {
  name: 'ProvisioningMode',
  description:
    'How users arrive in a tenant: synced by the IdP, created at first SSO sign-in, or invited.',
});

export const TENANT_SLUG = /^[a-z0-9-]{3,40}$/;

@ObjectType()
@Entity({ tableName: 'tenant' })
export class Tenant {
  [OptionalProps]?: 'provisioningMode' | 'createdAt' | 'updatedAt' | 'version';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Field(() => String)
  @Unique()
  @Property({ type: 'string', length: 40 })
  slug!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => ProvisioningMode)
  @Enum({ items: () => ProvisioningMode, nativeEnumName: 'provisioning_mode' })
  provisioningMode: ProvisioningMode = ProvisioningMode.INVITE_ONLY;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => Date)
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'integer', version: true })
  version!: number;
}
