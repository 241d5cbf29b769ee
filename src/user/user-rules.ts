import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, UserErrorCode } from '../common/errors';
import { capabilitiesOf } from '../tenant/capabilities';
import type { Tenant } from '../tenant/tenant.entity';
import { TenantRole, User, UserSource, UserStatus } from './user.entity';

/** In a mode where the identity provider deactivates users, the users it created are its own. */
export function isUserManagedByIdp(tenant: Tenant, user: User): boolean {
  return (
    capabilitiesOf(tenant.provisioningMode).deactivateUsersAutomatically &&
    user.source === UserSource.SCIM
  );
}

export function refuseIfManagedByIdp(tenant: Tenant, user: User, action: string): void {
  if (isUserManagedByIdp(tenant, user)) {
    throw new DomainError(
      UserErrorCode.MANAGED_BY_IDP,
      `${user.email} is provisioned by the identity provider while the tenant is in ` +
        `${tenant.provisioningMode} mode; ${action} them there instead.`,
      ['userId'],
    );
  }
}

/**
 * Refuses a change that would leave the tenant without an ACTIVE admin. Callers hold the
 * tenant lock, so two such changes cannot both see the other admin as still there.
 */
export async function refuseIfLastAdmin(em: EntityManager, user: User, change: string) {
  if (user.role !== TenantRole.ADMIN || user.status !== UserStatus.ACTIVE) return;
  const others = await em.count(User, {
    tenant: user.tenant,
    role: TenantRole.ADMIN,
    status: UserStatus.ACTIVE,
    id: { $ne: user.id },
  });
  if (others === 0) {
    throw new DomainError(
      UserErrorCode.LAST_ADMIN,
      `${user.email} is the last active admin; ${change} would leave nobody able to ` +
        'administer the tenant. Make another user an ADMIN first.',
      ['userId'],
    );
  }
}
