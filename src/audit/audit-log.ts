import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../auth/actor';
import { Tenant } from '../tenant/tenant.entity';
import {
  type AuditActor,
  AuditActorType,
  AuditEvent,
  type AuditTarget,
} from './audit-event.entity';

/** Where a request came from, recorded with every change it makes. */
export interface RequestMeta {
  requestId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export type { AuditActor };

export const userActor = (actor: Actor): AuditActor => ({
  type: AuditActorType.USER,
  id: actor.userId,
  email: actor.email,
});

/** A user acting on their own account without a token yet: accepting, signing in, resetting. */
export const accountActor = (user: { id: string; email: string }): AuditActor => ({
  type: AuditActorType.USER,
  id: user.id,
  email: user.email,
});

export const SYSTEM_ACTOR: AuditActor = { type: AuditActorType.SYSTEM, id: null, email: null };

/** Writes audit events into the caller's transaction, so an event exists iff its change does. */
export class AuditLog {
  constructor(private readonly meta: RequestMeta) {}

  record(
    em: EntityManager,
    tenant: Tenant | string,
    actor: AuditActor,
    action: string,
    targets: AuditTarget[],
    metadata: Record<string, unknown> = {},
  ): AuditEvent {
    return em.create(AuditEvent, {
      tenant: typeof tenant === 'string' ? em.getReference(Tenant, tenant) : tenant,
      actorType: actor.type,
      actorId: actor.id,
      actorEmail: actor.email,
      action,
      targets,
      metadata,
      requestId: this.meta.requestId ?? null,
      ip: this.meta.ip ?? null,
      userAgent: this.meta.userAgent?.slice(0, 500) ?? null,
    });
  }
}
