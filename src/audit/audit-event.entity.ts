import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
} from '@mikro-orm/core';
import { JSONObjectResolver } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../common/ids';
import { Tenant } from '../tenant/tenant.entity';

export enum AuditActorType {
  USER = 'USER',
  SCIM = 'SCIM',
  SYSTEM = 'SYSTEM',
}

registerEnumType(AuditActorType, { name: 'AuditActorType' });

@ObjectType()
export class AuditTarget {
  @Field(() => String, { description: 'What kind of thing: user, team, tenant, scim_token, …' })
  type!: string;

  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'Its email or name when it happened.' })
  display?: string | null;
}

@ObjectType()
export class AuditActor {
  @Field(() => AuditActorType)
  type!: AuditActorType;

  @Field(() => ID, { nullable: true })
  id?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;
}

/**
 * One successful change, written in the transaction that made it. Actors and targets are kept
 * by value (id and email or name), so events outlive the rows they mention.
 */
@ObjectType()
@Entity({ tableName: 'audit_event' })
@Index({ name: 'audit_event_tenant_idx', properties: ['tenant', 'id'] })
@Index({ name: 'audit_event_actor_idx', properties: ['tenant', 'actorId', 'id'] })
@Index({
  name: 'audit_event_targets_idx',
  expression:
    'create index "audit_event_targets_idx" on "audit_event" using gin ("targets" jsonb_path_ops)',
})
export class AuditEvent {
  [OptionalProps]?: 'occurredAt' | 'metadata' | 'actor';

  /** Time-ordered, so id order is newest-last and paging needs no second column. */
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  occurredAt: Date = new Date();

  @Enum({ items: () => AuditActorType, nativeEnumName: 'audit_actor_type' })
  actorType!: AuditActorType;

  @Property({ type: 'uuid', nullable: true })
  actorId?: string | null;

  @Property({ type: 'string', length: 320, nullable: true })
  actorEmail?: string | null;

  @Field(() => String, { description: 'What happened, e.g. user.deactivated.' })
  @Property({ type: 'string', length: 100 })
  action!: string;

  @Field(() => [AuditTarget])
  @Property({ type: 'jsonb' })
  targets!: AuditTarget[];

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 128, nullable: true })
  requestId?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  ip?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  userAgent?: string | null;

  @Field(() => JSONObjectResolver)
  @Property({ type: 'jsonb' })
  metadata: Record<string, unknown> = {};

  @Field(() => AuditActor)
  get actor(): AuditActor {
    return { type: this.actorType, id: this.actorId ?? null, email: this.actorEmail ?? null };
  }
}
