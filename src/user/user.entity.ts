import {
  BeforeCreate,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { EmailAddressResolver } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../common/ids';
import { Tenant } from '../tenant/tenant.entity';

export enum UserStatus {
  INVITED = 'INVITED',
  ACTIVE = 'ACTIVE',
  DEACTIVATED = 'DEACTIVATED',
}

export enum TenantRole {
  ADMIN = 'ADMIN',
  MEMBER = 'MEMBER',
}

export enum UserSource {
  BOOTSTRAP = 'BOOTSTRAP',
  INVITE = 'INVITE',
  SCIM = 'SCIM',
  JIT = 'JIT',
}

registerEnumType(UserStatus, { name: 'UserStatus' });
registerEnumType(TenantRole, { name: 'TenantRole', description: 'Exactly one per user.' });
registerEnumType(UserSource, {
  name: 'UserSource',
  description: 'How the user entered the tenant.',
});

@ObjectType()
@Entity({ tableName: 'app_user' })
@Unique({ name: 'app_user_tenant_email_unique', properties: ['tenant', 'email'] })
@Index({
  name: 'app_user_tenant_user_name_unique',
  expression:
    'create unique index "app_user_tenant_user_name_unique" on "app_user" ' +
    '("tenant_id", lower("user_name"))',
})
@Index({ name: 'app_user_tenant_external_id_idx', properties: ['tenant', 'externalId'] })
@Unique({ name: 'app_user_tenant_idp_subject_unique', properties: ['tenant', 'idpSubject'] })
@Index({ name: 'app_user_tenant_id_idx', properties: ['tenant', 'id'] })
// Prefix search on email and display name, case-insensitively (emails are stored lowercase).
@Index({
  name: 'app_user_email_prefix_idx',
  expression:
    'create index "app_user_email_prefix_idx" on "app_user" ' +
    '("tenant_id", "email" text_pattern_ops)',
})
@Index({
  name: 'app_user_display_name_prefix_idx',
  expression:
    'create index "app_user_display_name_prefix_idx" on "app_user" ' +
    '("tenant_id", lower("display_name") text_pattern_ops)',
})
export class User {
  [OptionalProps]?:
    | 'status'
    | 'role'
    | 'source'
    | 'createdAt'
    | 'updatedAt'
    | 'version'
    | 'displayName'
    | 'userName';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  /** Always lowercase, so uniqueness per tenant ignores case. */
  @Field(() => EmailAddressResolver)
  @Property({ type: 'string', length: 320 })
  email!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 200, nullable: true })
  displayName?: string | null;

  /**
   * The SCIM userName: unique per tenant ignoring case. It is the email for every user an IdP
   * did not name otherwise, so an IdP that looks users up by userName finds existing accounts.
   */
  @Property({ type: 'string', length: 320 })
  userName!: string;

  /** The user's id at the tenant's identity provider (its unique-id claim), once signed in. */
  @Property({ type: 'string', length: 255, nullable: true })
  idpSubject?: string | null;

  /** Every SCIM attribute exactly as the identity provider last sent it; null for other users. */
  @Property({ type: 'jsonb', nullable: true })
  scim?: Record<string, unknown> | null;

  @Field(() => UserStatus)
  @Enum({ items: () => UserStatus, nativeEnumName: 'user_status' })
  status: UserStatus = UserStatus.ACTIVE;

  @Field(() => TenantRole)
  @Enum({ items: () => TenantRole, nativeEnumName: 'tenant_role' })
  role: TenantRole = TenantRole.MEMBER;

  @Field(() => UserSource)
  @Enum({ items: () => UserSource, nativeEnumName: 'user_source' })
  source: UserSource = UserSource.INVITE;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 255, nullable: true })
  externalId?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastSeenAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  deactivatedAt?: Date | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => Date)
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'integer', version: true })
  version!: number;

  @BeforeCreate()
  defaultUserName(): void {
    this.userName ??= this.email;
  }
}
