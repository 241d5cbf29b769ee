import { DomainError, UserErrorCode } from '../common/errors';
import { capabilitiesOf } from '../tenant/capabilities';
import type { Tenant } from '../tenant/tenant.entity';
import { TEAM_NAME, type Team, TeamSource } from './team.entity';

/**
 * Whether the identity provider owns this team right now. A team synced over SCIM is read-only
 * only while the tenant still syncs teams; once the tenant leaves that mode, admins own it.
 */
export function isManagedByIdp(
  tenant: Pick<Tenant, 'provisioningMode'>,
  team: Pick<Team, 'source'>,
): boolean {
  return (
    capabilitiesOf(tenant.provisioningMode).syncTeamsAutomatically &&
    team.source === TeamSource.SCIM
  );
}

/** Refuses changes to a team the identity provider owns; the change belongs in the IdP. */
export function assertNotManagedByIdp(tenant: Tenant, team: Team): void {
  if (!isManagedByIdp(tenant, team)) return;

  throw new DomainError(
    UserErrorCode.MANAGED_BY_IDP,
    `Team "${team.name}" is synced from the identity provider while the tenant is in ` +
      `${tenant.provisioningMode} mode. Change the group in the identity provider instead.`,
    ['teamId'],
  );
}

/** Refuses a team name outside `TEAM_NAME`. Names are not trimmed: a space is an error. */
export function assertValidTeamName(name: string): void {
  if (TEAM_NAME.test(name)) return;

  const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
  throw new DomainError(
    UserErrorCode.INVALID_NAME,
    'A team name must be 1 to 36 characters of letters A-Z and a-z, digits, "_" and "-"; ' +
      `received "${shown}" (${[...name].length} characters).`,
    ['name'],
  );
}
