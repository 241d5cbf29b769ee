import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
} from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Tenant } from '../tenant/tenant.entity';

export enum AuditActorType {
  USER = 'USER',
  SCIM = 'SCIM',
  SYSTEM = 'SYSTEM',
}

export interface AuditTarget {
  type: string;
  id: string;
  display?: string | null;
}

/**
 * One successful change, written in the transaction that made it. Actors and targets are kept
 * by value (id and email or name), so events outlive the rows they mention.
 */
@Entity({ tableName: 'audit_event' })
@Index({ name: 'audit_event_tenant_idx', properties: ['tenant', 'id'] })
@Index({ name: 'audit_event_actor_idx', properties: ['tenant', 'actorId', 'id'] })
@Index({
  name: 'audit_event_targets_idx',
  expression:
    'create index "audit_event_targets_idx" on "audit_event" using gin ("targets" jsonb_path_ops)',
})
export class AuditEvent {
  [OptionalProps]?: 'occurredAt' | 'metadata';

  /** Time-ordered, so id order is newest-last and paging needs no second column. */
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Tenant, { deleteRule: 'cascade' })
  tenant!: Tenant;

  @Property({ type: 'datetime' })
  occurredAt: Date = new Date();

  @Enum({ items: () => AuditActorType, nativeEnumName: 'audit_actor_type' })
  actorType!: AuditActorType;

  @Property({ type: 'uuid', nullable: true })
  actorId?: string | null;

  @Property({ type: 'string', length: 320, nullable: true })
  actorEmail?: string | null;

  @Property({ type: 'string', length: 100 })
  action!: string;

  @Property({ type: 'jsonb' })
  targets!: AuditTarget[];

  @Property({ type: 'string', length: 128, nullable: true })
  requestId?: string | null;

  @Property({ type: 'string', length: 64, nullable: true })
  ip?: string | null;

  @Property({ type: 'text', nullable: true })
  userAgent?: string | null;

  @Property({ type: 'jsonb' })
  metadata: Record<string, unknown> = {};
}
