import {
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
import { TenantRole, User } from '../user/user.entity';

/** Stored states; EXPIRED is never stored, it is read off `expiresAt`. */
export enum InvitationStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}

registerEnumType(InvitationStatus, { name: 'InvitationStatus' });

@ObjectType()
@Entity({ tableName: 'invitation' })
@Unique({ name: 'invitation_token_unique', properties: ['tenant', 'tokenHash'] })
@Index({ name: 'invitation_user_idx', properties: ['tenant', 'user'] })
@Index({ name: 'invitation_email_idx', properties: ['tenant', 'email'] })
export class Invitation {
  [OptionalProps]?: 'status' | 'storedStatus' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Field(() => EmailAddressResolver)
  @Property({ type: 'string', length: 320 })
  email!: string;

  @Field(() => TenantRole)
  @Enum({ items: () => TenantRole, nativeEnumName: 'tenant_role' })
  role!: TenantRole;

  @Enum({ items: () => InvitationStatus, nativeEnumName: 'invitation_status' })
  storedStatus: InvitationStatus = InvitationStatus.PENDING;

  @Property({ type: 'string', length: 64 })
  tokenHash!: string;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  invitedBy?: User | null;

  @Property({ type: 'string', length: 320, nullable: true })
  invitedByEmail?: string | null;

  @Property({ type: 'datetime', nullable: true })
  acceptedAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => InvitationStatus)
  get status(): InvitationStatus {
    if (this.storedStatus === InvitationStatus.PENDING && this.expiresAt <= new Date()) {
      return InvitationStatus.EXPIRED;
    }

    return this.storedStatus;
  }
}
