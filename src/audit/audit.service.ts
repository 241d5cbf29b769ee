import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../auth/actor';
import { isAdmin } from '../auth/actor';
import { isUuid } from '../common/ids';
import { type Page, type PageRequest, toPage } from '../graphql/pagination';
import { AuditEvent } from './audit-event.entity';

export interface AuditFilter {
  action?: string | null;
  actorId?: string | null;
  targetId?: string | null;
  since?: Date | null;
  until?: Date | null;
}

export class AuditService {
  constructor(private readonly em: EntityManager) {}

  /**
   * The tenant's audit events, newest first. Admins see every event; anyone else sees only the
   * events they caused, whatever `actorId` they ask for.
   */
  async list(actor: Actor, page: PageRequest, filter: AuditFilter = {}): Promise<Page<AuditEvent>> {
    const actorId = isAdmin(actor) ? filter.actorId : actor.userId;
    const unknownId = [actorId, filter.targetId].some((id) => id != null && !isUuid(id));
    if (unknownId) return toPage([], page.first, async () => 0);

    const filtered = () => {
      const qb = this.em.createQueryBuilder(AuditEvent, 'e').where({ tenant: actor.tenantId });
      if (filter.action) qb.andWhere({ action: filter.action });
      if (actorId) qb.andWhere({ actorId });
      if (filter.since) qb.andWhere({ occurredAt: { $gte: filter.since } });
      if (filter.until) qb.andWhere({ occurredAt: { $lt: filter.until } });
      if (filter.targetId) {
        // Served by the GIN index on targets.
        qb.andWhere('e.targets @> ?::jsonb', [JSON.stringify([{ id: filter.targetId }])]);
      }

      return qb;
    };
    const query = filtered()
      .orderBy({ id: 'desc' })
      .limit(page.first + 1);
    if (page.afterId) query.andWhere({ id: { $lt: page.afterId } });
    const rows = await query.getResultList();

    return toPage(rows, page.first, () => filtered().getCount());
  }
}
