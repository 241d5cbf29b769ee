import { OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { userActor } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { requireAdmin } from '../auth/permissions';
import { DomainError, UserErrorCode } from '../common/errors';
import { ScimToken } from '../scim/scim-token.entity';
import type { ServiceDeps } from '../services';
import { SsoConnection } from '../sso/sso-connection.entity';
import { Team, TeamSource } from '../team/team.entity';
import { User, UserSource } from '../user/user.entity';
import { capabilitiesOf, SsoRequirement } from './capabilities';
import { type ProvisioningMode, Tenant } from './tenant.entity';

export interface ModeChangeImpact {
  scimTokensRevoked: number;
  teamsReleased: number;
  usersReleased: number;
}

export interface ModeChange {
  tenant: Tenant;
  impact: ModeChangeImpact;
  warnings: DomainError[];
}

const NO_IMPACT: ModeChangeImpact = { scimTokensRevoked: 0, teamsReleased: 0, usersReleased: 0 };

/** Thrown inside the transaction to roll a dry run back after measuring it. */
class DryRunRollback extends Error {
  constructor(readonly change: ModeChange) {
    super('dry run');
  }
}

export class ProvisioningService {
  private readonly em: EntityManager;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
  }

  /**
   * Switches the tenant's provisioning mode. Leaving a mode in which the identity provider
   * manages users revokes its SCIM tokens and hands the users and teams it created over to the
   * admins; no account is deleted or deactivated. A dry run does all of it inside a
   * transaction that is rolled back, so the impact it reports is the exact one.
   */
  async setMode(actor: Actor, mode: ProvisioningMode, dryRun: boolean): Promise<ModeChange> {
    requireAdmin(actor, 'change the provisioning mode');
    try {
      return await this.em.transactional(async (em) => {
        const change = await this.apply(em, actor, mode);
        if (dryRun) throw new DryRunRollback(change);

        return change;
      });
    } catch (error) {
      if (error instanceof DryRunRollback) return error.change;
      if (error instanceof OptimisticLockError) {
        throw new DomainError(
          UserErrorCode.CONFLICT,
          'The tenant was changed by another request at the same time. Read it again and retry.',
        );
      }
      throw error;
    }
  }

  private async apply(em: EntityManager, actor: Actor, mode: ProvisioningMode) {
    const tenant = await em.findOneOrFail(Tenant, { id: actor.tenantId });
    const target = capabilitiesOf(mode);
    const hasSso = (await em.count(SsoConnection, { tenant })) > 0;
    if (target.ssoRequirement === SsoRequirement.REQUIRED && !hasSso) {
      throw new DomainError(
        UserErrorCode.SSO_REQUIRED,
        `The ${mode} mode creates users at their first SSO sign-in, so it needs an SSO ` +
          'connection. Run configureSso first.',
        ['mode'],
      );
    }
    const warnings =
      target.ssoRequirement === SsoRequirement.RECOMMENDED && !hasSso
        ? [
            new DomainError(
              UserErrorCode.SSO_RECOMMENDED,
              `The ${mode} mode works without SSO, but users synced by the identity provider ` +
                'should also sign in through it. Configure SSO with configureSso.',
            ),
          ]
        : [];
    if (tenant.provisioningMode === mode) return { tenant, impact: NO_IMPACT, warnings };

    const from = tenant.provisioningMode;
    tenant.provisioningMode = mode;
    // The versioned update goes first: a concurrent switch fails here, before touching anything.
    await em.flush();
    const impact =
      capabilitiesOf(from).scimApiEnabled && !target.scimApiEnabled
        ? await this.releaseFromIdp(em, tenant)
        : NO_IMPACT;
    this.deps.audit.record(
      em,
      tenant,
      userActor(actor),
      'tenant.provisioning_mode_changed',
      [{ type: 'tenant', id: tenant.id, display: tenant.slug }],
      { from, to: mode, ...impact },
    );
    await em.flush();

    return { tenant, impact, warnings };
  }

  /** Hands what the identity provider managed over to the tenant's admins. */
  private async releaseFromIdp(em: EntityManager, tenant: Tenant): Promise<ModeChangeImpact> {
    const now = new Date();
    const scimTokensRevoked = await em.nativeUpdate(
      ScimToken,
      { tenant, revokedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] },
      { revokedAt: now },
    );
    const teamsReleased = await em.nativeUpdate(
      Team,
      { tenant, source: TeamSource.SCIM },
      { source: TeamSource.MANUAL, updatedAt: now },
    );
    const usersReleased = await em.nativeUpdate(
      User,
      { tenant, source: UserSource.SCIM },
      { source: UserSource.INVITE, updatedAt: now },
    );

    return { scimTokensRevoked, teamsReleased, usersReleased };
  }
}
