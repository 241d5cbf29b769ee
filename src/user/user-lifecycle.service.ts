import type { EntityManager } from '@mikro-orm/postgresql';
import { type AuditActor, userActor } from '../audit/audit-log';
import { AccessToken } from '../auth/access-token.entity';
import type { Actor } from '../auth/actor';
import { requireAdmin } from '../auth/permissions';
import { DomainError, UserErrorCode } from '../common/errors';
import { isUuid } from '../common/ids';
import { Invitation, InvitationStatus } from '../invitation/invitation.entity';
import { Resource } from '../resource/resource.entity';
import { ResourceCollaborator } from '../resource/resource-collaborator.entity';
import type { ServiceDeps } from '../services';
import { SessionFamily } from '../session/session-family.entity';
import { Team } from '../team/team.entity';
import { TeamMembership } from '../team/team-membership.entity';
import type { Tenant } from '../tenant/tenant.entity';
import { lockTenant } from '../tenant/tenant-lock';
import { type TenantRole, User, UserStatus } from './user.entity';
import { refuseIfLastAdmin, refuseIfManagedByIdp } from './user-rules';

export interface DeletionBlockers {
  teams: { id: string; name: string }[];
  resources: { id: string; name: string }[];
}

/** Deactivation, reactivation, deletion and role changes: the rules of a user's lifecycle. */
export class UserLifecycleService {
  private readonly em: EntityManager;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
  }

  /**
   * Blocks the user: DEACTIVATED, every access token and session and pending invitation revoked,
   * all in one transaction, so the user's next request is already refused. Idempotent.
   */
  deactivate(actor: Actor, userId: string): Promise<User> {
    return this.change(actor, userId, 'deactivate', async (em, tenant, user) => {
      refuseIfManagedByIdp(tenant, user, 'deactivate');
      if (user.status === UserStatus.DEACTIVATED) return user;
      await refuseIfLastAdmin(em, user, 'deactivating them');
      await this.block(em, tenant, user, userActor(actor));

      return user;
    });
  }

  /** Lets a DEACTIVATED user back in. Revoked tokens stay revoked. Idempotent. */
  reactivate(actor: Actor, userId: string): Promise<User> {
    return this.change(actor, userId, 'reactivate', async (em, tenant, user) => {
      refuseIfManagedByIdp(tenant, user, 'reactivate');
      if (user.status === UserStatus.ACTIVE) return user;
      if (user.status !== UserStatus.DEACTIVATED) {
        throw new DomainError(
          UserErrorCode.INVALID_STATE,
          `${user.email} is ${user.status}, not DEACTIVATED; only deactivated users can be ` +
            'reactivated. Resend or revoke their invitation instead.',
          ['userId'],
        );
      }
      user.status = UserStatus.ACTIVE;
      user.deactivatedAt = null;
      this.audit(em, tenant, userActor(actor), 'user.reactivated', user);

      return user;
    });
  }

  /**
   * Deletes a user who no longer has access to anything. While they are in a team or a
   * collaborator on a resource the deletion is refused, and every blocker is reported.
   */
  async delete(actor: Actor, userId: string): Promise<string> {
    const user = await this.change(actor, userId, 'delete', async (em, tenant, target) => {
      refuseIfManagedByIdp(tenant, target, 'deprovision');
      await refuseIfLastAdmin(em, target, 'deleting them');
      const blockers = await this.blockers(em, target);
      if (blockers.teams.length > 0 || blockers.resources.length > 0) {
        throw new DomainError(
          UserErrorCode.USER_HAS_ACCESS,
          `${target.email} still belongs to ${blockers.teams.length} team(s) and collaborates ` +
            `on ${blockers.resources.length} resource(s). Remove that access first; ` +
            '`blockers` lists it.',
          ['userId'],
          { blockers },
        );
      }
      this.audit(em, tenant, userActor(actor), 'user.deleted', target);
      // Resources keep their creator's email; the foreign key is cleared by the database.
      em.remove(target);

      return target;
    });

    return user.id;
  }

  async setRole(actor: Actor, userId: string, role: TenantRole): Promise<User> {
    return this.change(actor, userId, 'change the role of', async (em, tenant, user) => {
      if (user.role === role) return user;
      await refuseIfLastAdmin(em, user, 'changing their role');
      const from = user.role;
      user.role = role;
      this.audit(em, tenant, userActor(actor), 'user.role_changed', user, { from, to: role });

      return user;
    });
  }

  /** Deactivation proper, for every path that blocks a user (admins, the identity provider). */
  async block(em: EntityManager, tenant: Tenant, user: User, by: AuditActor): Promise<void> {
    const now = new Date();
    user.status = UserStatus.DEACTIVATED;
    user.deactivatedAt = now;
    const tokensRevoked = await em.nativeUpdate(
      AccessToken,
      { tenant, user, revokedAt: null },
      { revokedAt: now },
    );
    const invitationsRevoked = await em.nativeUpdate(
      Invitation,
      { tenant, user, storedStatus: InvitationStatus.PENDING },
      { storedStatus: InvitationStatus.REVOKED, revokedAt: now },
    );
    // Access tokens of a session would be refused anyway (the user is not ACTIVE); revoking the
    // sessions keeps them refused after a reactivation, like personal access tokens.
    await em.nativeUpdate(
      SessionFamily,
      { tenant, user, revokedAt: null },
      { revokedAt: now, revokedReason: 'user_deactivated' },
    );
    this.audit(em, tenant, by, 'user.deactivated', user, { tokensRevoked, invitationsRevoked });
  }

  async blockers(em: EntityManager, user: User): Promise<DeletionBlockers> {
    const memberships = await em.find(
      TeamMembership,
      { tenant: user.tenant, user },
      { populate: ['team'], orderBy: { team: { name: 'asc' } } },
    );
    const collaborations = await em.find(
      ResourceCollaborator,
      { tenant: user.tenant, user },
      { populate: ['resource'], orderBy: { resource: { name: 'asc' } } },
    );

    return {
      teams: memberships.map(({ team }: { team: Team }) => ({ id: team.id, name: team.name })),
      resources: collaborations.map(({ resource }: { resource: Resource }) => ({
        id: resource.id,
        name: resource.name,
      })),
    };
  }

  /** Runs one admin change to one user of the caller's tenant, in one transaction. */
  private async change<T>(
    actor: Actor,
    userId: string,
    verb: string,
    apply: (em: EntityManager, tenant: Tenant, user: User) => Promise<T>,
  ): Promise<T> {
    requireAdmin(actor, `${verb} users`);

    return this.em.transactional(async (em) => {
      const tenant = await lockTenant(em, actor.tenantId);
      const user = isUuid(userId) ? await em.findOne(User, { id: userId, tenant }) : null;
      if (!user) throw DomainError.notFound('user', userId, 'userId');
      if (user.id === actor.userId && verb !== 'change the role of') {
        throw new DomainError(
          UserErrorCode.CANNOT_TARGET_SELF,
          `You cannot ${verb} yourself; ask another admin to do it.`,
          ['userId'],
        );
      }
      const result = await apply(em, tenant, user);
      await em.flush();

      return result;
    });
  }

  private audit(
    em: EntityManager,
    tenant: Tenant,
    by: AuditActor,
    action: string,
    user: User,
    metadata: Record<string, unknown> = {},
  ): void {
    this.deps.audit.record(
      em,
      tenant,
      by,
      action,
      [{ type: 'user', id: user.id, display: user.email }],
      metadata,
    );
  }
}
