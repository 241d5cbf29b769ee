import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { userActor } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { requireAdmin } from '../auth/permissions';
import { issueToken } from '../auth/secret-token';
import { normalizeEmail } from '../common/email';
import { DomainError } from '../common/errors';
import { isUuid } from '../common/ids';
import { invitationMail } from '../mail/templates';
import type { ServiceDeps } from '../services';
import { Team } from '../team/team.entity';
import { TeamMembership } from '../team/team-membership.entity';
import { assertNotManagedByIdp } from '../team/team-rules';
import { Tenant } from '../tenant/tenant.entity';
import { TenantRole, User, UserSource, UserStatus } from '../user/user.entity';
import { Invitation } from './invitation.entity';

export interface InviteInput {
  email: string;
  role?: TenantRole | null;
  teamIds?: string[] | null;
}

export interface Invited {
  user: User;
  invitation: Invitation;
}

export class InvitationService {
  private readonly em: EntityManager;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
  }

  /**
   * Invites someone by email, in any provisioning mode (in SCIM and JIT tenants this is how
   * people outside the identity provider get in). The user exists at once as INVITED, in the
   * requested teams, and the invitation email is queued in the same transaction.
   */
  async invite(actor: Actor, input: InviteInput): Promise<Invited> {
    requireAdmin(actor, 'invite users');
    const email = normalizeEmail(input.email);
    const exists = DomainError.alreadyExists('user', 'email', email);
    try {
      const invited = await this.em.transactional(async (em) => {
        const tenant = await em.findOneOrFail(Tenant, { id: actor.tenantId });
        if (await em.count(User, { tenant, email })) throw exists;
        const teams = await this.teamsToJoin(em, tenant, input.teamIds ?? []);
        const user = em.create(User, {
          tenant,
          email,
          role: input.role ?? TenantRole.MEMBER,
          status: UserStatus.INVITED,
          source: UserSource.INVITE,
        });
        for (const team of teams) em.create(TeamMembership, { tenant, team, user });
        const invitation = this.issue(em, tenant, user, actor);
        this.deps.audit.record(
          em,
          tenant,
          userActor(actor),
          'user.invited',
          [
            { type: 'user', id: user.id, display: email },
            { type: 'invitation', id: invitation.id, display: email },
            ...teams.map((team) => ({ type: 'team', id: team.id, display: team.name })),
          ],
          { role: user.role, expiresAt: invitation.expiresAt.toISOString() },
        );
        await em.flush();

        return { user, invitation };
      });
      this.deps.outbox.notify();

      return invited;
    } catch (error) {
      // Concurrent invitations of one address race past the count; the unique index decides.
      if (error instanceof UniqueConstraintViolationException) throw exists;
      throw error;
    }
  }

  /** Creates a pending invitation with a fresh single-use token and queues its email. */
  issue(em: EntityManager, tenant: Tenant, user: User, inviter: Actor | null): Invitation {
    const { token, hash } = issueToken('inv', tenant.id);
    const expiresAt = new Date(Date.now() + this.deps.settings.invitationTtlHours * 3_600_000);
    const invitation = em.create(Invitation, {
      tenant,
      user,
      email: user.email,
      role: user.role,
      tokenHash: hash,
      expiresAt,
      invitedBy: inviter ? em.getReference(User, inviter.userId) : null,
      invitedByEmail: inviter?.email ?? null,
    });
    const link = `${this.deps.settings.publicUrl}/invitations/accept?token=${token}`;
    this.deps.outbox.enqueue(
      em,
      tenant,
      'invitation',
      user.email,
      invitationMail({
        tenantName: tenant.name,
        inviterEmail: inviter?.email ?? null,
        link,
        expiresAt,
      }),
    );

    return invitation;
  }

  private async teamsToJoin(em: EntityManager, tenant: Tenant, teamIds: string[]) {
    const unique = [...new Set(teamIds)];
    const valid = unique.filter(isUuid);
    const teams = valid.length > 0 ? await em.find(Team, { tenant, id: { $in: valid } }) : [];
    const missing = unique.find((id) => !teams.some((team) => team.id === id));
    if (missing) throw DomainError.notFound('team', missing, 'teamIds');
    for (const team of teams) assertNotManagedByIdp(tenant, team);

    return teams;
  }
}
