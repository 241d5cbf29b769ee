import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Tenant } from './tenant.entity';

/**
 * Locks the tenant's row for the rest of the transaction. Changes whose rules count across the
 * tenant (the last active admin, at most two valid SCIM tokens) take it first, so two of them
 * can never both pass their check against the same snapshot.
 */
export function lockTenant(em: EntityManager, tenantId: string): Promise<Tenant> {
  return em.findOneOrFail(Tenant, { id: tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}
