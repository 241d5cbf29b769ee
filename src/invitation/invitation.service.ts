import { LockMode } from '@mikro-orm/core';
import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { userActor } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { requireAdmin } from '../auth/permissions';
import { issueToken } from '../auth/secret-token';
import { normalizeEmail } from '../common/email';
import { DomainError, UserErrorCode } from '../common/errors';
import { isUuid } from '../common/ids';
import { invitationMail } from '../mail/templates';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { RATE_LIMITS } from '../rate-limit/rate-limits';
import type { ServiceDeps } from '../services';
import { Team } from '../team/team.entity';
import { TeamMembership } from '../team/team-membership.entity';
import { assertNotManagedByIdp } from '../team/team-rules';
import { Tenant } from '../tenant/tenant.entity';
import { TenantRole, User, UserSource, UserStatus } from '../user/user.entity';
import { Invitation, InvitationStatus } from './invitation.entity';

export interface InviteInput {
  email: string;
  role?: TenantRole | null;
  teamIds?: string[] | null;
}

export interface Invited {
  user: User;
  invitation: Invitation;
}

interface InvitationLink {
  token: string;
  hash: string;
  expiresAt: Date;
}

const invitationTargets = (invitation: Invitation) => [
  { type: 'invitation', id: invitation.id, display: invitation.email },
  { type: 'user', id: invitation.user.id, display: invitation.email },
];

export class InvitationService {
  private readonly em: EntityManager;
  private readonly limiter: RateLimiter;

  constructor(private readonly deps: ServiceDeps) {
    this.em = deps.em;
    this.limiter = new RateLimiter(deps.secrets);
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
    const link = this.newLink(tenant);
    const invitation = em.create(Invitation, {
      tenant,
      user,
      email: user.email,
      role: user.role,
      tokenHash: link.hash,
      expiresAt: link.expiresAt,
      invitedBy: inviter ? em.getReference(User, inviter.userId) : null,
      invitedByEmail: inviter?.email ?? null,
    });
    this.mailLink(em, tenant, invitation, link, inviter?.email ?? null);

    return invitation;
  }

  /**
   * Sends a PENDING or EXPIRED invitation again with a new link: the old link stops working and
   * the new one runs for the full invitation lifetime. Resends are limited per invitation, so
   * that the gateway cannot be used to flood someone's mailbox.
   */
  async resend(actor: Actor, invitationId: string): Promise<Invitation> {
    requireAdmin(actor, 'resend invitations');
    const invitation = await this.em.transactional(async (em) => {
      const { tenant, invitation } = await this.findForChange(em, actor, invitationId);
      if (![InvitationStatus.PENDING, InvitationStatus.EXPIRED].includes(invitation.status)) {
        throw new DomainError(
          UserErrorCode.INVALID_STATE,
          `The invitation of ${invitation.email} is ${invitation.status}; only PENDING or ` +
            'EXPIRED invitations can be resent. Invite the person again if they were removed.',
          ['invitationId'],
        );
      }
      await this.limiter.consume(em, tenant.id, [
        { rule: RATE_LIMITS.invitationResendPerMinute, subject: invitation.id },
        { rule: RATE_LIMITS.invitationResendPerDay, subject: invitation.id },
      ]);
      const link = this.newLink(tenant);
      invitation.tokenHash = link.hash;
      invitation.expiresAt = link.expiresAt;
      this.mailLink(em, tenant, invitation, link, actor.email);
      this.deps.audit.record(
        em,
        tenant,
        userActor(actor),
        'invitation.resent',
        invitationTargets(invitation),
        { expiresAt: link.expiresAt.toISOString() },
      );
      await em.flush();

      return invitation;
    });
    this.deps.outbox.notify();

    return invitation;
  }

  /**
   * Revokes an invitation that was not accepted: its link stops working. The user stays
   * INVITED, so an admin can delete them or invite them again later. Idempotent.
   */
  async revoke(actor: Actor, invitationId: string): Promise<Invitation> {
    requireAdmin(actor, 'revoke invitations');

    return this.em.transactional(async (em) => {
      const { tenant, invitation } = await this.findForChange(em, actor, invitationId);
      if (invitation.status === InvitationStatus.REVOKED) return invitation;
      if (invitation.status === InvitationStatus.ACCEPTED) {
        throw new DomainError(
          UserErrorCode.INVALID_STATE,
          `The invitation of ${invitation.email} was already accepted; deactivate the user ` +
            'instead to take their access away.',
          ['invitationId'],
        );
      }
      invitation.storedStatus = InvitationStatus.REVOKED;
      invitation.revokedAt = new Date();
      this.deps.audit.record(
        em,
        tenant,
        userActor(actor),
        'invitation.revoked',
        invitationTargets(invitation),
      );
      await em.flush();

      return invitation;
    });
  }

  /** An invitation of the caller's tenant, locked for the rest of the transaction. */
  private async findForChange(em: EntityManager, actor: Actor, invitationId: string) {
    const tenant = await em.findOneOrFail(Tenant, { id: actor.tenantId });
    const invitation = isUuid(invitationId)
      ? await em.findOne(
          Invitation,
          { id: invitationId, tenant },
          { lockMode: LockMode.PESSIMISTIC_WRITE },
        )
      : null;
    if (!invitation) throw DomainError.notFound('invitation', invitationId, 'invitationId');

    return { tenant, invitation };
  }

  private newLink(tenant: Tenant): InvitationLink {
    const { token, hash } = issueToken('inv', tenant.id);
    const expiresAt = new Date(Date.now() + this.deps.settings.invitationTtlHours * 3_600_000);

    return { token, hash, expiresAt };
  }

  private mailLink(
    em: EntityManager,
    tenant: Tenant,
    invitation: Invitation,
    link: InvitationLink,
    inviterEmail: string | null,
  ): void {
    const url = `${this.deps.settings.publicUrl}/invitations/accept?token=${link.token}`;
    this.deps.outbox.enqueue(
      em,
      tenant,
      'invitation',
      invitation.email,
      invitationMail({
        tenantName: tenant.name,
        inviterEmail,
        link: url,
        expiresAt: link.expiresAt,
      }),
    );
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
